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
  /** The scheduling points in the order they were taken, with the task index. */
  readonly points: readonly { readonly task: number; readonly point: SchedPoint }[];
}

/** Default step limit: generous, but finite so that a livelock is reported, not hung. */
export const DEFAULT_MAX_STEPS = 20_000_000;

/** Thrown when a run exceeds its step limit (a livelock or a missing wake-up). */
export class StepLimitExceeded extends Error {
  /** @param steps - the limit that was hit */
  constructor(steps: number) {
    super(`step limit of ${steps} exceeded (livelock?)`);
    this.name = 'StepLimitExceeded';
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
  for (let steps = 0; steps < maxSteps; steps++) {
    machine.setCurrentCpu(cpu);
    const r = gen.next();
    if (r.done === true) return r.value;
  }
  throw new StepLimitExceeded(maxSteps);
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
  const points: { task: number; point: SchedPoint }[] = [];
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
      } else {
        slot.blocked = r.value.blocked === true;
        slot.exclusive = r.value.exclusive === true;
        points.push({ task: index, point: r.value });
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
  if (slots.some((s) => !s.done) && steps >= maxSteps) throw new StepLimitExceeded(maxSteps);
  return { outcomes, steps, panicked, points };
}
