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
 * The head start of a stop_machine() caller: task 0 (stop_machine() steps the online CPUs in
 * `cpu_online_mask` order, the boot CPU first, and task 0 is its index modulo any count) for a
 * long run. A split of one block writes the whole new table before the store that changes the
 * size (512 entries at 4K, 2048 at 16K, 8192 at 64K), while another CPU reaches its wait in a
 * handful of steps; so the writer reaches a live change before the others are out of the way
 * only when it runs that far alone.
 */
const headStartArb: fc.Arbitrary<Burst> = fc.record({
  pick: fc.constant(0),
  // Without fast-check's small-first bias: biased, the first runs draw head starts of about 50
  // steps, too short to reach the first live change on any granule.
  steps: fc.noBias(fc.oneof(fc.integer({ min: 50, max: 3000 }), fc.integer({ min: 3000, max: 20_000 }))),
});

/**
 * A schedule for a stop_machine() whose CPUs must wait for one another, drawn to collide: half
 * the time the caller runs ahead first ({@link headStartArb}), then up to `max - 1` free bursts;
 * else free bursts only. Free bursts alone put the caller ahead for long enough about one time
 * in seven (the first burst must pick it, be long, and survive the steps before stop_machine());
 * a protocol whose wait is missing or released early (mmu.c linear_map_split_to_ptes(): the boot
 * CPU waits for `idmap_kpti_bbml2_flag == num_online_cpus()`) fails only on those.
 * @param max - bursts at most
 * @returns the arbitrary
 */
export const stopScheduleArb = (max = 6): fc.Arbitrary<Burst[]> =>
  fc.oneof(
    scheduleArb(max),
    fc.tuple(headStartArb, scheduleArb(max - 1)).map(([head, rest]) => [head, ...rest]),
  );

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
