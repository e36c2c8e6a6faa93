/**
 * The model side of the command-based runs: what fast-check's `modelRun` threads through the
 * commands. The judge is the BBM model inside the `JudgedRun`; this only remembers whether a
 * violation has been seen, so that later commands are skipped and the sequence shrinks to it.
 *
 * Layer: properties/commands.
 */
import type fc from 'fast-check';
import type { JudgedRun } from '../harness/judgedRun.ts';

/** The state fast-check checks commands against. */
export interface SystemModel {
  /** A violation has been seen: the remaining commands do not run. */
  violated: boolean;
}

/** A kernel command. */
export type KernelCommand = fc.Command<SystemModel, JudgedRun>;
