/**
 * The shared shape of the kernel commands: run one generated operation on one CPU of the judged
 * run, then note whether the model saw a violation. Subclasses name the kernel entry point.
 *
 * Layer: properties/commands.
 */
import type { CpuId } from '../../impl/index.ts';
import type { JudgedRun } from '../harness/judgedRun.ts';
import type { Op } from '../ops/ops.ts';
import { describeOp, opReachable } from '../ops/ops.ts';
import { opGen } from '../ops/resolve.ts';
import type { CommandData, KernelCommand, SystemModel } from './systemModel.ts';

/** One operation on one CPU (the CPU is an index into the online CPUs). */
export abstract class OpCommand implements KernelCommand {
  /**
   * @param op - the operation
   * @param cpu - index of the online CPU it runs on
   */
  constructor(
    readonly op: Op,
    readonly cpu: number,
  ) {}

  /** @returns whether the command may run: not after a violation, and only where the kernel can call it */
  check(m: Readonly<SystemModel>): boolean {
    return !m.violated && opReachable(this.op, m.config, m.phase);
  }

  /** Runs the operation and records whether the model saw a violation. */
  run(m: SystemModel, run: JudgedRun): void {
    const online = run.m.onlineCpus();
    const cpu: CpuId = online[this.cpu % online.length] ?? 0;
    run.run(`${describeOp(this.op)} [cpu${cpu}]`, opGen(run, this.op, cpu), cpu);
    m.violated = run.violation !== undefined;
  }

  /** @returns the command as plain data, for the corpus */
  toData(): CommandData {
    return { kind: 'op', op: this.op, cpu: this.cpu };
  }

  /** @returns call syntax a reader can paste into a report */
  toString(): string {
    return `${describeOp(this.op)} on online cpu #${this.cpu}`;
  }
}
