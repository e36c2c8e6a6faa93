/**
 * `bbm-verify replay FILE [--sut PATH|port|mutant:<id>] [--trace OUT.jsonl]`: re-runs one saved
 * case exactly — the value in the file, the property it names, against the SUT it was found on or
 * the one given — and prints the same report as the failure that saved it. Nothing is generated
 * and nothing is shrunk, and nothing in the output depends on time, so the same file gives
 * byte-identical output every time. The SUT runs in verify's child process, under its deadline
 * (cli/verifyRunner.ts): a patched module outside the checkout loads as it does for `verify`.
 *
 * Exit status: 0 the case holds; 1 it fails (or the SUT hangs, exits or crashes); 2 bad input (the
 * file, the SUT, a flag); 3 an internal error of the suite.
 *
 * Layer: cli.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyseFailure } from '../reports/analyse.ts';
import type { Paint } from '../reports/colour.ts';
import { ansi, plain, wantsColour } from '../reports/colour.ts';
import { htmlReport } from '../reports/htmlReport.ts';
import type { ReportInput } from '../reports/input.ts';
import { decodeReportInput } from '../reports/inputCodec.ts';
import { textReport } from '../reports/textReport.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import type { CorpusEntry } from '../shrinks/store.ts';
import { CorpusError, readEntry } from '../shrinks/store.ts';
import type { CommandResult } from './checkTrace.ts';
import { parseVerb, verbHelp } from './options.ts';
import { UsageError } from './usage.ts';
import { durationMs, existingFile } from './values.ts';
import { REPLAY_VERB, RUN_TIMEOUT } from './verbs.ts';
import type { Request } from './verifyProtocol.ts';
import type { Outcome } from './verifyRunner.ts';
import { runPlan } from './verifyRunner.ts';
import { shellWord } from './verifyReport.ts';
import { reportFile } from './verifySummary.ts';

/**
 * A child's encoded report input with this replay's own command.
 * @param encoded - the encoded input, if the child sent one
 * @param file - the case file
 * @returns the input, or undefined
 */
function withReplay(encoded: string | undefined, file: string): ReportInput | undefined {
  if (encoded === undefined) return undefined;
  try {
    const input = decodeReportInput(encoded);
    return {
      ...input,
      failure: {
        ...input.failure,
        replays: [{ how: 'by value', command: `npx bbm-verify replay ${shellWord(file)}` }],
      },
    };
  } catch {
    return undefined;
  }
}

/** The SUT of a replay, as the child takes it. */
type ReplaySut = { readonly sut?: string; readonly mutant?: string; readonly name: string };

/**
 * The SUT to replay against: `--sut` (a module path, `port` or `mutant:<id>`), else the entry's.
 * @param given - `--sut`, if given
 * @param entry - the case
 * @param file - for messages
 * @returns the SUT
 */
function replaySut(given: string | undefined, entry: CorpusEntry, file: string): ReplaySut {
  const name = given ?? entry.sut;
  if (name === 'port') return { name: 'port' };
  if (name.startsWith('mutant:')) {
    const id = name.slice('mutant:'.length);
    if (!MUTANTS.some((m) => m.id === id))
      throw new UsageError(
        `replay: ${given === undefined ? `${file}: sut: ` : '--sut '}no seeded bug ${JSON.stringify(id)} (impl/mutants/README.md)`,
      );
    return { mutant: id, name };
  }
  const path = given ?? name.slice('module:'.length);
  const what = given === undefined ? `replay: ${file}: sut: the SUT module` : 'replay: SUT module';
  return { sut: existingFile(path, what), name: path };
}

/** What a replay knows besides the outcome: its file (for the report's replay line) and colour. */
interface ReplayView {
  readonly file: string;
  readonly paint: Paint;
}

/**
 * The lines of an outcome: the failure's first line and the failure report (reports/README.md),
 * or the failure text as `verify` prints it when no report could be built; never a timing.
 */
function outcomeLines(
  property: string,
  o: Outcome,
  trace: string | undefined,
  view: ReplayView,
): { lines: string[]; code: number; report?: ReportInput } {
  const indent = (t: string): string[] => t.split('\n').map((l) => (l === '' ? '' : `      ${l}`));
  switch (o.kind) {
    case 'result': {
      const r = o.result;
      const written =
        trace === undefined
          ? []
          : r.traceFile === undefined
            ? [`      (no trace: the check made no judged run)`]
            : [`      trace: ${trace} (npx bbm-verify check-trace ${shellWord(trace)})`];
      if (r.status === 'fail') {
        const report = withReplay(r.report, view.file);
        if (report !== undefined)
          return {
            lines: [
              `FAIL  ${property}`,
              ...indent((r.failure ?? '').split('\n')[0] ?? ''),
              '',
              ...indent(textReport(analyseFailure(report), view.paint)),
              ...written,
            ],
            code: 1,
            report,
          };
        return { lines: [`FAIL  ${property}`, ...indent(r.failure ?? ''), ...written], code: 1 };
      }
      return { lines: [`pass  ${property}`, ...written], code: 0 };
    }
    case 'timeout':
      return {
        lines: [
          `FAIL  ${property}`,
          `      timeout: the SUT did not return within ${o.limitMs / 1000} s (--run-timeout)`,
          ...(o.at.op === undefined ? [] : [`      during ${o.at.op}`]),
          ...(o.at.config === undefined ? [] : [`      configuration: ${o.at.config}`]),
        ],
        code: 1,
      };
    case 'ended':
      return {
        lines: [
          `FAIL  ${property}`,
          `      ${o.how}`,
          ...(o.at.op === undefined ? [] : [`      during ${o.at.op}`]),
          ...(o.at.config === undefined ? [] : [`      configuration: ${o.at.config}`]),
        ],
        code: 1,
      };
    case 'error':
      return { lines: [`ERROR ${property}  internal error of the suite: ${o.message.split('\n')[0] ?? ''}`], code: 3 };
  }
}

/**
 * Runs the command.
 * @param args - `FILE` and options
 * @returns output and exit code
 */
export async function runReplay(args: readonly string[]): Promise<CommandResult> {
  const { values: v, positionals, help } = parseVerb(REPLAY_VERB, args);
  if (help) return { stdout: [verbHelp(REPLAY_VERB)], stderr: [], code: 0 };
  const file = positionals[0];
  if (file === undefined) throw new UsageError('replay: needs a case file (try: bbm-verify replay --help)');
  let entry: CorpusEntry;
  try {
    entry = readEntry(file);
  } catch (e) {
    if (e instanceof CorpusError) throw new UsageError(`replay: ${e.message}`);
    throw e;
  }
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const sut = replaySut(str('sut'), entry, file);
  const trace = str('trace');
  if (trace !== undefined && !trace.endsWith('.jsonl'))
    throw new UsageError(`replay: --trace takes a .jsonl file name, got ${JSON.stringify(trace)}`);
  const runTimeoutMs = durationMs(str('run-timeout') ?? RUN_TIMEOUT, 'replay: --run-timeout');
  const html = str('html') === undefined ? undefined : reportFile(str('html') ?? '', '--html');
  const req: Request = {
    ...(sut.sut === undefined ? {} : { sut: sut.sut }),
    ...(sut.mutant === undefined ? {} : { mutant: sut.mutant }),
    only: [entry.property],
    seeds: [entry.found.seed],
    budget: 1,
    narrowing: {},
    from: 0,
    replay: { input: entry.input, ...(trace === undefined ? {} : { trace: resolve(trace) }) },
  };
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A replay writes no files but the trace asked for, and is narrowed by nothing.
  for (const k of ['BBM_TRACE_DIR', 'BBM_GRANULES', 'BBM_VARIANTS']) delete env[k];
  const stdout = [
    `bbm-verify: replay ${file}: ${entry.property} on ${sut.name} (found on ${entry.sut} at seed ${entry.found.seed}${entry.found.path === '' ? '' : `, path ${entry.found.path}`}; recorded: ${entry.expect})`,
  ];
  const stderr: string[] = [];
  let result: { lines: string[]; code: number; report?: ReportInput } | undefined;
  const problem = await runPlan(req, { runTimeoutMs }, env, {
    plan: () => {},
    outcome: (_i, o) => {
      result = outcomeLines(entry.property, o, trace, { file, paint: wantsColour(process.stdout) ? ansi : plain });
    },
    output: (line) => stderr.push(`sut: ${line}`),
  });
  if (problem !== undefined) {
    if (problem.kind === 'timeout')
      return {
        stdout: [...stdout, `FAIL  SUT module ${sut.name} did not finish loading within ${problem.limitMs / 1000} s`],
        stderr,
        code: 1,
      };
    const line = problem.kind === 'ended' ? `${problem.how} while loading` : problem.message;
    return { stdout, stderr: [...stderr, `bbm-verify: replay: ${line}`], code: 2 };
  }
  if (result === undefined) return { stdout, stderr: [...stderr, 'bbm-verify: replay: nothing was run'], code: 3 };
  const outcome = result.code === 1 ? 'fails' : 'holds';
  const verdict =
    result.code > 1
      ? []
      : sut.name !== entry.sut && !(sut.sut !== undefined && entry.sut === `module:${sut.sut}`)
        ? [
            `the case ${outcome} on ${sut.name} (saved as one that must ${entry.expect === 'fail' ? 'fail' : 'hold'} on ${entry.sut})`,
          ]
        : (result.code === 1) === (entry.expect === 'fail')
          ? [`as recorded: the case ${outcome}`]
          : [
              `CHANGED: the case ${outcome}; it was saved as one that must ${entry.expect === 'fail' ? 'fail' : 'hold'}`,
            ];
  const wrote: string[] = [];
  if (html !== undefined) {
    const report = result.report;
    const page = htmlReport(report === undefined ? [] : [analyseFailure(report)], {
      title: `bbm-verify replay ${file}`,
      summary: `replay ${file}: ${result.code === 1 ? 'fails' : 'holds'}`,
      others:
        result.code === 1 && report === undefined ? [{ title: entry.property, text: result.lines.join('\n') }] : [],
    });
    try {
      mkdirSync(dirname(html), { recursive: true });
      writeFileSync(html, page);
    } catch (e) {
      throw new UsageError(`replay: cannot write ${html}: ${e instanceof Error ? e.message : String(e)}`);
    }
    wrote.push(`wrote ${html}`);
  }
  return { stdout: [...stdout, ...result.lines, ...verdict, ...wrote], stderr, code: result.code };
}
