/**
 * `bbm-verify corpus check [DIR] | list | show ID | add FILE | rm ID` (and `corpus [DIR]`, the same
 * as `corpus check [DIR]`): the saved counterexamples of shrinks/corpus. Every subcommand has its
 * own option table (cli/verbs.ts). A corrupt, truncated or old-schema file is one line naming the
 * file and the field, exit 2, and nothing is rewritten; writes are atomic (shrinks/store.ts).
 *
 * Layer: cli.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSut } from '../impl/index.ts';
import { describeConfig } from '../properties/arbitraries/config.ts';
import type { SutConfig } from '../impl/index.ts';
import { replayEntry } from '../shrinks/corpusReplay.ts';
import type { CorpusEntry } from '../shrinks/store.ts';
import { CORPUS_DIR, CorpusError, findEntry, loadCorpus, readEntry, removeEntry, saveEntry } from '../shrinks/store.ts';
import { decodeValue } from '../shrinks/encoding.ts';
import type { CommandResult } from './checkTrace.ts';
import { parseVerb, verbHelp } from './options.ts';
import type { VerbSpec } from './options.ts';
import { CORPUS_SUBVERBS, CORPUS_VERB } from './verbs.ts';
import { UsageError } from './usage.ts';

const ok = (stdout: string[]): CommandResult => ({ stdout, stderr: [], code: 0 });

/** The corpus folder of a subcommand: it must exist and be a folder. */
function corpusDir(dir: string): string {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`corpus: ${dir} does not exist`);
  }
  if (!isDir) throw new UsageError(`corpus: ${dir} is not a folder`);
  return dir;
}

/** Every entry of a folder that must hold some. */
function entriesOf(dir: string): ReturnType<typeof loadCorpus> {
  const entries = loadCorpus(corpusDir(dir));
  if (entries.length === 0)
    throw new UsageError(`corpus: no entries (<property>/<name>.json) under ${dir}: nothing to replay`);
  return entries;
}

/**
 * Replays every entry against its record. An entry found on a SUT module (`module:<path>`, saved
 * by `verify --sut PATH --save-corpus`) is not replayed here — the module is not part of the
 * suite — and says how to replay it; a corpus of those alone checked nothing (exit 2).
 */
function check(dir: string): CommandResult {
  const entries = entriesOf(dir);
  const stdout: string[] = [];
  let changed = 0;
  let modules = 0;
  for (const { file, entry } of entries) {
    if (entry.sut.startsWith('module:')) {
      modules++;
      stdout.push(
        `not replayed ${entry.property} on ${entry.sut}: bbm-verify replay ${file} --sut ${entry.sut.slice('module:'.length)}`,
      );
      continue;
    }
    const r = replayEntry(entry, file);
    if (!r.asExpected) changed++;
    const verdict = r.failed ? 'fails' : 'holds';
    stdout.push(
      `${r.asExpected ? 'as recorded' : 'CHANGED    '}  ${entry.property} on ${entry.sut} ${verdict}  (${file})`,
    );
    if (!r.asExpected && r.failed) stdout.push(`      ${r.message}`);
  }
  if (modules === entries.length)
    throw new UsageError(`corpus: every entry under ${dir} was found on a SUT module: nothing replayed here`);
  const others = modules === 0 ? '' : `, ${modules} found on a SUT module not replayed`;
  stdout.push(`${entries.length - changed - modules} as recorded, ${changed} changed${others} (corpus under ${dir})`);
  return { stdout, stderr: [], code: changed === 0 ? 0 : 1 };
}

/** One line about an entry. */
function entryLine(id: string, e: CorpusEntry): string {
  const found = `seed ${e.found.seed}${e.found.path === '' ? '' : ` path ${e.found.path}`}, ${e.found.date}`;
  return `${id.padEnd(58)} ${e.sut.padEnd(36)} ${e.expect}  (${found})`;
}

/** The configuration of an input, when it has one. */
function configOf(e: CorpusEntry): string | undefined {
  const v = decodeValue(e.input) as { config?: SutConfig; memblock?: unknown };
  const cfg = v.config ?? (v.memblock !== undefined ? (v as unknown as SutConfig) : undefined);
  return cfg === undefined ? undefined : describeConfig(cfg);
}

function add(dir: string, file: string, name: string | undefined): CommandResult {
  const entry = readEntry(file);
  if (!(entry.sut === 'port' || entry.sut.startsWith('mutant:')))
    throw new UsageError(
      `corpus add: ${file}: sut: ${entry.sut} — corpus entries replay against port or a seeded bug (mutant:<id>); replay this case with: npx bbm-verify replay ${file} --sut PATH`,
    );
  const named: CorpusEntry = { ...entry, name: name ?? entry.name };
  const target = join(dir, named.property, `${named.name}.json`);
  if (loadCorpus(dir).some((e) => e.id === `${named.property}/${named.name}`))
    throw new UsageError(`corpus add: ${target} exists: remove it first (corpus rm) or choose another --name`);
  const r = replayEntry(named, file);
  if (!r.asExpected)
    return {
      stdout: [
        `not added: ${named.property} on ${named.sut} ${r.failed ? 'fails' : 'holds'}, the case records ${named.expect}`,
        ...(r.failed ? [`      ${r.message}`] : []),
      ],
      stderr: [],
      code: 1,
    };
  if (named.sut !== 'port' && named.expect === 'fail') {
    const onPort = replayEntry(named, file, createSut);
    if (onPort.failed)
      return {
        stdout: [
          `not added: the input also fails on the bundled port, so it does not tell ${named.sut} apart`,
          `      ${onPort.message}`,
        ],
        stderr: [],
        code: 1,
      };
  }
  const written = saveEntry(dir, named);
  return ok([`added ${named.property}/${named.name} (${written})`]);
}

/**
 * Runs the command.
 * @param args - a subcommand and its arguments, or `[DIR]`
 * @returns output and exit code
 */
export async function runCorpus(args: readonly string[]): Promise<CommandResult> {
  const [first, ...rest] = args;
  const sub: VerbSpec | undefined = first === undefined ? undefined : CORPUS_SUBVERBS[first];
  if (sub === undefined) {
    // `corpus [DIR]`, `corpus --help`.
    if (args.includes('--help') || args.includes('-h')) return ok([verbHelp(CORPUS_VERB)]);
    return run(() => {
      const { positionals } = parseVerb(CORPUS_SUBVERBS['check'] ?? CORPUS_VERB, args);
      return check(positionals[0] ?? CORPUS_DIR);
    });
  }
  const { values, positionals, help } = parseVerb(sub, rest);
  if (help) return ok([verbHelp(sub)]);
  const dir = typeof values['dir'] === 'string' ? values['dir'] : CORPUS_DIR;
  const needs = (what: string): string => {
    const p = positionals[0];
    if (p === undefined) throw new UsageError(`${sub.name}: needs ${what} (try: bbm-verify ${sub.name} --help)`);
    return p;
  };
  return run(() => {
    switch (first) {
      case 'check':
        return check(positionals[0] ?? CORPUS_DIR);
      case 'list': {
        const entries = loadCorpus(corpusDir(dir));
        return ok([...entries.map((e) => entryLine(e.id, e.entry)), `${entries.length} entries (corpus under ${dir})`]);
      }
      case 'show': {
        const e = findEntry(corpusDir(dir), needs('an entry id'));
        const cfg = configOf(e.entry);
        return ok([
          entryLine(e.id, e.entry),
          ...(cfg === undefined ? [] : [`configuration: ${cfg}`]),
          `file: ${e.file}`,
          readFileSync(e.file, 'utf8').trimEnd(),
        ]);
      }
      case 'add': {
        const name = typeof values['name'] === 'string' ? values['name'] : undefined;
        return add(dir, needs('a case file'), name);
      }
      case 'rm': {
        const file = removeEntry(corpusDir(dir), needs('an entry id'));
        return ok([`removed ${file}`]);
      }
      default:
        throw new UsageError(`corpus: unknown subcommand ${JSON.stringify(first)}`);
    }
  });
}

/** Runs a subcommand, turning a corpus problem into its one exit-2 line. */
function run(f: () => CommandResult): CommandResult {
  try {
    return f();
  } catch (e) {
    if (e instanceof CorpusError)
      throw new UsageError(e.message.startsWith('corpus') ? e.message : `corpus: ${e.message}`);
    throw e;
  }
}
