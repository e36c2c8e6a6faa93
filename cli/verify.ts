/**
 * `bbm-verify verify` (also `bbm-verify run`): every property against the SUT, at one seed or at
 * `--seeds N` seeds derived from it, one line per property as it finishes and a summary; on a
 * finding, the failure and the command that replays it. The SUT runs in a child process under a
 * deadline (cli/verifyRunner.ts).
 *
 * Exit status: 0 all hold; 1 a finding (a counterexample, a SUT that hangs, exits or crashes);
 * 2 bad usage or bad input (flags, environment, the SUT module, a replay path that names no
 * failing input, nothing checked at all); 3 an internal error of the suite. When several apply:
 * 3, then 1, then 2.
 *
 * Layer: cli.
 */
import { availableParallelism } from 'node:os';
import type { GranuleName, Variant } from '../impl/index.ts';
import type { Narrowing } from '../properties/verify.ts';
import type { CommandResult } from './checkTrace.ts';
import { parseVerb, verbHelp } from './options.ts';
import { makeProgress, progressMode } from './progress.ts';
import type { ProgressMode } from './progress.ts';
import { parseShard } from './shard.ts';
import { UsageError } from './usage.ts';
import { durationMs, existingFile, positiveInt, seedValue, wordList } from './values.ts';
import { RUN_TIMEOUT, VERIFY_SEED, VERIFY_VERB } from './verbs.ts';
import type { Job, Request } from './verifyProtocol.ts';
import type { ReplayContext, Row } from './verifyReport.ts';
import { formatOutcome } from './verifyReport.ts';
import { runPlan } from './verifyRunner.ts';
import type { LoadProblem } from './verifyRunner.ts';
import { reportFile, summaryLine, writeReports } from './verifySummary.ts';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyseFailure } from '../reports/analyse.ts';
import { ansi, plain, wantsColour } from '../reports/colour.ts';
import { htmlReport } from '../reports/htmlReport.ts';

/** How many times each property's CI budget `verify` runs by default. */
const VERIFY_BUDGET = 3;

const GRANULES: readonly GranuleName[] = ['4K', '16K', '64K'];
const VARIANTS: readonly Variant[] = ['v7.2-rc', 'v7.1', 'v7.3', 'v6.18', 'prealloc'];

/**
 * The seeds of a multi-seed run: the base seed, then seeds derived from it (murmur3's finaliser
 * of base + i·golden ratio), reproducible from the base seed alone.
 * @param base - the base seed
 * @param n - how many
 * @returns the seeds
 */
export function deriveSeeds(base: number, n: number): number[] {
  const out = [base];
  for (let i = 1; i < n; i++) {
    let h = (base + Math.imul(i, 0x9e3779b9)) | 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    out.push(h >>> 1);
  }
  return out;
}

/** The checked flags of a run. */
interface Flags {
  readonly req: Request;
  readonly ctx: ReplayContext;
  readonly runTimeoutMs: number;
  readonly workers: number;
  readonly timeMs?: number;
  readonly json?: string;
  readonly junit?: string;
  readonly html?: string;
  readonly progress: ProgressMode;
}

function checkFlags(args: readonly string[]): Flags | string {
  const { values: v, source, help } = parseVerb(VERIFY_VERB, args);
  if (help) return verbHelp(VERIFY_VERB);
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const what = (k: string): string => `verify: ${source[k] ?? `--${k}`}`;
  const list = (k: string): string[] => (v[k] === undefined ? [] : ([] as string[]).concat(v[k] as string | string[]));
  // `--sut port` is the bundled port, `--sut mutant:<id>` a seeded bug (impl/mutants), else a module.
  // (The child checks that the seeded bug exists, as replay's does: one line, exit 2.)
  const sutFlag = str('sut');
  const mutant = sutFlag?.startsWith('mutant:') === true ? sutFlag.slice('mutant:'.length) : undefined;
  const sut =
    sutFlag === undefined || sutFlag === 'port' || mutant !== undefined
      ? undefined
      : existingFile(sutFlag, 'verify: SUT module');
  // A corpus to read must exist (a typo would read nothing); one to add to is made when missing.
  const corpusDir = str('corpus');
  if (corpusDir !== undefined && v['save-corpus'] !== true && !existsSync(corpusDir))
    throw new UsageError(`${what('corpus')}: ${corpusDir} does not exist`);
  const only = [...new Set(list('only').flatMap((x) => x.split(',')))];
  if (only.includes('')) throw new UsageError('verify: --only takes property ids, got an empty one');
  const runs = str('runs') === undefined ? undefined : positiveInt(str('runs') ?? '', what('runs'));
  const timeMs = str('time') === undefined ? undefined : durationMs(str('time') ?? '', what('time'));
  const runTimeoutMs = durationMs(str('run-timeout') ?? RUN_TIMEOUT, what('run-timeout'));
  const workers = str('jobs') === undefined ? availableParallelism() : positiveInt(str('jobs') ?? '', what('jobs'));
  const seed = str('seed') === undefined ? VERIFY_SEED : seedValue(str('seed') ?? '', what('seed'));
  const nSeeds = str('seeds') === undefined ? 1 : positiveInt(str('seeds') ?? '', what('seeds'));
  const granules = v['granule'] === undefined ? undefined : wordList(list('granule'), GRANULES, what('granule'));
  const variants = v['variant'] === undefined ? undefined : wordList(list('variant'), VARIANTS, what('variant'));
  const shard = str('shard') === undefined ? undefined : parseShard(str('shard') ?? '', what('shard'));
  const path = str('path');
  if (path !== undefined) {
    if (!/^\d+(?::\d+)*$/.test(path))
      throw new UsageError(
        `verify: --path takes a fast-check path such as 3:0:1 (from a replay: line), got ${JSON.stringify(path)}`,
      );
    if (only.length !== 1) throw new UsageError('verify: --path replays one property: give it with --only ID');
    if (nSeeds !== 1) throw new UsageError('verify: --path replays one seed: drop --seeds');
    if (shard !== undefined) throw new UsageError('verify: --path replays one input: drop --shard');
  }
  const narrowing: Narrowing = {
    ...(granules === undefined ? {} : { granules }),
    ...(variants === undefined ? {} : { variants }),
  };
  return {
    req: {
      ...(sut === undefined ? {} : { sut }),
      only,
      seeds: deriveSeeds(seed, nSeeds),
      ...(runs === undefined ? {} : { runs }),
      budget: VERIFY_BUDGET,
      ...(timeMs === undefined ? {} : { timeMs }),
      ...(path === undefined ? {} : { path }),
      ...(v['no-corpus'] === true ? { noCorpus: true } : {}),
      ...(mutant === undefined ? {} : { mutant }),
      ...(corpusDir === undefined ? {} : { corpusDir }),
      ...(v['save-corpus'] === true ? { saveCorpus: true } : {}),
      narrowing,
      from: 0,
      ...(shard === undefined ? {} : { shard }),
    },
    ctx: {
      ...(sut === undefined ? {} : { sut }),
      ...(mutant === undefined ? {} : { sut: `mutant:${mutant}` }),
      narrowing,
      ...(str('run-timeout') === undefined ? {} : { runTimeout: str('run-timeout') ?? '' }),
      ...(str('time') === undefined ? {} : { time: str('time') ?? '' }),
    },
    runTimeoutMs,
    progress: str('progress') === undefined ? 'auto' : progressMode(str('progress') ?? '', what('progress')),
    workers,
    ...(timeMs === undefined ? {} : { timeMs }),
    ...(str('json') === undefined ? {} : { json: reportFile(str('json') ?? '', '--json') }),
    ...(str('junit') === undefined ? {} : { junit: reportFile(str('junit') ?? '', '--junit') }),
    ...(str('html') === undefined ? {} : { html: reportFile(str('html') ?? '', '--html') }),
  };
}

function loadProblemLine(sut: string, p: LoadProblem): { line: string; code: number } {
  if (p.kind === 'bad-plan' || p.kind === 'bad-module') return { line: p.message, code: 2 };
  if (p.kind === 'timeout')
    return {
      line: `SUT module ${sut} did not finish loading within ${p.limitMs / 1000} s (a loop on import?)`,
      code: 1,
    };
  return { line: `${p.how} while loading`, code: 2 };
}

/**
 * Runs the command.
 * @param args - options
 * @param print - receives each stdout line as it is produced (the lines are also returned)
 * @returns output and exit code
 */
export async function runVerify(
  args: readonly string[],
  print: (line: string) => void = () => {},
): Promise<CommandResult> {
  const flags = checkFlags(args);
  if (typeof flags === 'string') return { stdout: [flags], stderr: [], code: 0 };
  const stdout: string[] = [];
  const stderr: string[] = [];
  const progress = makeProgress(flags.progress);
  const out = (line: string): void => {
    stdout.push(line);
    progress.print(line, print);
  };
  const { req } = flags;
  // The plug-in's replayEnv joins the replay context once a child has loaded it.
  let ctx: ReplayContext = flags.ctx;
  const paint = wantsColour(process.stdout) ? ansi : plain;
  const seeds = req.seeds;
  const n = describeNarrowingShort(req.narrowing);
  const env: NodeJS.ProcessEnv = { ...process.env, BBM_TRACE_DIR: process.env['BBM_TRACE_DIR'] ?? 'reports/out' };
  delete env['BBM_GRANULES'];
  delete env['BBM_VARIANTS'];
  if (req.narrowing.granules !== undefined) env['BBM_GRANULES'] = req.narrowing.granules.join(',');
  if (req.narrowing.variants !== undefined) env['BBM_VARIANTS'] = req.narrowing.variants.join(',');
  const rows: Row[] = [];
  let jobs: readonly Job[] = [];
  let started = Date.now();
  const t0 = Date.now();
  const problem = await runPlan(
    req,
    {
      runTimeoutMs: flags.runTimeoutMs,
      workers: flags.workers,
      ...(flags.timeMs === undefined ? {} : { timeMs: flags.timeMs }),
    },
    env,
    {
      loaded: (env) => {
        ctx = { ...flags.ctx, env };
      },
      plan: (js) => {
        jobs = js;
        const label = (j: Job | undefined): string => (j === undefined ? '' : `${j.property} (seed ${j.seed})`);
        progress.start(js.length, label(js[0]));
        const properties = new Set(js.map((j) => j.property)).size;
        const shard =
          req.shard === undefined
            ? ''
            : `, shard ${req.shard.index}/${req.shard.count} (${js.length} job${js.length === 1 ? '' : 's'})`;
        out(
          `bbm-verify: ${properties} properties against ${req.mutant === undefined ? (req.sut ?? 'the bundled port (impl/)') : `the seeded bug mutant:${req.mutant}`}, ` +
            `${seeds.length === 1 ? `seed ${seeds[0] ?? ''}` : `${seeds.length} seeds from ${seeds[0] ?? ''}`}${n}${shard}`,
        );
      },
      outcome: (i, outcome, ms) => {
        const job = jobs[i];
        if (job === undefined) return;
        if (seeds.length > 1 && jobs[i - 1]?.seed !== job.seed)
          out(`seed ${job.seed} (${seeds.indexOf(job.seed) + 1}/${seeds.length})`);
        const { lines, row } = formatOutcome(job, outcome, ms ?? Date.now() - started, ctx, paint);
        started = Date.now();
        rows.push(row);
        progress.done(
          row.status === 'fail' || row.status === 'error',
          jobs[i + 1] === undefined ? '' : `${jobs[i + 1]?.property ?? ''} (seed ${jobs[i + 1]?.seed ?? ''})`,
        );
        for (const l of lines) out(l);
        if (seeds.length > 1 && jobs[i + 1]?.seed !== job.seed)
          out(`seed ${job.seed}: ${summaryLine(rows.filter((r) => r.seed === job.seed))}`);
      },
      output: (line) => stderr.push(`sut: ${line}`),
    },
  ).finally(() => progress.stop());
  if (problem !== undefined) {
    const { line, code } = loadProblemLine(req.sut ?? 'impl/', problem);
    if (code === 1) {
      out(`FAIL  ${line}`);
      out(`0 passed, 1 failed`);
      return { stdout, stderr, code: 1, streamed: true };
    }
    return { stdout, stderr: [...stderr, `bbm-verify: ${line}`], code: 2, streamed: true };
  }
  out(seeds.length === 1 ? summaryLine(rows) : `${seeds.length} seeds: ${summaryLine(rows, seeds)}`);
  const reports = writeReports(rows, {
    json: flags.json,
    junit: flags.junit,
    seeds,
    ms: Date.now() - t0,
    sut: req.mutant === undefined ? req.sut : `mutant:${req.mutant}`,
    ...(req.shard === undefined ? {} : { shard: req.shard }),
  });
  if (flags.html !== undefined) reports.push(writeHtml(flags.html, rows, seeds));
  for (const f of reports) out(`wrote ${f}`);
  const verdict = exitOf(rows, n);
  return {
    stdout,
    stderr: verdict.error === undefined ? stderr : [...stderr, `bbm-verify: verify: ${verdict.error}`],
    code: verdict.code,
    streamed: true,
  };
}

/**
 * The exit status of a run that ran: 3 an internal error, else 1 a finding, else 2 when something
 * checked nothing (a replay that replays nothing, a budget spent before the first run, every
 * property skipped by the narrowing), else 0.
 * @param rows - the rows
 * @param narrowing - the narrowing as the header prints it, for the message
 * @returns the code and, for 2, the one error line
 */
export function exitOf(rows: readonly Row[], narrowing = ''): { code: number; error?: string } {
  const count = (s: Row['status']): number => rows.filter((r) => r.status === s).length;
  if (count('error') > 0) return { code: 3 };
  if (count('fail') > 0) return { code: 1 };
  const noInput = rows.find((r) => r.status === 'no-input');
  if (noInput !== undefined) return { code: 2, error: noInput.message ?? '' };
  if (count('pass') === 0)
    return {
      code: 2,
      error: `nothing checked: no selected property has a configuration with${narrowing.replace(/^,/, '')}`,
    };
  return { code: 0 };
}

/**
 * Writes the HTML report of a run's failures (a page saying that every property held when none
 * failed; a failure without a report — a timeout, a crash — is listed with its text).
 * @param file - where
 * @param rows - the run's rows
 * @param seeds - the seeds
 * @returns the file
 * @throws UsageError when it cannot be written
 */
function writeHtml(file: string, rows: readonly Row[], seeds: readonly number[]): string {
  const failed = rows.filter((r) => r.status === 'fail' || r.status === 'error');
  const analyses = failed.flatMap((r) => (r.report === undefined ? [] : [analyseFailure(r.report)]));
  const others = failed
    .filter((r) => r.report === undefined)
    .map((r) => ({ title: `${r.property} (seed ${r.seed})`, text: [r.message ?? '', r.replay ?? ''].join('\n') }));
  const html = htmlReport(analyses, {
    title: `bbm-verify: ${summaryLine(rows, seeds.length > 1 ? seeds : undefined)}`,
    summary: summaryLine(rows, seeds.length > 1 ? seeds : undefined),
    others,
  });
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, html);
  } catch (e) {
    throw new UsageError(`verify: cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return file;
}

function describeNarrowingShort(n: Narrowing): string {
  return `${n.granules === undefined ? '' : `, granule ${n.granules.join(',')}`}${n.variants === undefined ? '' : `, variant ${n.variants.join(',')}`}`;
}
