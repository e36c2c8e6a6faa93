/**
 * Runs a verify request in child processes (bin/verify-child.mjs → cli/verifyChild.ts) under a
 * deadline, so that no SUT can hang, end or crash the run: a SUT that does not return within the
 * limits, or that ends its process, is killed and reported as a finding on the property it was
 * running, with the run, configuration and kernel operation it was in; the next property runs in a
 * fresh child.
 *
 * Limits: every single run (and the loading of the SUT module) within `runTimeoutMs`; with a time
 * budget (`--time`), every property within that budget plus a grace of 2 s + 10 % (fast-check stops
 * between runs when the budget is spent; the grace lets the last run finish). Every limit is
 * measured on the child's own time (cli/childClock.ts: wall time minus the time it waited for a
 * CPU, on Linux): on a loaded machine a child that is merely starved — a start that took 60 s of
 * wall time under three test runs and a sweep at `nice 10` — is not a hung SUT nor a stalled child.
 *
 * Layer: cli.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ChildClock } from './childClock.ts';
import type { ChildMessage, Job, Request, WireResult } from './verifyProtocol.ts';
import { JOB_FD, MESSAGE_FD } from './verifyProtocol.ts';

/** The child's entry point. */
const CHILD = fileURLToPath(new URL('../bin/verify-child.mjs', import.meta.url));

/** Deadlines. */
export interface Limits {
  readonly runTimeoutMs: number;
  readonly timeMs?: number;
  /** The child's entry point (tests put a stand-in there). */
  readonly child?: string;
  /**
   * Children running jobs at once (default 1). With more, the children pull jobs from one queue
   * (`Request.pull`); outcomes are still reported in job order, and each job is the same
   * computation (property, seed, runs) whichever child runs it, so the results are those of one
   * child.
   */
  readonly workers?: number;
}

/** Where the SUT was when it was stopped. */
export interface Whereabouts {
  /** Calls of the property so far (0-based index of the one in progress). */
  readonly n?: number;
  readonly shrinking?: boolean;
  /** The replay path of the input in progress, when known. */
  readonly path?: string;
  /** The corpus entry of the input in progress, when it is a saved value (no path then). */
  readonly example?: string;
  readonly config?: string;
  readonly op?: string;
}

/** How one job ended. */
export type Outcome =
  | { readonly kind: 'result'; readonly result: WireResult }
  | { readonly kind: 'timeout'; readonly what: 'run' | 'budget'; readonly limitMs: number; readonly at: Whereabouts }
  | { readonly kind: 'ended'; readonly how: string; readonly at: Whereabouts }
  | { readonly kind: 'error'; readonly message: string };

/** How the loading of the SUT module (or the request) went wrong, if it did. */
export type LoadProblem =
  | { readonly kind: 'bad-plan'; readonly message: string }
  | { readonly kind: 'bad-module'; readonly message: string }
  | { readonly kind: 'timeout'; readonly limitMs: number }
  | { readonly kind: 'ended'; readonly how: string };

/**
 * How long a child may take to start (tsx, the catalogue) before that is an internal error, in its
 * own time (a start takes about 1.5 s of it, 10 s with a cold transform cache). No SUT code runs
 * before the `loading` message, so this guards only against the runner's own child stalling.
 */
const START_LIMIT_MS = 60_000;

/** How often the deadlines are checked against the child's clock. */
const POLL_MS = 100;

const live = new Set<ChildProcess>();

/** Kills every child still running (on EPIPE or an interrupt). */
export function stopChildren(): void {
  for (const c of live) c.kill('SIGKILL');
}

/** A time budget and the grace after it for the run in flight: 2 s + 10 %. */
export const grace = (ms: number): number => ms + 2000 + Math.round(ms / 10);

/** What one child did with the jobs it was given. */
interface ChildRun {
  readonly done: number;
  readonly load?: LoadProblem;
  readonly internal?: string;
}

/** What happens during a run, as it happens. */
export interface Listener {
  /** The jobs, once the first child has expanded the request. */
  readonly plan: (jobs: readonly Job[]) => void;
  /** A child loaded the SUT; `env`: its `replayEnv` variables and their values (impl/CONTRACT.md §1). */
  readonly loaded?: (env: Readonly<Record<string, string>>) => void;
  /** A job ended (in order); `ms`: its wall time as the runner saw it (from its start). */
  readonly outcome: (job: number, outcome: Outcome, ms?: number) => void;
  /** A line the SUT wrote to stdout or stderr. */
  readonly output: (line: string) => void;
}

/**
 * Runs the request, in as many children as it takes: after a child is killed or ends in a job, the
 * next child starts at the job after it.
 * @param req - what to run (its `from` is ignored)
 * @param limits - deadlines
 * @param env - the children's environment
 * @param on - the listener
 * @returns a problem with the request or with loading the SUT, when there was one (no job ran after it)
 */
export async function runPlan(
  req: Request,
  limits: Limits,
  env: NodeJS.ProcessEnv,
  on: Listener,
): Promise<LoadProblem | undefined> {
  if ((limits.workers ?? 1) > 1) return runPool(req, limits, env, on, limits.workers ?? 1);
  let total = Infinity;
  let next = 0;
  const listener: Listener = {
    ...on,
    plan: (jobs) => {
      if (total === Infinity) on.plan(jobs);
      total = jobs.length;
    },
  };
  while (next < total) {
    const r = await runChild({ ...req, from: next }, limits, env, listener);
    if (r.load !== undefined) return r.load;
    if (r.internal !== undefined) {
      // The child died outside any job: report the rest as internal errors.
      for (let j = r.done; j < (total === Infinity ? 0 : total); j++)
        on.outcome(j, { kind: 'error', message: r.internal });
      if (total === Infinity) return { kind: 'ended', how: r.internal };
      return undefined;
    }
    next = r.done;
  }
  return undefined;
}

/**
 * Runs the request in `workers` children that pull jobs from one queue. The first child starts
 * alone; the others start once it has loaded the SUT (a bad module or request is reported once).
 * A child killed in a job is replaced by a fresh one that goes on pulling.
 * @param req - what to run
 * @param limits - deadlines
 * @param env - the children's environment
 * @param on - the listener (outcomes in job order)
 * @param workers - how many children at once
 * @returns a problem with the request or with loading the SUT, when there was one
 */
async function runPool(
  req: Request,
  limits: Limits,
  env: NodeJS.ProcessEnv,
  on: Listener,
  workers: number,
): Promise<LoadProblem | undefined> {
  let total = Infinity;
  let queued = 0;
  let emitted = 0;
  const ended = new Map<number, [Outcome, number | undefined]>();
  const ordered: Listener = {
    ...on,
    plan: (jobs) => {
      if (total === Infinity) on.plan(jobs);
      total = jobs.length;
    },
    outcome: (job, outcome, ms) => {
      ended.set(job, [outcome, ms]);
      for (let e = ended.get(emitted); e !== undefined; e = ended.get(emitted)) {
        ended.delete(emitted);
        on.outcome(emitted, e[0], e[1]);
        emitted++;
      }
    },
  };
  const pull = (): number | undefined => (queued < total ? queued++ : undefined);
  let loaded: () => void = () => {};
  const first = new Promise<void>((resolve) => (loaded = resolve));
  const worker = async (): Promise<LoadProblem | undefined> => {
    while (queued < total) {
      const r = await runChild({ ...req, pull: true }, limits, env, ordered, { pull, loaded });
      if (r.load !== undefined) return r.load;
      if (r.internal !== undefined) {
        // The child died outside any job: the jobs nobody has taken are internal errors.
        if (total === Infinity) return { kind: 'ended', how: r.internal };
        for (let j = pull(); j !== undefined; j = pull()) ordered.outcome(j, { kind: 'error', message: r.internal });
        return undefined;
      }
    }
    return undefined;
  };
  const head = worker();
  const problem = await Promise.race([head, first.then(() => undefined)]);
  if (problem !== undefined) return problem;
  const rest = Array.from({ length: Math.max(0, workers - 1) }, () => worker());
  const problems = await Promise.all([head, ...rest]);
  return problems.find((p) => p !== undefined);
}

/** What a pooled child does besides a lone one: where it takes its jobs, whom it tells it loaded. */
interface Pooled {
  readonly pull: () => number | undefined;
  readonly loaded: () => void;
}

function runChild(
  req: Request,
  limits: Limits,
  env: NodeJS.ProcessEnv,
  on: Listener,
  pooled?: Pooled,
): Promise<ChildRun> {
  const runLimit = Math.min(limits.runTimeoutMs, limits.timeMs === undefined ? Infinity : grace(limits.timeMs));
  const child = spawn(process.execPath, [limits.child ?? CHILD, JSON.stringify(req)], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', pooled === undefined ? 'ignore' : 'pipe'],
    env,
  });
  const jobs = pooled === undefined ? undefined : (child.stdio[JOB_FD] as Writable);
  // A child that dies before reading its next index must not turn the write into an error.
  jobs?.on('error', () => {});
  let startedAt = 0;
  live.add(child);
  let phase: 'starting' | 'loading' | 'between' | 'job' | 'done' = 'starting';
  let job = -1;
  let done = req.from;
  let at: Whereabouts = {};
  let exitCall: string | undefined;
  let load: LoadProblem | undefined;
  let stopped: Outcome | undefined;
  let jobDeadline = Infinity;
  let timer: NodeJS.Timeout | undefined;
  const tail: string[] = [];
  const clock = new ChildClock(child.pid);

  let stalled: string | undefined;
  // One deadline at a time, on the child's clock: the limit armed last, or the job's budget.
  let deadline = Infinity;
  let armedMs = 0;
  const fire = (): void => {
    const budget = jobDeadline <= deadline;
    if (phase === 'job')
      stopped = {
        kind: 'timeout',
        what: budget ? 'budget' : 'run',
        limitMs: budget ? (limits.timeMs ?? 0) : armedMs,
        at,
      };
    else if (phase === 'loading') load = { kind: 'timeout', limitMs: armedMs };
    else
      stalled = `the verify child process stalled ${phase === 'starting' ? 'while starting' : 'between properties'} for ${armedMs / 1000} s`;
    child.kill('SIGKILL');
  };
  const check = (): void => {
    timer = undefined;
    const now = clock.now();
    if (now >= Math.min(deadline, jobDeadline)) return fire();
    // Sleep until the deadline could be reached at the wall clock's rate, at most POLL_MS when the
    // clock subtracts waits (it then runs slower than the wall clock).
    const left = Math.min(deadline, jobDeadline) - now;
    timer = setTimeout(check, Math.max(1, Math.min(clock.measuresWaits ? POLL_MS : 60_000, left)));
  };
  const arm = (ms: number): void => {
    if (timer !== undefined) clearTimeout(timer);
    armedMs = ms;
    deadline = clock.now() + ms;
    check();
  };

  const onMessage = (m: ChildMessage): void => {
    switch (m.t) {
      case 'plan':
        on.plan(m.jobs);
        break;
      case 'bad-plan':
        load = { kind: 'bad-plan', message: m.message };
        break;
      case 'loading':
        phase = 'loading';
        arm(runLimit);
        break;
      case 'loaded':
        if (m.env !== undefined) on.loaded?.(m.env);
        phase = 'between';
        arm(limits.runTimeoutMs);
        pooled?.loaded();
        break;
      case 'ready': {
        const next = pooled?.pull();
        if (next === undefined) jobs?.end('stop\n');
        else jobs?.write(`${next}\n`);
        break;
      }
      case 'load-error':
        load = { kind: 'bad-module', message: m.message };
        break;
      case 'start':
        phase = 'job';
        job = m.job;
        startedAt = Date.now();
        at = {};
        jobDeadline = limits.timeMs === undefined ? Infinity : clock.now() + grace(limits.timeMs);
        arm(runLimit);
        break;
      case 'run':
        at = {
          n: m.n,
          shrinking: m.shrinking,
          ...(m.path === undefined ? {} : { path: m.path }),
          ...(m.example === undefined ? {} : { example: m.example }),
        };
        arm(runLimit);
        break;
      case 'config':
        at = { ...at, config: m.config };
        break;
      case 'op':
        at = { ...at, op: m.op };
        break;
      case 'exit-called':
        exitCall = `called process.exit(${m.code})${m.where === '' ? '' : ` at ${m.where}`}`;
        break;
      case 'result':
      case 'error':
        on.outcome(
          m.job,
          m.t === 'result' ? { kind: 'result', result: m.result } : { kind: 'error', message: m.message },
          Date.now() - startedAt,
        );
        done = m.job + 1;
        phase = 'between';
        jobDeadline = Infinity;
        arm(limits.runTimeoutMs);
        break;
      case 'done':
        phase = 'done';
        if (timer !== undefined) clearTimeout(timer);
        break;
    }
  };

  const lines = (s: Readable, each: (l: string) => void): void => {
    createInterface({ input: s, crlfDelay: Infinity }).on('line', each);
  };
  lines(child.stdio[MESSAGE_FD] as Readable, (l) => onMessage(JSON.parse(l) as ChildMessage));
  const output = (l: string): void => {
    tail.push(l);
    if (tail.length > 20) tail.shift();
    on.output(l);
  };
  lines(child.stdout as Readable, output);
  lines(child.stderr as Readable, output);
  arm(START_LIMIT_MS);

  return new Promise((resolveRun) => {
    child.on('close', (code, signal) => {
      live.delete(child);
      if (timer !== undefined) clearTimeout(timer);
      const err = lastError(tail);
      const how =
        exitCall ??
        (signal !== null ? `was killed by ${signal}` : `exited with status ${code ?? 0}`) +
          (err === undefined ? '' : `: ${err}`);
      if (load !== undefined) return resolveRun({ done, load });
      if (phase === 'done') return resolveRun({ done });
      if (phase === 'job') {
        on.outcome(job, stopped ?? { kind: 'ended', how: `the SUT ${how}`, at }, Date.now() - startedAt);
        return resolveRun({ done: job + 1 });
      }
      if (phase === 'loading') return resolveRun({ done, load: { kind: 'ended', how: `the SUT module ${how}` } });
      return resolveRun({ done, internal: stalled ?? `the verify child process ${how}` });
    });
  });
}

/** The error line of a dead child's output (the last one that names an error), if any. */
function lastError(tail: readonly string[]): string | undefined {
  return [...tail]
    .reverse()
    .find((l) => /\b(?:\w*Error|FATAL|Fatal|Aborted|panic)\b/.test(l))
    ?.trim();
}
