/**
 * Command: two kernel operations on two CPUs, interleaved at every primitive by a drawn burst
 * schedule ("cpu A for 700 steps, then cpu B for 3, …") — unless their callers would order them:
 * two owners of one page, not both under pgtable_split_lock alone, run one after the other
 * (properties/ops/ownership.ts).
 *
 * Layer: properties/commands.
 */
import type { Task } from '../../impl/index.ts';
import type { Burst } from '../arbitraries/schedule.ts';
import { describeSchedule, expandSchedule } from '../arbitraries/schedule.ts';
import type { JudgedRun } from '../harness/judgedRun.ts';
import type { Op } from '../ops/ops.ts';
import { describeOp, opReachable } from '../ops/ops.ts';
import { callersSerialise } from '../ops/ownership.ts';
import { intentGen, resolveOp } from '../ops/resolve.ts';
import type { CommandData, KernelCommand, SystemModel } from './systemModel.ts';

/** Two operations at once. */
export class InterleavedCommand implements KernelCommand {
  /**
   * @param a - the operation of the first online CPU
   * @param b - the operation of the second online CPU
   * @param schedule - the bursts
   */
  constructor(
    readonly a: Op,
    readonly b: Op,
    readonly schedule: readonly Burst[],
  ) {}

  /** @returns whether the command may run: not after a violation, both calls reachable, never two late KFENCE inits */
  check(m: Readonly<SystemModel>): boolean {
    const kfenceTwice = this.a.kind === 'kfence_late' && this.b.kind === 'kfence_late';
    return (
      !m.violated && !kfenceTwice && opReachable(this.a, m.config, m.phase) && opReachable(this.b, m.config, m.phase)
    );
  }

  /** Runs both operations interleaved and records whether the model saw a violation. */
  run(m: SystemModel, run: JudgedRun): void {
    const online = run.m.onlineCpus();
    const ca = online[0] ?? 0;
    const cb = online[1 % online.length] ?? 0;
    const ia = resolveOp(run, this.a, ca);
    const ib = resolveOp(run, this.b, cb);
    const la = `${describeOp(this.a)} [cpu${ca}]`;
    const lb = `${describeOp(this.b)} [cpu${cb}]`;
    if (ca === cb || callersSerialise(run, ia, ib)) {
      // Their callers would order them (properties/ops/ownership.ts): one after the other.
      run.run(la, intentGen(run, ia), ca);
      if (run.violation === undefined) run.run(lb, intentGen(run, ib), cb);
    } else {
      const tasks: Task[] = [
        { cpu: ca, gen: intentGen(run, ia), label: la },
        { cpu: cb, gen: intentGen(run, ib), label: lb },
      ];
      run.interleave(tasks, expandSchedule(this.schedule));
    }
    m.violated = run.violation !== undefined;
  }

  /** @returns the command as plain data, for the corpus */
  toData(): CommandData {
    return { kind: 'pair', a: this.a, b: this.b, schedule: this.schedule };
  }

  /** @returns call syntax a reader can paste into a report */
  toString(): string {
    return `${describeOp(this.a)} ∥ ${describeOp(this.b)} with schedule ${describeSchedule(this.schedule)}`;
  }
}
