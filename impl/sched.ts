/**
 * The drivers that run kernel generators: to completion on one CPU, or interleaved across CPUs
 * by an external schedule (one number per step, chosen by the property layer).
 *
 * Layer: impl (contract helpers; no kernel logic).
 */
import { KernelBug, KernelPanic } from './contract.ts';
import type { CpuId, KGen, SchedPoint } from './contract.ts';

/** What a driver needs from a machine: making a CPU current before stepping its task. */
export interface CpuSwitch {
  /**
   * Makes `cpu` the CPU on which the next step runs.
   * @param cpu - the CPU
   */
  setCurrentCpu(cpu: CpuId): void;
}

/** A kernel operation bound to the CPU it runs on. */
export interface Task<T = unknown> {
  readonly cpu: CpuId;
  readonly gen: KGen<T>;
  /** A label for reports. */
  readonly label?: string;
}

/** How a task ended. `halted`: another task panicked first; `unfinished`: the step limit hit. */
export type TaskOutcome =
  | { readonly status: 'done'; readonly value: unknown }
  | { readonly status: 'bug'; readonly message: string }
  | { readonly status: 'panic'; readonly message: string }
  | { readonly status: 'halted' }
  | { readonly status: 'unfinished' };

/** The result of an interleaved run. */
export interface RunResult {
  /** One outcome per task, in the order given. */
  readonly outcomes: readonly TaskOutcome[];
  /** Steps taken (calls to `next()`). */
  readonly steps: number;
  /** The panic message, if the machine halted. */
  readonly panicked: string | null;
  /**
   * The last {@link POINTS_KEPT} scheduling points (all of them in a shorter run), in the order
   * they were taken, with the task index: bounded, so that a long run (a spin, a repaint of a
   * large map) costs no memory per step.
   */
  readonly points: readonly { readonly task: number; readonly point: SchedPoint }[];
  /** Scheduling points taken in all (`points` holds the last of them). */
  readonly pointsTaken: number;
}

/** Default step limit: generous, but finite so that a livelock is reported, not hung. */
export const DEFAULT_MAX_STEPS = 20_000_000;

/**
 * How many of the last scheduling points a driver keeps: what a livelock report shows and what
 * {@link RunResult.points} holds. A fixed number, whatever the step limit, so that a SUT that
 * spins for the whole limit is reported with the memory of a short run.
 */
export const POINTS_KEPT = 256;

/**
 * The last {@link POINTS_KEPT} scheduling points of a run, in a ring (two parallel arrays, no
 * object per step).
 */
class RecentPoints {
  private readonly tasks: number[] = [];
  private readonly points: SchedPoint[] = [];
  /** Points pushed in all. */
  taken = 0;

  /**
   * @param task - index of the task that took it
   * @param point - the point
   */
  push(task: number, point: SchedPoint): void {
    const i = this.taken % POINTS_KEPT;
    this.tasks[i] = task;
    this.points[i] = point;
    this.taken++;
  }

  /** @returns the points kept, oldest first */
  list(): { task: number; point: SchedPoint }[] {
    const n = Math.min(this.taken, POINTS_KEPT);
    const out: { task: number; point: SchedPoint }[] = [];
    for (let k = this.taken - n; k < this.taken; k++) {
      const point = this.points[k % POINTS_KEPT];
      if (point !== undefined) out.push({ task: this.tasks[k % POINTS_KEPT] ?? 0, point });
    }
    return out;
  }

  /**
   * What the run was doing at the end, for a livelock report: each CPU's primitives in the
   * points kept, with their counts, e.g. `cpu1 relax ×256 (spinning)`.
   * @returns one line
   */
  summary(): string {
    const kept = this.list();
    const byCpu = new Map<CpuId, Map<string, number>>();
    for (const { point } of kept) {
      const prims = byCpu.get(point.cpu) ?? new Map<string, number>();
      const key = point.blocked === true ? `${point.prim} (spinning)` : point.prim;
      prims.set(key, (prims.get(key) ?? 0) + 1);
      byCpu.set(point.cpu, prims);
    }
    const cpus = [...byCpu.entries()]
      .sort(([a], [b]) => a - b)
      .map(
        ([cpu, prims]) =>
          `cpu${cpu} ${[...prims.entries()].map(([k, n]) => k.replace(/^(\S+)/, `$1 ×${n}`)).join(', ')}`,
      );
    return kept.length === 0 ? 'no scheduling point' : `its last ${kept.length} steps: ${cpus.join('; ')}`;
  }
}

/**
 * How many scheduling points in a row may be spins (`blocked`: `cpu_relax()`, a lock's wait)
 * taken by the driver's own choice before the run is a livelock. Once the schedule's explicit
 * choices are used up, the drivers run a task that can make progress whenever there is one
 * (`runInterleaved()` here, stop_machine() in the test machine), so a run of spins that long means
 * that every CPU still running waits for something no CPU will do: a flag nobody writes, a lock
 * nobody releases. Nothing in the machine advances with time, and a spin re-checks its condition
 * without changing it (impl/CONTRACT.md §4), so waiting longer cannot release them. The figure is
 * far above any wait of the port (a CPU waits for the others' handful of steps) and stops such a
 * run in a fraction of a second, where the step limit took a minute.
 */
export const SPIN_LIMIT = 100_000;

/**
 * Thrown when a run exceeds its step limit (a livelock or a missing wake-up), with what the run
 * was doing in its last steps (which CPU spun on what).
 */
export class StepLimitExceeded extends Error {
  /**
   * @param steps - the limit that was hit
   * @param spinning - what the last steps were, e.g. `its last 256 steps: cpu1 relax ×256 (spinning)`
   * @param message - the first line (default: the step limit)
   */
  constructor(
    readonly steps: number,
    readonly spinning = '',
    message = `step limit of ${steps} exceeded (livelock?)`,
  ) {
    super(message);
    this.name = 'StepLimitExceeded';
  }
}

/**
 * Thrown when {@link SPIN_LIMIT} scheduling points in a row were spins with no other task to run:
 * a livelock, found without waiting for the step limit.
 */
export class SpinLimitExceeded extends StepLimitExceeded {
  /**
   * @param spins - the spins in a row
   * @param spinning - what the last steps were
   */
  constructor(spins: number, spinning: string) {
    super(
      spins,
      spinning,
      `every CPU still running has only spun (cpu_relax(), a lock's wait) for ${spins} steps in a row, with nothing left to run that could release it (livelock)`,
    );
    this.name = 'SpinLimitExceeded';
  }
}

/**
 * Counts the spins in a row that the driver chose itself (no explicit schedule choice): a
 * `blocked` point adds one, anything else (a point that is not a spin, a task that ends, an
 * explicit choice, which may keep picking a spinner while another task could run) starts again.
 */
class SpinCounter {
  private run = 0;

  /**
   * @param point - the point just taken, or undefined when a task ended
   * @param explicit - the step's task was picked by the schedule
   * @param recent - the last points, for the report
   * @throws SpinLimitExceeded at {@link SPIN_LIMIT}
   */
  note(point: SchedPoint | undefined, explicit: boolean, recent: RecentPoints): void {
    if (point?.blocked !== true || explicit) {
      this.run = 0;
      return;
    }
    if (++this.run >= SPIN_LIMIT) throw new SpinLimitExceeded(this.run, recent.summary());
  }
}

/**
 * Runs one generator to completion on `cpu`. Exceptions (including {@link KernelBug} and
 * {@link KernelPanic}) propagate to the caller.
 * @param machine - the machine whose current CPU is switched
 * @param cpu - the CPU that runs the generator
 * @param gen - the kernel operation
 * @param maxSteps - livelock guard
 * @returns the generator's return value
 */
export function runToCompletion<T>(machine: CpuSwitch, cpu: CpuId, gen: KGen<T>, maxSteps = DEFAULT_MAX_STEPS): T {
  const recent = new RecentPoints();
  const spins = new SpinCounter();
  for (let steps = 0; steps < maxSteps; steps++) {
    machine.setCurrentCpu(cpu);
    const r = gen.next();
    if (r.done === true) return r.value;
    recent.push(0, r.value);
    spins.note(r.value, false, recent);
  }
  throw new StepLimitExceeded(maxSteps, recent.summary());
}

interface Slot {
  readonly task: Task;
  done: boolean;
  blocked: boolean;
  exclusive: boolean;
}

/**
 * Runs tasks interleaved. At each step the next schedule entry picks, modulo their number, one of
 * the runnable tasks (those not spinning are preferred); once the schedule is used up the tasks
 * are advanced round-robin. A task inside stop_machine() is advanced alone until it leaves it.
 * A BUG kills only its task; a panic halts every task.
 * @param machine - the machine whose current CPU is switched
 * @param tasks - the operations and their CPUs
 * @param schedule - the scheduler's choices, one per step
 * @param maxSteps - livelock guard
 * @returns the outcome of every task
 */
export function runInterleaved(
  machine: CpuSwitch,
  tasks: readonly Task[],
  schedule: readonly number[] = [],
  maxSteps = DEFAULT_MAX_STEPS,
): RunResult {
  const slots: Slot[] = tasks.map((task) => ({ task, done: false, blocked: false, exclusive: false }));
  const outcomes: TaskOutcome[] = tasks.map(() => ({ status: 'unfinished' }));
  const points = new RecentPoints();
  const spins = new SpinCounter();
  let panicked: string | null = null;
  let steps = 0;
  let rr = 0;
  let current = -1;

  while (steps < maxSteps) {
    const live = slots.map((_s, i) => i).filter((i) => !(slots[i]?.done ?? true));
    if (live.length === 0) break;
    const choice = steps < schedule.length ? schedule[steps] : undefined;
    const cur = current >= 0 ? slots[current] : undefined;
    const holder = cur !== undefined && cur.exclusive && !cur.done ? current : -1;
    let index: number;
    if (holder >= 0) {
      index = holder;
    } else {
      const preferred = live.filter((i) => !(slots[i]?.blocked ?? false));
      // An explicit choice may pick a spinning task too (it re-checks its condition); without one,
      // tasks that can make progress go first.
      // Every 8th free step also gives spinning tasks a turn, as real CPUs keep spinning.
      const fair = choice === undefined && rr % 8 === 7;
      const pool = choice !== undefined || fair || preferred.length === 0 ? live : preferred;
      const pick = choice === undefined ? rr++ : Math.abs(Math.trunc(choice));
      index = pool[pick % pool.length] ?? live[0] ?? 0;
    }
    const slot = slots[index];
    if (slot === undefined) break;
    current = index;
    steps++;
    machine.setCurrentCpu(slot.task.cpu);
    try {
      const r = slot.task.gen.next(choice);
      if (r.done === true) {
        slot.done = true;
        slot.exclusive = false;
        outcomes[index] = { status: 'done', value: r.value };
        spins.note(undefined, false, points);
      } else {
        slot.blocked = r.value.blocked === true;
        slot.exclusive = r.value.exclusive === true;
        points.push(index, r.value);
        spins.note(r.value, choice !== undefined, points);
      }
    } catch (e) {
      slot.done = true;
      slot.exclusive = false;
      if (e instanceof KernelBug) {
        outcomes[index] = { status: 'bug', message: e.message };
      } else if (e instanceof KernelPanic) {
        outcomes[index] = { status: 'panic', message: e.message };
        panicked = e.message;
        slots.forEach((s, i) => {
          if (!s.done) {
            s.done = true;
            outcomes[i] = { status: 'halted' };
          }
        });
      } else {
        throw e;
      }
    }
  }
  if (slots.some((s) => !s.done) && steps >= maxSteps) throw new StepLimitExceeded(maxSteps, points.summary());
  return { outcomes, steps, panicked, points: points.list(), pointsTaken: points.taken };
}
