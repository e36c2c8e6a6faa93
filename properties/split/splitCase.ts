/**
 * One split experiment: boot a configuration whose CPUs all have BBML2-noabort, pick `[start,
 * end)` on the linear map (page aligned, or not; mapped, or in a hole), snapshot the leaves and
 * the translation, call `split_kernel_leaf_mapping(start, end)`, snapshot again.
 *
 * Layer: properties/split.
 */
import fc from 'fast-check';
import type { SutConfig, SutFactory } from '../../impl/index.ts';
import type { Maplet } from '../../model/abstract/interp.ts';
import { translationOnly } from '../../model/abstract/interp.ts';
import type { LeafEntry } from '../../model/arch/walk.ts';
import { configArb } from '../arbitraries/config.ts';
import { boot } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START, leavesIn } from '../harness/leaves.ts';

/** The generated input: a configuration and how to place the range on the booted layout. */
export interface SplitInput {
  readonly config: SutConfig;
  /** Which mapped run, where in it (per mille), how many pages, and the range's flavour. */
  readonly run: number;
  readonly at: number;
  readonly pages: number;
  readonly flavour: 'aligned' | 'unaligned' | 'hole';
}

/** The input arbitrary (noabort CPUs only, so that no repaint happens). */
export const splitInputArb: fc.Arbitrary<SplitInput> = fc.record({
  config: configArb({ secondariesNoabort: true, maxCpus: 2 }),
  run: fc.nat(),
  at: fc.integer({ min: 0, max: 999 }),
  pages: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 600 })),
  flavour: fc.constantFrom<SplitInput['flavour']>('aligned', 'aligned', 'aligned', 'unaligned', 'hole'),
});

/** What one experiment observed. */
export interface SplitOutcome {
  readonly run: JudgedRun;
  readonly start: bigint;
  readonly end: bigint;
  readonly ret: number;
  readonly leavesBefore: readonly LeafEntry[];
  readonly leavesAfter: readonly LeafEntry[];
  readonly translationBefore: readonly Maplet[];
  readonly translationAfter: readonly Maplet[];
}

/**
 * Runs one experiment.
 * @param input - the generated input
 * @param sut - the implementation
 * @returns the observations
 */
export function runSplit(input: SplitInput, sut: SutFactory): SplitOutcome {
  const run = new JudgedRun(input.config, sut);
  boot(run);
  const page = BigInt(run.model.geo.pageSize);
  const mapped = run.interp(LINEAR_START, LINEAR_END);
  const chosen = mapped[input.run % Math.max(1, mapped.length)];
  let start: bigint;
  if (chosen === undefined || input.flavour === 'hole') {
    const last = mapped[mapped.length - 1];
    start = last === undefined ? LINEAR_START : last.va + last.size + page * BigInt(input.at);
  } else {
    const offset = ((chosen.size / page) * BigInt(input.at)) / 1000n;
    start = chosen.va + offset * page;
  }
  if (input.flavour === 'unaligned') start += page / 2n;
  const end = start + BigInt(input.pages) * page;
  const leavesBefore = leavesIn(run.model, LINEAR_START, LINEAR_END);
  const translationBefore = translationOnly(mapped);
  const ret = run.run(
    `split_kernel_leaf_mapping(0x${start.toString(16)}, 0x${end.toString(16)})`,
    run.ops.split_kernel_leaf_mapping(start, end),
  );
  return {
    run,
    start,
    end,
    ret,
    leavesBefore,
    leavesAfter: leavesIn(run.model, LINEAR_START, LINEAR_END),
    translationBefore,
    translationAfter: translationOnly(run.interp(LINEAR_START, LINEAR_END)),
  };
}
