/**
 * Trace generator — the fast-check arbitrary of small random `bbm-trace/1` traces: 1–3 CPUs with
 * mixed BBM levels and noabort, the three granules, one correct kernel-shaped scenario (most of
 * the time on the CPU configuration that makes it correct), then usually ONE mutation (a step
 * dropped, moved, duplicated or one field changed) and sometimes plain noise. Everything drawn is
 * a plain number, so fast-check shrinks a failing trace toward the first scenario, no mutation and
 * no noise.
 *
 * Layer: model/reference/gen (tests only).
 */
import fc from 'fast-check';
import type { GranuleName } from '../../events.ts';
import { entryBytes } from '../geometry.ts';
import { Builder } from './builder.ts';
import type { GenCpu } from './builder.ts';
import { toLine } from './encode.ts';
import { Knobs } from './helpers.ts';
import { applyMutation } from './mutate.ts';
import type { Mutation } from './mutate.ts';
import { addNoise } from './noise.ts';
import type { NoiseDraw } from './noise.ts';
import type { Scenario } from './scenario.ts';
import { bbmSplit, remapBlock, remapPage } from './scenarioBbm.ts';
import { foldCont, splitContpmd, splitContpte, splitPmdLive, splitPudLive } from './scenarioLive.ts';
import { parkedRemap, repaintGroup, repaintPage, stopMachineRepaint } from './scenarioRepaint.ts';
import {
  collapseTable,
  freeNeverLinked,
  hotplugSubtree,
  onlineThenRepaint,
  publishTable,
  relinkFreedChild,
  unlinkRelink,
} from './scenarioTables.ts';

/** Every scenario with its weight (the 512-write full-table splits are rarer: they are slow to judge). */
export const SCENARIOS: readonly (readonly [Scenario, number])[] = [
  [remapPage, 6],
  [remapBlock, 5],
  [bbmSplit, 5],
  [splitContpte, 6],
  [splitContpmd, 5],
  [foldCont, 4],
  [repaintGroup, 6],
  [repaintPage, 5],
  [stopMachineRepaint, 6],
  [parkedRemap, 5],
  [collapseTable, 5],
  [publishTable, 4],
  [hotplugSubtree, 4],
  [unlinkRelink, 4],
  [relinkFreedChild, 2],
  [freeNeverLinked, 2],
  [onlineThenRepaint, 3],
  [splitPmdLive, 1],
  [splitPudLive, 1],
];

/** Everything drawn for one trace. */
export interface TracePlan {
  readonly granule: GranuleName;
  readonly cpus: readonly { readonly bbm: 0 | 1 | 2; readonly noabort: boolean }[];
  readonly actor: number;
  readonly preemptRt: boolean;
  readonly fit: boolean;
  readonly scenario: number;
  readonly knobs: readonly number[];
  readonly mutation: Mutation;
  readonly noise: readonly NoiseDraw[];
}

/** A generated trace. */
export interface GeneratedTrace {
  readonly lines: readonly string[];
  /** Scenario and mutation, for statistics and reports. */
  readonly label: string;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('drop' as const, 'duplicate' as const),
      at: fc.nat(),
      body: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('move' as const), at: fc.nat(), to: fc.nat(), body: fc.boolean() }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('field' as const),
      at: fc.nat(),
      body: fc.boolean(),
      which: fc.nat(),
      value: fc.nat(),
    }),
  },
);

/** The plan arbitrary. */
export const tracePlanArb: fc.Arbitrary<TracePlan> = fc.record({
  granule: fc.constantFrom<GranuleName>('4K', '16K', '64K'),
  cpus: fc.array(fc.record({ bbm: fc.constantFrom<0 | 1 | 2>(0, 1, 2), noabort: fc.boolean() }), {
    minLength: 1,
    maxLength: 3,
  }),
  actor: fc.nat({ max: 2 }),
  preemptRt: fc.boolean(),
  fit: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  scenario: fc.nat(),
  knobs: fc.array(fc.nat({ max: 1 << 16 }), { maxLength: 10 }),
  mutation: mutationArb,
  noise: fc.oneof(
    { weight: 4, arbitrary: fc.constant([]) },
    {
      weight: 1,
      arbitrary: fc.array(fc.record({ at: fc.nat(), kind: fc.nat(), a: fc.nat(), b: fc.nat() }), { maxLength: 3 }),
    },
  ),
});

/** The scenario a plan names, by weight, among those of its granule. */
function scenarioOf(plan: TracePlan): Scenario {
  const fits = SCENARIOS.filter(([s]) => s.granules === undefined || s.granules.includes(plan.granule));
  const total = fits.reduce((n, [, w]) => n + w, 0);
  let r = plan.scenario % total;
  for (const [s, w] of fits) {
    if (r < w) return s;
    r -= w;
  }
  return (fits[0] as readonly [Scenario, number])[0];
}

/**
 * Builds the trace of a plan.
 * @param plan - the plan
 * @param light - keep it short (CI): no 128-entry contiguous groups, full-table splits rarer
 * @returns the trace lines and its label
 */
export function buildTrace(plan: TracePlan, light = false): GeneratedTrace {
  const scenario = scenarioOf(plan);
  const drawn: GenCpu[] = plan.cpus.map((c, id) => ({ id, ...c }));
  const actor = plan.actor % drawn.length;
  const cpus = plan.fit && scenario.fit !== undefined ? scenario.fit(drawn, actor) : drawn;
  const b = new Builder(plan.granule, cpus, actor, plan.preemptRt, light);
  scenario.build(b, new Knobs(plan.knobs));
  const ctx = {
    cpuIds: cpus.map((c) => c.id),
    pageBytes: b.g.pageBytes,
    spans: [3, 2, 1].filter((l) => l >= b.g.rootLevel).map((l) => entryBytes(b.g, l)),
  };
  const mutated = applyMutation(b.events, b.bodyStart, plan.mutation, ctx);
  const events = addNoise(mutated, plan.noise, ctx.cpuIds, b.g.pageBytes);
  const label = `${scenario.name}/${plan.mutation.kind}${plan.noise.length > 0 ? '+noise' : ''}`;
  return { lines: [b.header(), ...events.map(toLine)], label };
}

/**
 * The arbitrary of generated traces.
 * @param light - keep them short (the CI budget)
 * @returns the arbitrary
 */
export const traceArb = (light = false): fc.Arbitrary<GeneratedTrace> => tracePlanArb.map((p) => buildTrace(p, light));
