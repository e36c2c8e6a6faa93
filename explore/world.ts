/**
 * One node of the search, replayed from the initial state (stateless search: a SUT is a set of
 * generators, which cannot be copied, so every node runs its whole history again): the boot in
 * the kernel's order as `ops.answers-exact` boots (properties/answers/answersCase.ts), the
 * operations done so far, each checked by that property's step checks (return value, the whole
 * TTBR1 translation against the expected map, leaf shapes, WARNs, atomic callers, KFENCE, and
 * every access the call removed no longer held by any CPU — `ops.in-force-on-return`), with the
 * model judging every event; then the interleaving in progress, stepped by macro choices.
 *
 * Layer: explore.
 */
import type { CpuId, SchedPoint, SutFactory, Task } from '../impl/index.ts';
import type { RunResult } from '../impl/sched.ts';
import type { Burst } from '../properties/arbitraries/schedule.ts';
import { expandSchedule } from '../properties/arbitraries/schedule.ts';
import type { AnswersInput, Step } from '../properties/answers/answersCase.ts';
import type { StepCheck } from '../properties/answers/answersChecks.ts';
import { runStep } from '../properties/answers/answersChecks.ts';
import { boot } from '../properties/harness/boot.ts';
import { JudgedRun } from '../properties/harness/judgedRun.ts';
import { violationReport } from '../properties/harness/violationReport.ts';
import type { Op } from '../properties/ops/ops.ts';
import { ExpectedMap } from '../properties/oracle/expected.ts';
import { PropertyFailure } from '../properties/registry.ts';
import type { BeforeFinal, BootClaim } from './bootChecks.ts';
import { BootClaimFailure, beforeFinal, checkFinal, checkMapMem } from './bootChecks.ts';
import { preallocApplies } from '../properties/repaint/repaintProperties.ts';
import { Fingerprint, stableText } from './fingerprint.ts';
import type { Scope } from './scope.ts';
import type { SplitClaim } from './splitClaims.ts';
import { SplitClaimFailure, SplitClaims, splitClaimsApply } from './splitClaims.ts';
import type { SplitInput } from '../properties/split/splitCase.ts';
import type { AgentState } from './stepper.ts';
import { stepTasks, Suspended, toBursts } from './stepper.ts';

/**
 * A failure outside the answers experiment's steps (explore/counterexample.ts saves each as its
 * property's case): a boot claim, the model during the boot (`boot`), a split claim.
 */
export type Claim = BootClaim | 'boot' | SplitClaim;

/** A node: what has run, and what is running (by macro choices: CPU ids). */
export interface ExploreNode {
  /** The finalisation's macro choices while it is being explored (absent once it is complete). */
  readonly finalMacro?: readonly CpuId[];
  /** The complete finalisation's schedule (raw choices as bursts). */
  readonly finalSchedule: readonly Burst[];
  /** Steps done. */
  readonly steps: readonly Step[];
  /** The interleaved pair in progress. */
  readonly pair?: { readonly a: Op; readonly b: Op; readonly macro: readonly CpuId[] };
  /** Operations started (a pair counts two). */
  readonly opsUsed: number;
}

/** The checks every node makes: both properties of the answers experiment. */
const CHECK: StepCheck = { answers: true, inForce: true, id: 'ops.answers-exact' };

/** What replaying a node found. */
export type NodeOutcome =
  | {
      readonly kind: 'failed';
      readonly message: string;
      readonly input: AnswersInput;
      /**
       * What failed when it is not a step of the answers experiment: the repaint's claim on the
       * finished boot, or the model during the boot (the answers experiment does not judge it).
       */
      readonly property?: Claim;
      /** A split claim's failing sequence as that property's input (explore/splitClaims.ts), when one places the same ranges. */
      readonly split?: SplitInput;
    }
  | {
      readonly kind: 'quiescent';
      readonly key: string;
      readonly node: ExploreNode;
      readonly depthEvents: number;
      readonly preemptions: 0;
    }
  | {
      readonly kind: 'suspended';
      readonly key: string;
      readonly runnable: readonly CpuId[];
      readonly agents: readonly AgentState[];
      readonly preemptions: number;
      readonly last: CpuId | undefined;
      readonly depthEvents: number;
    };

/**
 * The ops.answers-exact input of a node, its in-flight parts completed as they stand: the pair
 * with the raw schedule so far (the harness goes on round-robin), the finalisation likewise.
 * @param scope - the scope
 * @param node - the node
 * @param finalRaw - the finalisation's raw choices so far, when in flight
 * @param pairRaw - the pair's raw choices so far, when in flight
 * @returns the input
 */
export function inputOf(
  scope: Scope,
  node: ExploreNode,
  finalRaw?: readonly number[],
  pairRaw?: readonly number[],
): AnswersInput {
  const steps: Step[] = [...node.steps];
  if (node.pair !== undefined && node.finalMacro === undefined)
    steps.push({ kind: 'pair', a: node.pair.a, b: node.pair.b, schedule: toBursts(pairRaw ?? []) });
  return {
    config: scope.config,
    lateMask: scope.lateMask,
    preMemInit: [],
    alone: [],
    preFinal: [],
    finalSchedule: finalRaw === undefined ? node.finalSchedule : toBursts(finalRaw),
    steps,
  };
}

/**
 * Replays a node and reports what it found.
 * @param scope - the scope
 * @param sut - the implementation
 * @param node - the node
 * @param reduce - drop stutters and take forced steps (explore/stepper.ts); off only to test that
 *   the reduction keeps every state
 * @returns the outcome
 */
export function replayNode(scope: Scope, sut: SutFactory, node: ExploreNode, reduce = true): NodeOutcome {
  const run = new JudgedRun(scope.config, sut);
  const oracle = new ExpectedMap();
  const page = run.model.geo.pageSize;
  const invisible = (p: SchedPoint): boolean => {
    // A read changes nothing another CPU can see: it goes with the step before it (stepper.ts).
    if (p.prim === 'read') return true;
    if (p.prim !== 'write' || p.pa === undefined) return false;
    const tp = run.model.mem.pageOf(Number(p.pa - (p.pa % BigInt(page))));
    return tp !== undefined && !tp.reachable && run.model.walkHoldersOf(tp) === 0;
  };
  // What a spin can see (explore/stepper.ts): the kernel's globals, the locks taken and released
  // (the machine's lock and unlock records: a lock's wait checks its holder), the online CPUs.
  let lockSeen = 0;
  let lockEvents = 0;
  const world = (): string => {
    const recs = run.m.records;
    for (; lockSeen < recs.length; lockSeen++) {
      const k = recs[lockSeen]?.kind;
      if (k === 'lock' || k === 'unlock') lockEvents++;
    }
    return `${stableText(run.ops.inspect())}|${lockEvents}|${run.m.onlineCpus().join(',')}`;
  };
  const real = run.interleave.bind(run);
  let finalRaw: readonly number[] | undefined;
  let pairRaw: readonly number[] | undefined;
  let done = node;
  const stepped =
    (macro: readonly CpuId[], record: (raw: readonly number[]) => void) =>
    (tasks: readonly Task[], _schedule?: readonly number[]): RunResult => {
      try {
        const s = stepTasks(
          run.m,
          tasks,
          macro,
          invisible,
          reduce ? { world, maxPreemptions: scope.maxPreemptions } : {},
        );
        record(s.raw);
        return s.result;
      } catch (e) {
        if (e instanceof Suspended) record(e.raw);
        throw e;
      }
    };
  const late = scope.config.cpus
    .slice(1)
    .filter((_c, i) => (scope.lateMask & (1 << i)) !== 0)
    .map((c) => c.id);
  try {
    if (node.finalMacro !== undefined)
      run.interleave = stepped(node.finalMacro, (raw) => {
        finalRaw = raw;
      });
    let before: BeforeFinal | undefined;
    boot(run, late, {
      preMemInit: checkMapMem,
      preFinal: (r) => {
        before = beforeFinal(r);
      },
      finalSchedule: expandSchedule(node.finalSchedule),
      postFinal: (r) => {
        if (before !== undefined) checkFinal(r, before, late);
      },
    });
    run.interleave = real;
    if (finalRaw !== undefined) {
      const { finalMacro: _f, ...rest } = node;
      done = { ...rest, finalSchedule: toBursts(finalRaw) };
    }
    if (run.violation !== undefined)
      return {
        kind: 'failed',
        message: violationReport(run).trimStart(),
        input: inputOf(scope, done),
        property: 'boot',
      };
    // The split-only claims after every split while the steps are splits (explore/splitClaims.ts).
    const claims = splitClaimsApply(scope) ? new SplitClaims(run) : undefined;
    for (const s of node.steps) {
      if (claims === undefined) runStep(run, oracle, s, CHECK);
      else claims.step(s, () => runStep(run, oracle, s, CHECK));
    }
    if (node.pair !== undefined) {
      const { a, b, macro } = node.pair;
      let interleaved = false;
      run.interleave = (tasks, schedule) => {
        interleaved = true;
        return stepped(macro, (raw) => {
          pairRaw = raw;
        })(tasks, schedule);
      };
      runStep(run, oracle, { kind: 'pair', a, b, schedule: [] }, CHECK);
      run.interleave = real;
      const schedule = interleaved ? toBursts(pairRaw ?? []) : [];
      done = { ...stripPair(done), steps: [...done.steps, { kind: 'pair', a, b, schedule }] };
    }
  } catch (e) {
    if (e instanceof BootClaimFailure) {
      if (finalRaw !== undefined && node.finalMacro !== undefined) {
        const { finalMacro: _f, ...rest } = node;
        done = { ...rest, finalSchedule: toBursts(finalRaw) };
      }
      return { kind: 'failed', message: e.message, input: inputOf(scope, done), property: e.claim };
    }
    if (e instanceof SplitClaimFailure)
      return {
        kind: 'failed',
        message: e.message,
        input: inputOf(scope, done),
        property: e.claim,
        ...(e.input === undefined ? {} : { split: e.input }),
      };
    if (e instanceof Suspended) {
      if (run.violation !== undefined)
        return {
          kind: 'failed',
          message: violationReport(run).trimStart(),
          input: inputOf(scope, node, finalRaw, pairRaw),
          // Inside the finalisation: the boot's, or the prealloc claim's where it applies (it
          // reads the model's verdict: an allocation inside stop_machine() is one).
          ...(node.finalMacro === undefined
            ? {}
            : { property: preallocApplies(scope.config, run.phase.online) ? 'repaint.prealloc-suffices' : 'boot' }),
        };
      return {
        kind: 'suspended',
        key: key(run, oracle, node, e.agents, e.last),
        runnable: e.runnable,
        agents: e.agents,
        preemptions: e.preemptions,
        last: e.last,
        depthEvents: run.m.events.length,
      };
    }
    const message =
      e instanceof PropertyFailure ? e.message : `the run stopped: ${e instanceof Error ? e.message : String(e)}`;
    return { kind: 'failed', message, input: inputOf(scope, done.pair === undefined ? done : node, finalRaw, pairRaw) };
  }
  return {
    kind: 'quiescent',
    key: key(run, oracle, done, [], undefined),
    node: done,
    depthEvents: run.m.events.length,
    preemptions: 0,
  };
}

function stripPair(n: ExploreNode): ExploreNode {
  const { pair: _pair, ...rest } = n;
  return rest;
}

/**
 * The fingerprint of a replayed node (explore/fingerprint.ts says what goes in). The preemptions
 * used are not in it: the search keeps the fewest each state was reached with (fewer leave a
 * superset of the futures).
 * @param run - the run
 * @param oracle - the expected map
 * @param node - the node
 * @param agents - the CPUs in an interleaving
 * @param last - the CPU of the last macro step
 * @returns the fingerprint
 */
function key(
  run: JudgedRun,
  oracle: ExpectedMap,
  node: ExploreNode,
  agents: readonly AgentState[],
  last: CpuId | undefined,
): string {
  const f = new Fingerprint();
  f.add('events', run.trace());
  f.add('records', stableText(run.records));
  f.add('sut', stableText(run.ops.inspect()));
  f.add('phase', stableText(run.phase));
  f.add('oracle', stableText(oracle.hidden));
  f.add('search', `${node.opsUsed}/${last ?? '-'}/${node.finalMacro === undefined ? 'q' : 'f'}`);
  if (node.pair !== undefined) f.add('pair', stableText({ a: node.pair.a, b: node.pair.b }));
  for (const a of [...agents].sort((x, y) => x.cpu - y.cpu))
    f.add(`cpu${a.cpu}`, `${a.done ? 'done' : 'on'}:${a.hist}:${stableText(a.pending)}`);
  return f.digest();
}
