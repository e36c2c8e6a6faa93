/**
 * Interleaving schedules as bursts: "run task 1 for 700 steps, then task 0 for 3, …", expanded
 * to one choice per step. Bursts reach deep into long operations (a repaint is hundreds of
 * thousands of primitives) with a few numbers, and shrink toward fewer and shorter bursts, as in
 * PCT-style random testing of concurrent programs.
 *
 * Layer: properties/arbitraries.
 */
import fc from 'fast-check';

/** One burst: which task (modulo the live ones) and for how many steps. */
export interface Burst {
  readonly pick: number;
  readonly steps: number;
}

/** The burst arbitrary: short and long runs. */
export const burstArb: fc.Arbitrary<Burst> = fc.record({
  pick: fc.nat({ max: 3 }),
  steps: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 50, max: 3000 })),
});

/** A schedule of up to `max` bursts. */
export const scheduleArb = (max = 6): fc.Arbitrary<Burst[]> => fc.array(burstArb, { maxLength: max });

/**
 * Expands bursts into one choice per step.
 * @param bursts - the bursts
 * @returns the choices
 */
export function expandSchedule(bursts: readonly Burst[]): number[] {
  const out: number[] = [];
  for (const b of bursts) for (let i = 0; i < b.steps; i++) out.push(b.pick);
  return out;
}

/**
 * Describes bursts compactly, e.g. `[1×700, 0×3]`.
 * @param bursts - the bursts
 * @returns the description
 */
export function describeSchedule(bursts: readonly Burst[]): string {
  return `[${bursts.map((b) => `${b.pick}×${b.steps}`).join(', ')}]`;
}
