/**
 * The lines `bbm-verify verify` prints for each property at each seed, and the command that
 * replays a finding exactly: same property, seed and path, and the same narrowing, SUT and
 * deadline as the run that found it.
 *
 * Layer: cli.
 */
import type { Narrowing } from '../properties/verify.ts';
import { analyseFailure } from '../reports/analyse.ts';
import type { Paint } from '../reports/colour.ts';
import { plain } from '../reports/colour.ts';
import type { ReplayLine, ReportInput } from '../reports/input.ts';
import { decodeReportInput } from '../reports/inputCodec.ts';
import { textReport } from '../reports/textReport.ts';
import type { Job } from './verifyProtocol.ts';
import type { Outcome } from './verifyRunner.ts';
import { grace } from './verifyRunner.ts';

/** What a replay command must carry besides the property, seed and path. */
export interface ReplayContext {
  readonly sut?: string;
  readonly narrowing: Narrowing;
  /** `--run-timeout` as given, when it was. */
  readonly runTimeout?: string;
  /** `--time` as given, when it was. */
  readonly time?: string;
  /**
   * The plug-in's `replayEnv` variables and their values in this run (impl/CONTRACT.md §1): what
   * it checks (a kernel tree, its patches), which the replay commands must set again.
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** `NAME=value` words for the replay environment, in the plug-in's order. */
const envWords = (ctx: ReplayContext): string[] =>
  Object.entries(ctx.env ?? {}).map(([k, v]) => `${k}=${shellWord(v)}`);

/** One row of the run, for the summary, JSON and JUnit. */
export interface Row {
  readonly property: string;
  readonly seed: number;
  readonly status: 'pass' | 'fail' | 'skip' | 'no-input' | 'error';
  /** Generated inputs run. */
  readonly runs: number;
  /** Corpus values run before them (absent: none). */
  readonly examples?: number;
  readonly ms: number;
  /** The failure (or skip, or error) text. */
  readonly message?: string;
  readonly replay?: string;
  /** `bbm-verify replay <case file>`, when the case was saved. */
  readonly replayCase?: string;
  /** The corpus entry whose value failed, when the failing input was one (no seed and path then). */
  readonly exampleFile?: string;
  /** With `--save-corpus`: the corpus entry the counterexample was added as, or the equal one there. */
  readonly corpusFile?: string;
  readonly path?: string;
  readonly counterexample?: unknown;
  /** The failure's report input, replay commands included (for `--html`). */
  readonly report?: ReportInput;
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that replays a finding.
 * @param job - the property and seed
 * @param path - the fast-check path (absent: the whole property at that seed)
 * @param ctx - the rest of the run's flags
 * @param withTime - carry `--time` (a finding of the time budget)
 * @returns the command line
 */
export function replayCommand(job: Job, path: string | undefined, ctx: ReplayContext, withTime = false): string {
  const words = ['npx', 'bbm-verify', 'verify', '--only', job.property, '--seed', String(job.seed)];
  if (path !== undefined) words.push('--path', path);
  else words.push('--runs', String(job.runs));
  if (ctx.narrowing.granules !== undefined) words.push('--granule', ctx.narrowing.granules.join(','));
  if (ctx.narrowing.variants !== undefined) words.push('--variant', ctx.narrowing.variants.join(','));
  if (ctx.sut !== undefined) words.push('--sut', ctx.sut);
  if (ctx.runTimeout !== undefined) words.push('--run-timeout', ctx.runTimeout);
  if (withTime && ctx.time !== undefined) words.push('--time', ctx.time);
  return [...envWords(ctx), ...words.map(shellWord)].join(' ');
}

/**
 * The command that replays a saved case by value.
 * @param caseFile - the case
 * @param ctx - the run's flags (the SUT)
 * @param withSut - carry `--sut` (a corpus entry, which names the SUT it was found on, not this one)
 * @returns the command line
 */
export function replayCaseCommand(caseFile: string, ctx: ReplayContext, withSut = false): string {
  const words = ['npx', 'bbm-verify', 'replay', caseFile];
  if (withSut && ctx.sut !== undefined) words.push('--sut', ctx.sut);
  if (ctx.runTimeout !== undefined) words.push('--run-timeout', ctx.runTimeout);
  return [...(withSut ? envWords(ctx) : []), ...words.map(shellWord)].join(' ');
}

const head = (status: string, id: string, runs: string, ms: number): string =>
  `${status.padEnd(4)}  ${id.padEnd(36)} ${runs.padStart(9)}  ${(ms / 1000).toFixed(1).padStart(6)} s`;

const indent = (text: string): string[] => text.split('\n').map((l) => (l === '' ? '' : `      ${l}`));

/**
 * The report of a failure whose child sent one: its input with the replay commands, and its text.
 * @param encoded - the child's encoded report input
 * @param replays - the replay commands: by seed and path, by value
 * @param paint - colour or not
 * @returns the input and the text, or undefined when it does not decode or cannot be drawn
 */
function failureReport(
  encoded: string | undefined,
  replays: readonly ReplayLine[],
  paint: Paint,
): { input: ReportInput; text: string } | undefined {
  if (encoded === undefined) return undefined;
  try {
    const input = decodeReportInput(encoded);
    const full: ReportInput = {
      ...input,
      failure: { ...input.failure, replays: [...input.failure.replays, ...replays] },
    };
    return { input: full, text: textReport(analyseFailure(full), paint) };
  } catch {
    // The report is an addition to the failure's own text, never a reason to lose it.
    return undefined;
  }
}

/**
 * Formats the outcome of one job.
 * @param job - the job
 * @param outcome - how it ended
 * @param ms - wall time of the job as the parent saw it
 * @param ctx - for the replay command
 * @param paint - colour for a terminal (default none)
 * @returns the lines and the row
 */
export function formatOutcome(
  job: Job,
  outcome: Outcome,
  ms: number,
  ctx: ReplayContext,
  paint: Paint = plain,
): { lines: string[]; row: Row } {
  const base = { property: job.property, seed: job.seed };
  switch (outcome.kind) {
    case 'result': {
      const r = outcome.result;
      // Generated inputs and corpus values are counted apart: `--runs N` asks for N generated ones.
      const ex = r.examples === undefined || r.examples === 0 ? {} : { examples: r.examples };
      const runs = `${r.runs} runs${ex.examples === undefined ? '' : ` + ${ex.examples} saved`}`;
      if (r.status === 'pass')
        return {
          lines: [head('pass', r.id, runs, r.ms)],
          row: { ...base, status: 'pass', runs: r.runs, ...ex, ms: r.ms },
        };
      if (r.status === 'skip' || r.status === 'no-input') {
        const reason = r.reason ?? '';
        return {
          lines: [`${(r.status === 'skip' ? 'skip' : 'none').padEnd(4)}  ${r.id.padEnd(36)} ${reason}`],
          row: { ...base, status: r.status, runs: r.runs, ...ex, ms: r.ms, message: reason },
        };
      }
      const failure = r.failure ?? '';
      // Every failure names its saved trace and both replays: by seed and path (`replay:`) and by
      // value (`by value:`, the case saved when it failed).
      const trace =
        r.traceFile === undefined || failure.includes(`whole run: ${r.traceFile}`)
          ? []
          : [`    whole run: ${r.traceFile} (npx bbm-verify check-trace ${shellWord(r.traceFile)})`];
      const byValue = r.caseFile === undefined ? undefined : replayCaseCommand(r.caseFile, ctx);
      // A corpus value that fails has no seed and path: its entry and the saved case replay it.
      const bySeed = r.exampleFile === undefined ? replayCommand(job, r.path ?? '', ctx) : undefined;
      const replay = bySeed ?? byValue ?? replayCaseCommand(r.exampleFile ?? '', ctx, true);
      const replays = [
        ...(bySeed === undefined ? [] : [{ how: 'by seed and path', command: bySeed }]),
        ...(byValue === undefined ? [] : [{ how: 'by value', command: byValue }]),
      ];
      const report = failureReport(r.report, replays, paint);
      // With a report: the failure's first line (what broke, at a glance), the report, the saved trace.
      const body =
        report === undefined
          ? indent([failure, ...trace].join('\n'))
          : [
              ...indent(failure.split('\n')[0] ?? ''),
              // Which call and which kernel functions issued the failing primitive (the harness's).
              ...[...failure.matchAll(/^ {4}((?:during|issued by|in) .*)$/gm)].map((m) => `          ${m[1] ?? ''}`),
              '',
              ...indent(report.text),
              '',
              ...[...[failure, ...trace].join('\n').matchAll(/^\s*(whole run: .*)$/gm)].map(
                (m) => `      ${m[1] ?? ''}`,
              ),
            ];
      return {
        lines: [
          head('FAIL', r.id, runs, r.ms),
          ...body,
          ...(bySeed === undefined
            ? [
                `      replay: none by seed and path: the failing input is the saved value of ${r.exampleFile ?? ''}, tried before the generated ones (--no-corpus runs those alone)`,
              ]
            : [`      replay: ${bySeed}`]),
          ...(byValue === undefined ? [] : [`    by value: ${byValue}`]),
          // `--save-corpus`: where the counterexample is in the corpus now.
          ...(r.corpusFile !== undefined
            ? [`      corpus: ${r.corpusAdded === true ? 'added' : 'already there:'} ${r.corpusFile}`]
            : r.corpusNote !== undefined
              ? [`      corpus: ${r.corpusNote}`]
              : []),
        ],
        row: {
          ...base,
          status: 'fail',
          runs: r.runs,
          ...ex,
          ms: r.ms,
          message: failure,
          replay,
          ...(byValue === undefined ? {} : { replayCase: byValue }),
          ...(r.exampleFile === undefined ? {} : { exampleFile: r.exampleFile }),
          ...(r.corpusFile === undefined ? {} : { corpusFile: r.corpusFile }),
          ...(r.path === undefined ? {} : { path: r.path }),
          counterexample: r.counterexample,
          ...(report === undefined ? {} : { report: report.input }),
        },
      };
    }
    case 'timeout':
    case 'ended': {
      const at = outcome.at;
      const what =
        outcome.kind === 'timeout'
          ? outcome.what === 'run'
            ? `timeout: the SUT did not return within ${outcome.limitMs / 1000} s (--run-timeout)`
            : `timeout: the SUT did not return within the time budget of ${outcome.limitMs / 1000} s (--time) and a grace of ${(grace(outcome.limitMs) - outcome.limitMs) / 1000} s`
          : outcome.how;
      const where = [
        `${what}${at.n === undefined ? ' before its first run' : `, in run ${at.n + 1}${at.shrinking === true ? ' (while shrinking a failure)' : ''}`}${at.example === undefined ? '' : ` (the saved value of ${at.example})`}`,
        ...(at.op === undefined ? [] : [`during ${at.op}`]),
        ...(at.config === undefined ? [] : [`configuration: ${at.config}`]),
      ];
      // A saved value in progress is replayed by its corpus entry, against this SUT.
      const replay =
        at.example !== undefined
          ? replayCaseCommand(at.example, ctx, true)
          : replayCommand(job, at.path, ctx, outcome.kind === 'timeout' && outcome.what === 'budget');
      const runs = at.n === undefined ? '' : `run ${at.n + 1}`;
      return {
        lines: [head('FAIL', job.property, runs, ms), ...where.map((l) => `      ${l}`), `      replay: ${replay}`],
        row: {
          ...base,
          status: 'fail',
          runs: at.n === undefined ? 0 : at.n + 1,
          ms,
          message: where.join('\n'),
          replay,
          ...(at.path === undefined ? {} : { path: at.path }),
        },
      };
    }
    case 'error': {
      const first = outcome.message.split('\n')[0] ?? '';
      return {
        lines: [`ERROR ${job.property.padEnd(36)} internal error of the suite: ${first}`],
        row: { ...base, status: 'error', runs: 0, ms, message: outcome.message },
      };
    }
  }
}
