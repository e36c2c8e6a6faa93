/**
 * `bbm-verify corpus [DIR]`: replays every saved counterexample (default shrinks/corpus) and
 * checks it still fails (or holds) as recorded. Exit 0 all as recorded, 1 a change, 2 a corrupt
 * corpus file (one line naming it; nothing is rewritten).
 *
 * Layer: cli.
 */
import { statSync } from 'node:fs';
import { CORPUS_DIR, CorpusError, decodeValue, loadCorpus } from '../properties/corpus.ts';
import { replayEntry } from '../properties/corpusReplay.ts';
import type { CommandResult } from './checkTrace.ts';
import { parseVerb, verbHelp } from './options.ts';
import { CORPUS_VERB } from './verbs.ts';
import { UsageError } from './usage.ts';

/**
 * Runs the command.
 * @param args - `[DIR]`
 * @returns output and exit code
 */
export async function runCorpus(args: readonly string[]): Promise<CommandResult> {
  const { positionals, help } = parseVerb(CORPUS_VERB, args);
  if (help) return { stdout: [verbHelp(CORPUS_VERB)], stderr: [], code: 0 };
  const dir = positionals[0] ?? CORPUS_DIR;
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`corpus: ${dir} does not exist`);
  }
  if (!isDir) throw new UsageError(`corpus: ${dir} is not a folder`);
  try {
    const entries = loadCorpus(dir);
    if (entries.length === 0)
      throw new UsageError(`corpus: no entries (<property>/<name>.json) under ${dir}: nothing to replay`);
    // An input that does not decode is a corrupt file, not a changed verdict.
    for (const { file, entry } of entries) {
      try {
        decodeValue(entry.input);
      } catch (e) {
        throw new CorpusError(`${file}: its input does not decode: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const stdout: string[] = [];
    let changed = 0;
    for (const { file, entry } of entries) {
      const r = replayEntry(entry, file);
      if (!r.asExpected) changed++;
      const verdict = r.failed ? 'fails' : 'holds';
      stdout.push(
        `${r.asExpected ? 'as recorded' : 'CHANGED    '}  ${entry.property} on ${entry.sut} ${verdict}  (${file})`,
      );
      if (!r.asExpected && r.failed) stdout.push(`      ${r.message}`);
    }
    stdout.push(`${entries.length - changed} as recorded, ${changed} changed (corpus under ${dir})`);
    return { stdout, stderr: [], code: changed === 0 ? 0 : 1 };
  } catch (e) {
    if (e instanceof CorpusError) throw new UsageError(`corpus: ${e.message}`);
    throw e;
  }
}
