/**
 * The explorer's driver: runs tasks exactly as `runInterleaved()` (impl/sched.ts) does with an
 * explicit choice at every step — so that the raw choices it records, saved as a burst schedule,
 * replay the same run through the ordinary harness — but decides in _macro steps_: "CPU X runs
 * until its next visible primitive". When the macro choices are used up and a task is still
 * running it throws {@link Suspended} with what the search needs: which CPUs can go next, whether
 * each is spinning, every CPU's progress (for the state fingerprint) and the preemptions so far.
 *
 * A primitive is _invisible_ (never a preemption point; explore/world.ts decides) when it is a
 * read of a table entry, or a store to an entry of a table page that no CPU can walk (the model:
 * not reachable from the root, no walk-cache entry leading to it) — a page the CPU fills before it
 * publishes it. Such a store commutes with every other CPU's step unless that CPU names the page
 * itself (a stale pointer). A read changes nothing others see; running it with the step before it
 * keeps every interleaving where another CPU's store lands between a read and the store that
 * depends on it (the lost update of a read-modify-write), and drops those where the store lands
 * just before the read.
 * DEVIATION: a partial-order reduction, so not every interleaving at primitive granularity is
 * explored: none that preempts inside the fill of an unpublished table, nor between a CPU's last
 * visible step and its next read; a SUT that hands a page's PA to another CPU by other means than
 * a table entry would escape the first.
 *
 * _Stutters_: a CPU whose last macro step ended at a spin's blocked point (`cpu_relax()`, a
 * lock's wait: its condition checked just before) and which can see nothing new since (the SUT's
 * globals, the locks, the online CPUs and the entries that step read are as they were) would only
 * turn its spin again: picking it changes nothing but whose turn it was. Such a CPU is not offered as
 * a choice; and where only one CPU is left to choose within the preemption bound, the driver runs
 * it without asking (a _forced_ step: the macro choices hold the branching points only). Dropping
 * a stutter never costs a preemption (from X, a stutter of S then Y switches as often as X then
 * Y: a switch away from a spinning CPU is free), so every state reachable before within the bound
 * still is. When every CPU still running stutters (a livelock), all are offered, as before.
 * DEVIATION: a reduction that relies on the SUT contract's spins (impl/CONTRACT.md §4: "a spin
 * re-checks its condition and changes nothing else") and on `inspect()` holding what they check.
 *
 * Inside stop_machine() the choice picks among the CPUs still running their callback
 * (impl/testing/memory-machine.ts stopMachine()); the driver keeps its own list of them, and a
 * CPU that does not move when picked has returned from its callback.
 *
 * Layer: explore.
 */
import type { CpuId, SchedPoint, Task } from '../impl/index.ts';
import { KernelBug, KernelPanic } from '../impl/index.ts';
import type { RunResult, TaskOutcome } from '../impl/sched.ts';
import type { MemoryMachine } from '../impl/testing/memory-machine.ts';

/** One CPU's progress, as far as the driver has seen it. */
export interface AgentState {
  readonly cpu: CpuId;
  /** The primitive it is about to perform (undefined: not started, or done). */
  pending: SchedPoint | undefined;
  done: boolean;
  /** A rolling hash of the primitives it performed (with the values it read); spins count once. */
  hist: string;
  /**
   * After a macro step that ended at a spin's blocked point (its condition just checked): what
   * it could see — the world then (see {@link SpinWorld}) and the table entries that step read.
   * While both are unchanged, running it again is a stutter.
   */
  spun?: { readonly world: string; readonly reads: readonly bigint[]; readonly values: string } | undefined;
}

/**
 * What a spin can see besides the table entries it reads: the SUT's globals (`inspect()`, where
 * the kernel's flags live), the locks taken and released, the online CPUs. explore/world.ts gives
 * it; the state fingerprint assumes the same of `inspect()` (explore/fingerprint.ts).
 */
export type SpinWorld = () => string;

/** How the driver reduces the interleavings it is asked for (see the module comment). */
export interface StepOptions {
  /** What a spin can see; without it, no spin is taken for a stutter. */
  readonly world?: SpinWorld;
  /**
   * Preemptions allowed: where only one CPU can go on within them (the others finished, or
   * spinning on what has not changed), the driver takes it without a macro choice.
   */
  readonly maxPreemptions?: number;
}

/** The search's view of a run stopped mid-interleaving. */
export class Suspended extends Error {
  /**
   * @param agents - every CPU taking part, with its progress
   * @param runnable - the CPUs that can be picked next
   * @param preemptions - preemptions so far
   * @param last - the CPU of the last macro step
   * @param raw - the raw choices so far (what a saved schedule holds)
   */
  constructor(
    readonly agents: readonly AgentState[],
    readonly runnable: readonly CpuId[],
    readonly preemptions: number,
    readonly last: CpuId | undefined,
    readonly raw: readonly number[],
  ) {
    super('suspended');
    this.name = 'Suspended';
  }
}

/** Whether a pending primitive is one other CPUs cannot observe (see the module comment). */
export type Invisible = (p: SchedPoint) => boolean;

/** What a stepped run returns: the run's result and the raw choices it made. */
export interface SteppedRun {
  readonly result: RunResult;
  readonly raw: readonly number[];
  readonly preemptions: number;
}

const mix = (h: string, token: string): string => {
  // FNV-1a over the token, seeded by the previous hash (32-bit, as hex): a rolling fingerprint.
  let x = parseInt(h, 16) >>> 0;
  for (let i = 0; i < token.length; i++) x = Math.imul(x ^ token.charCodeAt(i), 16777619) >>> 0;
  return x.toString(16);
};

const pointText = (p: SchedPoint | undefined): string =>
  p === undefined
    ? '-'
    : `${p.prim}${p.pa === undefined ? '' : `@${p.pa.toString(16)}`}${p.blocked === true ? '!' : ''}`;

/**
 * Runs tasks by macro choices (CPU ids), as described in the module comment.
 * @param m - the machine
 * @param tasks - the tasks (distinct CPUs)
 * @param macro - the CPU to run at each branching point (forced steps are not in it)
 * @param invisible - the invisibility test
 * @param opts - the stutter and forced-step reductions
 * @param maxRaw - livelock guard
 * @returns the run, when every task finished within the macro choices
 * @throws Suspended when a task is still running after the last macro choice
 */
export function stepTasks(
  m: MemoryMachine,
  tasks: readonly Task[],
  macro: readonly CpuId[],
  invisible: Invisible,
  opts: StepOptions = {},
  maxRaw = 5_000_000,
): SteppedRun {
  const done = tasks.map(() => false);
  const exclusive = tasks.map(() => false);
  const outcomes: TaskOutcome[] = tasks.map(() => ({ status: 'unfinished' }));
  const points: { task: number; point: SchedPoint }[] = [];
  const agents = new Map<CpuId, AgentState>();
  const agent = (cpu: CpuId): AgentState => {
    let a = agents.get(cpu);
    if (a === undefined) {
      a = { cpu, pending: undefined, done: false, hist: '811c9dc5' };
      agents.set(cpu, a);
    }
    return a;
  };
  for (const t of tasks) agent(t.cpu);
  const raw: number[] = [];
  /** The entries read during the macro step in progress. */
  let turnReads: bigint[] = [];
  let panicked: string | null = null;
  let holder = -1;
  /** The CPUs still in their stop_machine() callback, in online order (while a task is exclusive). */
  let subs: CpuId[] | undefined;
  let preemptions = 0;
  let last: CpuId | undefined;

  const liveTasks = (): number[] => tasks.map((_t, i) => i).filter((i) => !done[i]);
  /** The CPUs that may be picked now. */
  const runnable = (): CpuId[] => {
    if (holder >= 0) {
      const p = agent(tasks[holder]?.cpu ?? 0).pending;
      // Entering or leaving stop_machine(): the caller alone moves.
      if (subs === undefined || p?.prim === 'stop' || p?.prim === 'resume') return [tasks[holder]?.cpu ?? 0];
      return [...subs];
    }
    return liveTasks().map((i) => tasks[i]?.cpu ?? 0);
  };

  /** One raw step toward CPU `cpu`; returns the CPU that moved. */
  const rawStep = (cpu: CpuId): void => {
    if (raw.length >= maxRaw) throw new Error(`more than ${maxRaw} steps in one interleaving (livelock?)`);
    let index: number;
    let choice: number;
    if (holder >= 0) {
      index = holder;
      choice = subs === undefined ? 0 : Math.max(0, subs.indexOf(cpu));
    } else {
      const live = liveTasks();
      const at = live.findIndex((i) => tasks[i]?.cpu === cpu);
      choice = Math.max(0, at);
      index = live[choice] ?? 0;
    }
    const task = tasks[index];
    if (task === undefined) throw new Error('no task to step');
    raw.push(choice);
    const before = holder >= 0 && subs !== undefined ? cpu : task.cpu;
    const mover = agent(before);
    const was = mover.pending;
    if (was?.prim === 'read' && was.pa !== undefined) {
      mover.hist = mix(mover.hist, `r${m.peek(was.pa).toString(16)}`);
      turnReads.push(was.pa);
    }
    m.setCurrentCpu(task.cpu);
    let r: IteratorResult<SchedPoint, unknown>;
    try {
      r = task.gen.next(choice);
    } catch (e) {
      done[index] = true;
      exclusive[index] = false;
      if (holder === index) holder = -1;
      if (e instanceof KernelBug) outcomes[index] = { status: 'bug', message: e.message };
      else if (e instanceof KernelPanic) {
        outcomes[index] = { status: 'panic', message: e.message };
        panicked = e.message;
        tasks.forEach((_t, i) => {
          if (!done[i]) {
            done[i] = true;
            outcomes[i] = { status: 'halted' };
          }
        });
      } else throw e;
      for (const a of agents.values()) if (a.cpu === task.cpu || panicked !== null) a.done = true;
      return;
    }
    if (r.done === true) {
      done[index] = true;
      exclusive[index] = false;
      if (holder === index) holder = -1;
      outcomes[index] = { status: 'done', value: r.value };
      mover.pending = undefined;
      mover.done = true;
      return;
    }
    const p = r.value;
    points.push({ task: index, point: p });
    if (p.exclusive === true) {
      holder = index;
      exclusive[index] = true;
      if (p.prim === 'stop' && p.cpu === task.cpu && subs === undefined && was?.prim !== 'stop') {
        // About to enter: the callbacks start on every online CPU.
      } else if (was?.prim === 'stop' && before === task.cpu && subs === undefined) {
        subs = [...m.onlineCpus()];
      }
    } else if (holder === index) {
      holder = -1;
    }
    if (p.prim === 'resume' && p.exclusive === true) {
      // Every callback returned.
      for (const c of subs ?? []) if (c !== task.cpu) agent(c).done = true;
      subs = undefined;
    } else if (subs !== undefined && p.cpu !== before) {
      // The CPU picked had returned from its callback; the machine stepped the next one.
      const gone = agent(before);
      if (before !== task.cpu) {
        gone.done = true;
        gone.pending = undefined;
      }
      subs = subs.filter((c) => c !== before);
    }
    const who = agent(p.cpu);
    const spin = who.pending !== undefined && who.pending.blocked === true && pointText(who.pending) === pointText(p);
    if (!spin) who.hist = mix(who.hist, pointText(p));
    who.pending = p;
    who.done = false;
  };

  const values = (reads: readonly bigint[]): string => reads.map((pa) => m.peek(pa).toString(16)).join(',');

  const macroStep = (cpu: CpuId): void => {
    turnReads = [];
    // A task (or a stop_machine() callback) not yet started first runs to its first primitive:
    // starting does nothing another CPU could see, so it is part of the same macro step.
    if (agent(cpu).pending === undefined && !agent(cpu).done) rawStep(cpu);
    if (!agent(cpu).done && runnable().includes(cpu)) rawStep(cpu);
    let moved = agent(cpu);
    while (!moved.done && moved.pending !== undefined && invisible(moved.pending) && runnable().includes(cpu)) {
      rawStep(cpu);
      moved = agent(cpu);
    }
    // At a spin's blocked point, its condition was just checked: remember what it could see (a
    // stutter while that stays so).
    moved.spun =
      !moved.done && moved.pending?.blocked === true && opts.world !== undefined
        ? { world: opts.world(), reads: turnReads, values: values(turnReads) }
        : undefined;
  };

  /** Whether running `cpu` now would only turn its spin again (see the module comment). */
  const stutters = (cpu: CpuId): boolean => {
    const a = agents.get(cpu);
    const spun = a?.spun;
    if (a === undefined || spun === undefined || a.done || a.pending?.blocked !== true || opts.world === undefined)
      return false;
    return spun.values === values(spun.reads) && spun.world === opts.world();
  };

  /** The CPUs offered at a branching point: the runnable ones that do not stutter (all, if all do). */
  const choices = (): CpuId[] => {
    const can = runnable();
    const moving = can.filter((c) => !stutters(c));
    return moving.length > 0 ? moving : can;
  };

  /** Whether switching to `cpu` now is a preemption (away from a CPU that could go on). */
  const preempts = (cpu: CpuId, can: readonly CpuId[]): boolean => {
    if (last === undefined || last === cpu) return false;
    const prev = agents.get(last);
    return prev !== undefined && !prev.done && can.includes(last) && prev.pending?.blocked !== true;
  };

  const step = (cpu: CpuId): void => {
    const can = runnable();
    if (!can.includes(cpu)) throw new Error(`cpu${cpu} cannot run here (runnable: ${can.join(', ')})`);
    if (preempts(cpu, can)) preemptions++;
    macroStep(cpu);
    last = cpu;
  };

  let next = 0;
  for (;;) {
    if (tasks.every((_t, i) => done[i])) break;
    const offered = choices();
    if (offered.length === 0) break;
    if (opts.maxPreemptions !== undefined) {
      const budget = opts.maxPreemptions;
      const can = runnable();
      const within = offered.filter((c) => preemptions + (preempts(c, can) ? 1 : 0) <= budget);
      const only = within[0];
      // Never forced into a stutter (every CPU spinning on the others: a livelock): that is a
      // branching point, whose one child is met again as the same state.
      if (within.length === 1 && only !== undefined && !stutters(only)) {
        step(only);
        continue;
      }
    }
    const cpu = macro[next];
    if (cpu === undefined) throw new Suspended([...agents.values()], offered, preemptions, last, raw);
    next++;
    step(cpu);
  }
  if (tasks.some((_t, i) => !done[i])) throw new Suspended([...agents.values()], runnable(), preemptions, last, raw);
  return { result: { outcomes, steps: raw.length, panicked, points, pointsTaken: points.length }, raw, preemptions };
}

/**
 * The raw choices as bursts (run-length encoded), what a saved schedule holds; bursts longer than
 * the corpus allows (20 000 steps) are cut into several of the same pick.
 * @param raw - one choice per step
 * @returns the bursts
 */
export function toBursts(raw: readonly number[]): { pick: number; steps: number }[] {
  const out: { pick: number; steps: number }[] = [];
  for (const c of raw) {
    const lastB = out[out.length - 1];
    if (lastB !== undefined && lastB.pick === c && lastB.steps < 20_000)
      out[out.length - 1] = { pick: c, steps: lastB.steps + 1 };
    else out.push({ pick: c, steps: 1 });
  }
  return out;
}
