/**
 * The model side of the command-based runs: what fast-check's `modelRun` threads through the
 * commands. The judge is the BBM model inside the `JudgedRun`; this only remembers whether a
 * violation has been seen, so that later commands are skipped and the sequence shrinks to it.
 *
 * Layer: properties/commands.
 */
import type fc from 'fast-check';
import type { Burst } from '../arbitraries/schedule.ts';
import type { JudgedRun } from '../harness/judgedRun.ts';
import type { Op } from '../ops/ops.ts';

/** The state fast-check checks commands against. */
export interface SystemModel {
  /** A violation has been seen: the remaining commands do not run. */
  violated: boolean;
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
