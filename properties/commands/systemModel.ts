/**
 * The model side of the command-based runs: what fast-check's `modelRun` threads through the
 * commands. The judge is the BBM model inside the `JudgedRun`; this remembers whether a violation
 * has been seen (later commands are skipped and the sequence shrinks to it) and where the boot is,
 * so that a command runs only when the kernel can make that call.
 *
 * Layer: properties/commands.
 */
import type fc from 'fast-check';
import type { Burst } from '../arbitraries/schedule.ts';
import type { SutConfig } from '../../impl/index.ts';
import type { JudgedRun } from '../harness/judgedRun.ts';
import type { BootPhase } from '../kernel/phase.ts';
import type { Op } from '../ops/ops.ts';

/** The state fast-check checks commands against. */
export interface SystemModel {
  /** A violation has been seen: the remaining commands do not run. */
  violated: boolean;
  /** The run's configuration and boot phase: a command runs only where the kernel can call it. */
  readonly config: SutConfig;
  readonly phase: Readonly<BootPhase>;
}

/**
 * The fast-check model of a judged run.
 * @param run - the run
 * @returns its model
 */
export function systemModelOf(run: JudgedRun): SystemModel {
  return { violated: run.violation !== undefined, config: run.config, phase: run.phase };
}

/** A kernel command as plain data (what the corpus stores). */
export type CommandData =
  | { readonly kind: 'op'; readonly op: Op; readonly cpu: number }
  | { readonly kind: 'pair'; readonly a: Op; readonly b: Op; readonly schedule: readonly Burst[] };

/** A kernel command. */
export type KernelCommand = fc.Command<SystemModel, JudgedRun> & {
  /** The command as plain data. */
  toData(): CommandData;
};
