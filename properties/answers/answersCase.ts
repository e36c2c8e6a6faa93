/**
 * The "every answer checked" experiment: a generated configuration boots in the kernel's order,
 * with operations in the early windows, then a sequence of operations — wide ones (vmalloc
 * sub-ranges, multi-page direct-map folios, whole blocks and contiguous groups made invalid and
 * partly valid again, late KFENCE pool pages), aimed to collide on the same leaves, some
 * interleaved, with table-allocation failure injected into any of them. Each step is judged by
 * `answersChecks.ts` against `properties/kernel/outcomes.ts`.
 *
 * Layer: properties/answers.
 */
import fc from 'fast-check';
import type { CpuId, SutConfig, SutFactory } from '../../impl/index.ts';
import { configArb } from '../arbitraries/config.ts';
import { admitting, earlyWindowsFit } from '../arbitraries/configSpace.ts';
import type { Burst } from '../arbitraries/schedule.ts';
import { expandSchedule, scheduleArb, stopScheduleArb } from '../arbitraries/schedule.ts';
import { boot } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import type { Op, Target } from '../ops/ops.ts';
import { ExpectedMap } from '../oracle/expected.ts';
import type { StepCheck } from './answersChecks.ts';
import { runStep } from './answersChecks.ts';

/** One step: an operation on an online CPU (with an allocation failing, maybe), or two interleaved. */
export type Step =
  | {
      readonly kind: 'op';
      readonly op: Op;
      readonly cpu: number;
      /** The table allocation (0 = its first) that fails during this operation, if any. */
      readonly fail?: number;
    }
  | { readonly kind: 'pair'; readonly a: Op; readonly b: Op; readonly schedule: readonly Burst[] };

/** The generated input. */
export interface AnswersInput {
  readonly config: SutConfig;
  /** Which secondaries come up after finalisation (bit i = cpu i+1). */
  readonly lateMask: number;
  readonly preMemInit: readonly Step[];
  readonly alone: readonly Step[];
  readonly preFinal: readonly Step[];
  readonly finalSchedule: readonly Burst[];
  readonly steps: readonly Step[];
}

/** Leaf numbers: mostly the first few of each shape, so that operations meet. */
const leafArb = fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 5 }) }, { weight: 1, arbitrary: fc.nat({ max: 300 }) });
const pick = fc.integer({ min: 0, max: 9999 });

const targetOn = (leaf: fc.Arbitrary<number>): fc.Arbitrary<Target> =>
  fc.record({ leaf, at: fc.integer({ min: 0, max: 999 }), whole: fc.boolean() });

/**
 * The wide operations, aimed at leaves drawn by `leaf`.
 * @param leaf - the leaf-number arbitrary (a constant makes a collision)
 * @returns the operation arbitrary
 */
function wideOpArb(leaf: fc.Arbitrary<number>): fc.Arbitrary<Op> {
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('split' as const),
        run: fc.constant(0),
        at: fc.constant(0),
        pages: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 600 })),
        target: targetOn(leaf),
      }),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({
          kind: fc.constant('set_memory' as const),
          which: fc.constantFrom('ro', 'rw', 'nx', 'x'),
          pages: fc.array(pick, { minLength: 2, maxLength: 6 }),
          // Backing pages from one target leaf (its alias splits collide), or from anywhere in RAM (-1).
          leaf: fc.oneof(leaf, fc.constant(-1)),
          from: fc.nat({ max: 4 }),
          // A sub-range (any start page, any length), the rest (-1), none, or past the area's end (-2: -EINVAL).
          n: fc.oneof(
            { weight: 6, arbitrary: fc.integer({ min: 1, max: 5 }) },
            { weight: 2, arbitrary: fc.constant(-1) },
            { weight: 1, arbitrary: fc.constant(0) },
            { weight: 1, arbitrary: fc.constant(-2) },
          ),
        })
        .map(({ n, leaf: l, ...rest }): Op => {
          const base = l < 0 ? rest : { ...rest, leaf: l };
          return n === -1 ? base : n === -2 ? { ...base, past: true } : { ...base, n };
        }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('set_memory_valid' as const),
        page: pick,
        n: fc.integer({ min: 1, max: 8 }),
        enable: fc.boolean(),
        target: targetOn(leaf),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('direct_map' as const),
        which: fc.constantFrom('invalid', 'default', 'valid', 'valid'),
        page: pick,
        target: targetOn(leaf),
        // A guest_memfd-style folio: one page, a few, or a whole 2M/1G-sized leaf (target.whole).
        nr: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 16 })),
        valid: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'kfence_late' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('kfence_protect' as const),
        page: fc.nat({ max: 511 }),
        protect: fc.boolean(),
      }),
    },
  );
}

/** A step on one CPU, an allocation failing in one in four. */
const opStepArb: fc.Arbitrary<Step> = fc
  .record({
    op: wideOpArb(leafArb),
    cpu: fc.nat({ max: 3 }),
    fail: fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat({ max: 2 }) }),
  })
  .map(({ op, cpu, fail }): Step => (fail < 0 ? { kind: 'op', op, cpu } : { kind: 'op', op, cpu, fail }));

/** Two operations on the same leaf (a collision on purpose), interleaved. */
const pairStepArb: fc.Arbitrary<Step> = leafArb.chain((l) =>
  fc.record({
    kind: fc.constant('pair' as const),
    a: wideOpArb(fc.constant(l)),
    b: wideOpArb(fc.constant(l)),
    schedule: scheduleArb(),
  }),
);

/**
 * A whole leaf made invalid, then part of it valid again (a 2M or 1G guest_memfd folio given back
 * page by page; 15bfba1ad77f's case), as two steps.
 */
const revalidateArb: fc.Arbitrary<Step[]> = fc
  .record({
    leaf: leafArb,
    at: fc.integer({ min: 0, max: 999 }),
    nr: fc.integer({ min: 1, max: 8 }),
    cpu: fc.nat({ max: 3 }),
  })
  .map(({ leaf, at, nr, cpu }) => [
    {
      kind: 'op' as const,
      op: {
        kind: 'direct_map' as const,
        which: 'valid' as const,
        page: 0,
        target: { leaf, at: 0, whole: true },
        valid: false,
      },
      cpu,
    },
    {
      kind: 'op' as const,
      op: {
        kind: 'direct_map' as const,
        which: 'valid' as const,
        page: 0,
        target: { leaf, at, whole: false },
        nr,
        valid: true,
      },
      cpu,
    },
  ]);

/** Between `min` and `max` groups of steps. */
const stepsArb = (min: number, max: number): fc.Arbitrary<Step[]> =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: opStepArb.map((s) => [s]) },
        { weight: 2, arbitrary: pairStepArb.map((s) => [s]) },
        { weight: 2, arbitrary: revalidateArb },
      ),
      { minLength: min, maxLength: max },
    )
    .map((groups) => groups.flat());

/** The configurations of the input. */
const answersConfigArb: fc.Arbitrary<SutConfig> = fc.oneof(
  { weight: 4, arbitrary: configArb({ maxCpus: 3 }) },
  // 4K with a 1 GiB bank: PUD blocks to invalidate whole and give back in part (no repaint of
  // 1 GiB: the secondaries have the capability). Blocks need map_mem() to map them: a boot CPU
  // with BBML2-noabort, no debug_pagealloc (a page-mapped 1 GiB is 262 144 PTEs to boot).
  {
    weight: 1,
    arbitrary: configArb({
      maxCpus: 2,
      large: true,
      granules: ['4K'],
      secondariesNoabort: true,
      bootNoabort: true,
      debugPagealloc: false,
    }),
  },
);

/**
 * The input arbitrary. Which inputs it draws, for the domain shrinker's simpler configurations: a
 * configuration of {@link answersConfigArb}, and no early-window step under v6.18.
 */
export const answersInputArb: fc.Arbitrary<AnswersInput> = admitting(
  answersConfigArb.chain((config) =>
    fc.record({
      config: fc.constant(config),
      lateMask: fc.nat({ max: 3 }),
      // The early windows (v6.18 has none that work, see bbm/sequenceCase.ts).
      preMemInit: config.variant === 'v6.18' ? fc.constant([]) : stepsArb(0, 2),
      alone: config.variant === 'v6.18' ? fc.constant([]) : stepsArb(0, 2),
      preFinal: config.variant === 'v6.18' ? fc.constant([]) : stepsArb(0, 2),
      finalSchedule: stopScheduleArb(),
      // With a late KFENCE pool, kfence_init_late() comes at some step in three runs in four, so
      // that the pool's pages become targets (kfence_protect_page()).
      steps: fc
        .tuple(
          stepsArb(3, 10),
          fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 4 }) }, { weight: 1, arbitrary: fc.constant(-1) }),
        )
        .map(([ss, at]): Step[] =>
          config.kfence === 'late' && at >= 0
            ? [...ss.slice(0, at), { kind: 'op', op: { kind: 'kfence_late' }, cpu: 0 }, ...ss.slice(at)]
            : ss,
        ),
    }),
  ),
  (v) => earlyWindowsFit(answersConfigArb, v),
);

/**
 * Runs one experiment, checking every step; throws the first failed check.
 * @param input - the input
 * @param sut - the implementation
 * @param check - which checks the property makes
 * @returns the run
 */
export function runAnswers(input: AnswersInput, sut: SutFactory, check: StepCheck): JudgedRun {
  const run = new JudgedRun(input.config, sut);
  const oracle = new ExpectedMap();
  const late: CpuId[] = input.config.cpus
    .slice(1)
    .filter((_c, i) => (input.lateMask & (1 << i)) !== 0)
    .map((c) => c.id);
  const steps = (list: readonly Step[]) => (r: JudgedRun) => {
    for (const s of list) runStep(r, oracle, s, check);
  };
  boot(run, late, {
    preMemInit: steps(input.preMemInit),
    alone: steps(input.alone),
    preFinal: steps(input.preFinal),
    finalSchedule: expandSchedule(input.finalSchedule),
  });
  steps(input.steps)(run);
  return run;
}
