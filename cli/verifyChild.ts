/**
 * The child process of `bbm-verify verify` (started through bin/verify-child.mjs): expands the
 * request into jobs against the catalogue, loads the SUT, runs the jobs and tells the parent, on
 * fd 3, what it is doing before it does it — which property, which run, which configuration,
 * which kernel operation — so that when the SUT loops, exits or crashes the parent can say where.
 * A `process.exit()` of the SUT is reported with its caller before the process ends.
 *
 * The environment carries the narrowing (`BBM_GRANULES`, `BBM_VARIANTS`, set by the parent) to
 * the configuration arbitraries, read when the catalogue is imported below. What only some runs
 * need (a seeded bug named by id, the corpus values, saving a failure) is imported when needed.
 *
 * Layer: cli.
 */
import { createReadStream, mkdirSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SutFactory } from '../impl/index.ts';
import { createSut } from '../impl/index.ts';
import { describeConfig } from '../properties/arbitraries/config.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import type { AnyProperty } from '../properties/registry.ts';
import type { SavedExample } from '../shrinks/examples.ts';
import { decodeValue, encodeValue } from '../shrinks/encoding.ts';
import { loadSut, replayEnvOf, SutLoadError } from '../properties/harness/sut.ts';
import { callText, wrapOps } from '../properties/harness/wrapOps.ts';
import type { PropertyResult } from '../properties/verify.ts';
import { verifyProperty } from '../properties/verify.ts';
import { encodeReportInput } from '../reports/inputCodec.ts';
import { runCase } from '../shrinks/corpusReplay.ts';
import type { CorpusEntry } from '../shrinks/store.ts';
import { CORPUS_DIR } from '../shrinks/store.ts';
import { reportInputOf } from './failureReport.ts';
import { shardJobs } from './shard.ts';
import type { ChildMessage, Job, Request, WireResult } from './verifyProtocol.ts';
import { JOB_FD, MESSAGE_FD } from './verifyProtocol.ts';

const send = (m: ChildMessage): void => {
  writeSync(MESSAGE_FD, JSON.stringify(m) + '\n');
};

/** The first stack frame outside this file and node's own: where the SUT called exit. */
function caller(stack: string | undefined): string {
  const frames = (stack ?? '').split('\n').slice(1);
  const frame = frames.find((f) => !f.includes('verifyChild') && !f.includes('node:')) ?? frames[0] ?? '';
  return frame.trim().replace(/^at /, '');
}

const realExit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  send({ t: 'exit-called', code: Number(code ?? process.exitCode ?? 0), where: caller(new Error().stack) });
  return realExit(code);
}) as typeof process.exit;

/** The SUT, telling the parent each configuration it is built for and each operation called. */
function announced(sut: SutFactory, job: () => number): SutFactory {
  return (hw, config) => {
    send({ t: 'config', job: job(), config: describeConfig(config) });
    return wrapOps(sut(hw, config), (name, args, call) => {
      send({ t: 'op', job: job(), op: callText(name, args) });
      return call();
    });
  };
}

/**
 * The jobs of a request: every selected property (catalogue order) at every seed, or the request's
 * shard of them (cli/shard.ts).
 * @param req - the request
 * @returns the jobs, or the message naming an unknown property
 */
function jobsOf(req: Request): Job[] | string {
  const unknown = req.only.find((id) => !PROPERTIES.some((p) => p.id === id));
  if (unknown !== undefined) return `verify: no property ${JSON.stringify(unknown)} (see properties/README.md)`;
  const selected = PROPERTIES.filter((p) => req.only.length === 0 || req.only.includes(p.id));
  const all = req.seeds.flatMap((seed) =>
    selected.map((p) => ({
      property: p.id,
      seed,
      runs: req.replay !== undefined ? 1 : (req.runs ?? p.numRuns * req.budget),
      ...(req.timeMs === undefined ? {} : { timeMs: req.timeMs }),
      ...(req.path === undefined ? {} : { path: req.path }),
    })),
  );
  return shardJobs(all, req.shard);
}

/**
 * The report input of a failure: the shrunk input run once more by itself (never shrunk again),
 * its judged run turned into the report's data. Undefined when the input makes no judged run or
 * does not fail again (the text of the failure is then all there is).
 * @param p - the property
 * @param sut - the implementation
 * @param sutName - how the run names it
 * @param r - the failing result
 * @returns the encoded report input
 */
function failureReport(p: AnyProperty, sut: SutFactory, sutName: string, r: PropertyResult): string | undefined {
  if (r.counterexample === undefined) return undefined;
  try {
    const again = runCase(p, r.counterexample, sut);
    if (!again.failed || again.run === undefined) return undefined;
    const input = reportInputOf(
      {
        property: p,
        sut: sutName,
        message: r.failure ?? '',
        seed: r.seed,
        ...(r.path === undefined ? {} : { path: r.path }),
        runs: r.runs,
        ...(r.shrinks === undefined ? {} : { shrinks: r.shrinks }),
        replays: [],
      },
      again.run,
    );
    return encodeReportInput(input);
  } catch {
    // A report is an addition: a failure to build one never hides the failure itself.
    return undefined;
  }
}

/** Writes a trace file, making its folder. */
function writeTrace(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * Runs one saved case (`bbm-verify replay`): the value once, nothing generated, nothing shrunk.
 * @param p - the property
 * @param replay - the encoded input and where to write its trace
 * @param sut - the SUT
 * @param seed - the seed it was found at (reported back unchanged)
 * @param sutName - how the report names the SUT
 * @returns the result (with its report input when it fails with a judged run)
 */
async function replayCase(
  p: AnyProperty,
  replay: NonNullable<Request['replay']>,
  sut: SutFactory,
  seed: number,
  sutName: string,
): Promise<WireResult> {
  const t0 = performance.now();
  const r = runCase(p, decodeValue(replay.input), sut);
  if (replay.trace !== undefined && r.run !== undefined) writeTrace(replay.trace, r.run.trace());
  const base = { id: p.id, runs: 1, ms: performance.now() - t0, seed };
  const trace = replay.trace !== undefined && r.run !== undefined ? { traceFile: replay.trace } : {};
  if (!r.failed) return { ...base, status: 'pass', ...trace };
  const report =
    r.run === undefined
      ? undefined
      : encodeReportInput(reportInputOf({ property: p, sut: sutName, message: r.report, seed, replays: [] }, r.run));
  return { ...base, status: 'fail', failure: r.report, ...trace, ...(report === undefined ? {} : { report }) };
}

/**
 * Adds a run's counterexample to the corpus as soon as it is found (`--save-corpus`): unless it
 * is a corpus value already (it failed again), or its value does not fail by itself (the corpus
 * check would call it changed); an equal entry already there is not added twice
 * (shrinks/addEntry.ts).
 * @param dir - the corpus folder
 * @param entry - the failure's entry
 * @param note - why the value does not reproduce the failure by itself, if it does not
 * @param exampleFile - the corpus entry that failed, when the failing input was one
 * @returns the result's corpus fields
 */
async function toCorpus(
  dir: string,
  entry: CorpusEntry,
  note: string | undefined,
  exampleFile: string | undefined,
): Promise<Pick<WireResult, 'corpusFile' | 'corpusAdded' | 'corpusNote'>> {
  if (exampleFile !== undefined) return { corpusFile: exampleFile, corpusAdded: false };
  if (note !== undefined) return { corpusNote: `not added: ${note}` };
  const { addEntry } = await import('../shrinks/addEntry.ts');
  try {
    const a = addEntry(dir, entry);
    return { corpusFile: a.file, corpusAdded: a.added };
  } catch (e) {
    // A corpus that cannot be read or written costs the entry, never the run's verdict.
    return { corpusNote: `not added: ${(e instanceof Error ? e.message : String(e)).split('\n')[0] ?? ''}` };
  }
}

/** How a report names the request's SUT: `port`, `mutant:<id>` or the module path. */
const sutLabel = (req: Request): string => (req.mutant !== undefined ? `mutant:${req.mutant}` : (req.sut ?? 'port'));

/**
 * The job indexes to run: `from` to the end, or, in pull mode, each index the parent answers to
 * a `ready` until it says `stop` (or closes the pipe).
 * @param req - the request
 * @param count - how many jobs the plan has
 * @yields job indexes
 */
async function* jobIndexes(req: Request, count: number): AsyncGenerator<number, void, undefined> {
  if (req.pull !== true) {
    for (let i = req.from; i < count; i++) yield i;
    return;
  }
  const input = createReadStream('', { fd: JOB_FD });
  const lines = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  try {
    for (;;) {
      send({ t: 'ready' });
      const next = await lines.next();
      if (next.done === true || !/^\d+$/.test(next.value)) return;
      yield Number(next.value);
    }
  } finally {
    input.destroy();
  }
}

async function main(): Promise<void> {
  const req = JSON.parse(process.argv[2] ?? '{}') as Request;
  const jobs = jobsOf(req);
  if (typeof jobs === 'string') return send({ t: 'bad-plan', message: jobs });
  send({ t: 'plan', jobs });
  send({ t: 'loading' });
  let sut: SutFactory = createSut;
  let replayEnv: Record<string, string> | undefined;
  if (req.sut !== undefined) {
    try {
      sut = await loadSut(req.sut);
      replayEnv = await replayEnvOf(req.sut);
    } catch (e) {
      if (!(e instanceof SutLoadError)) throw e;
      return send({ t: 'load-error', message: e.message });
    }
  }
  if (req.mutant !== undefined) {
    const { MUTANTS } = await import('../impl/mutants/catalogue.ts');
    const m = MUTANTS.find((x) => x.id === req.mutant);
    if (m === undefined)
      return send({ t: 'load-error', message: `no seeded bug ${JSON.stringify(req.mutant)} (impl/mutants/README.md)` });
    sut = m.createSut;
  }
  send({ t: 'loaded', ...(replayEnv === undefined || Object.keys(replayEnv).length === 0 ? {} : { env: replayEnv }) });
  let current = 0;
  const judged = announced(sut, () => current);
  // Failing runs are saved under BBM_TRACE_DIR/<sut>/[seed-<seed>/]<property>.jsonl: one SUT's
  // (or seed's) trace never overwrites another's.
  const traces = process.env['BBM_TRACE_DIR'];
  const sutDir =
    req.mutant !== undefined
      ? `mutant-${req.mutant}`
      : req.sut === undefined
        ? 'port'
        : basename(req.sut).replace(/\.[cm]?[jt]sx?$/, '');
  const sutName =
    req.mutant !== undefined ? `mutant:${req.mutant}` : req.sut === undefined ? 'port' : `module:${req.sut}`;
  for await (const i of jobIndexes(req, jobs.length)) {
    const job = jobs[i];
    const p = PROPERTIES.find((x) => x.id === job?.property);
    if (job === undefined || p === undefined) continue;
    current = i;
    if (traces !== undefined && traces !== '')
      process.env['BBM_TRACE_DIR'] = join(traces, sutDir, ...(req.seeds.length > 1 ? [`seed-${job.seed}`] : []));
    send({ t: 'start', job: i });
    try {
      if (req.replay !== undefined) {
        send({ t: 'result', job: i, result: await replayCase(p, req.replay, judged, job.seed, sutLabel(req)) });
        continue;
      }
      // The corpus values of the property run first (shrinks/examples.ts), unless --no-corpus.
      let saved: readonly SavedExample[] = [];
      try {
        if (req.noCorpus !== true)
          saved = (await import('../shrinks/examples.ts')).corpusCases(p.id, req.corpusDir ?? CORPUS_DIR);
      } catch (e) {
        if (!(e instanceof (await import('../shrinks/store.ts')).CorpusError)) throw e;
        return send({ t: 'bad-plan', message: `verify: ${e.message}` });
      }
      const r = verifyProperty(p, judged, {
        seed: job.seed,
        runs: job.runs,
        narrowing: req.narrowing,
        examples: saved.map((x) => x.value),
        ...(job.timeMs === undefined ? {} : { timeMs: job.timeMs }),
        ...(job.path === undefined ? {} : { path: job.path }),
        onRun: (n, shrinking, path, example) => {
          const file = example === undefined ? undefined : saved[example]?.file;
          send({
            t: 'run',
            job: i,
            n,
            shrinking,
            ...(path === undefined ? {} : { path }),
            ...(file === undefined ? {} : { example: file }),
          });
        },
      });
      const { ok: _ok, runsToFailure: _rtf, counterexample, example, ...rest } = r;
      const exampleFile = example === undefined ? undefined : saved[example]?.file;
      const report = r.status === 'fail' ? failureReport(p, sut, sutLabel(req), r) : undefined;
      let files = {};
      const dir = process.env['BBM_TRACE_DIR'];
      if (r.status === 'fail' && counterexample !== undefined) {
        const failure = {
          property: p,
          sutName,
          sut: judged,
          seed: job.seed,
          path: r.path ?? '',
          counterexample,
          failure: r.failure ?? '',
        };
        const { failureEntry, replayNote, saveFailureCase } = await import('../shrinks/failureCase.ts');
        const c =
          dir !== undefined && dir !== ''
            ? saveFailureCase(dir, failure)
            : { entry: failureEntry(failure), note: replayNote(failure, failureEntry(failure)) };
        files = {
          ...('caseFile' in c ? { caseFile: c.caseFile } : {}),
          ...(c.note === undefined ? {} : { failure: `${r.failure ?? ''}\nnote: ${c.note}` }),
          ...(req.saveCorpus === true ? await toCorpus(req.corpusDir ?? CORPUS_DIR, c.entry, c.note, exampleFile) : {}),
        };
      }
      send({
        t: 'result',
        job: i,
        result: {
          ...rest,
          ...(counterexample === undefined ? {} : { counterexample: encodeValue(counterexample) }),
          ...(report === undefined ? {} : { report }),
          ...(exampleFile === undefined ? {} : { exampleFile }),
          ...files,
        },
      });
    } catch (e) {
      send({ t: 'error', job: i, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  }
  send({ t: 'done' });
}

await main();
