/**
 * `bbm-verify corpus [DIR]`: replays every saved counterexample (default shrinks/corpus) and
 * checks it still fails (or holds) as recorded. Exit 0 all as recorded, 1 a change, 2 a corrupt
 * corpus file (one line naming it; nothing is rewritten).
 *
 * Layer: cli.
 */
import { CORPUS_DIR, CorpusError, loadCorpus } from '../properties/corpus.ts';
import { replayEntry } from '../properties/corpusReplay.ts';
import type { CommandResult } from './checkTrace.ts';
import { UsageError } from './usage.ts';

/**
 * Runs the command.
 * @param args - `[DIR]`
 * @returns output and exit code
 */
export async function runCorpus(args: readonly string[]): Promise<CommandResult> {
  if (args.length > 1 || args.some((a) => a.startsWith('-'))) throw new UsageError('corpus: expected at most one DIR');
  const dir = args[0] ?? CORPUS_DIR;
  try {
    const entries = loadCorpus(dir);
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
