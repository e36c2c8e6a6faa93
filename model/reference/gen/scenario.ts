/**
 * Trace generator — what a scenario is: a correct kernel-shaped sequence (set-up, then the
 * operation under test) built through a `Builder` from drawn `Knobs`, and which CPU configuration
 * makes it correct (`fit`): a live size change is correct only when every running CPU has
 * noabort, a stop_machine() repaint only when the CPU that repaints has it.
 *
 * Layer: model/reference/gen (tests only).
 */
import type { Builder, GenCpu } from './builder.ts';
import type { Knobs } from './helpers.ts';

/** A scenario. */
export interface Scenario {
  readonly name: string;
  /** Which granules it supports (all by default). */
  readonly granules?: readonly string[];
  /** The CPU configuration under which the scenario is correct, from a drawn one. */
  readonly fit?: (cpus: readonly GenCpu[], actor: number) => GenCpu[];
  /** Writes the trace. */
  readonly build: (b: Builder, k: Knobs) => void;
}

/**
 * Every CPU with noabort (what a live BBML2 split needs).
 * @param cpus - the drawn CPUs
 * @returns them, noabort
 */
export const allNoabort = (cpus: readonly GenCpu[]): GenCpu[] => cpus.map((c) => ({ ...c, noabort: true }));

/**
 * The actor with noabort (what a stop_machine() repaint needs).
 * @param cpus - the drawn CPUs
 * @param actor - the actor's id
 * @returns them
 */
export const actorNoabort = (cpus: readonly GenCpu[], actor: number): GenCpu[] =>
  cpus.map((c) => (c.id === actor ? { ...c, noabort: true } : c));
