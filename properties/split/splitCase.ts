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
import { LINEAR_END, LINEAR_START, leavesIn, naturalSpans } from '../harness/leaves.ts';
import { bootCpu as bootCpuOf, splitGate } from '../kernel/gates.ts';
import type { SplitGate } from '../kernel/gates.ts';
import { inKfencePool, kfencePoolRange } from '../kernel/kfencePool.ts';

/** The generated input: a configuration and how to place the range on the booted layout. */
export interface SplitInput {
  readonly config: SutConfig;
  /** Which mapped run, where in it (per mille), how many pages, and the range's flavour. */
  readonly run: number;
  readonly at: number;
  readonly pages: number;
  readonly flavour: 'aligned' | 'block' | 'edge-page' | 'unaligned' | 'hole';
  /** For `block` and `edge-page`: which natural span (block, contiguous group, page) the boundaries align to. */
  readonly span: number;
}

/** The input arbitrary (noabort CPUs only, so that no repaint happens). */
export const splitInputArb: fc.Arbitrary<SplitInput> = fc.record({
  // Large layouts are cheap here (no repaint) and give 4K its 1 GiB PUD blocks — when map_mem()
  // maps blocks at all: they come with a boot CPU that has BBML2-noabort and no debug_pagealloc
  // (force_pte_mapping() is false). A page-mapped 1 GiB bank holds no leaf the small layouts do
  // not, and costs a quarter of a million PTEs to boot at 4K.
  config: fc.oneof(
    configArb({ secondariesNoabort: true, maxCpus: 2 }),
    configArb({
      secondariesNoabort: true,
      maxCpus: 2,
      large: true,
      granules: ['4K', '4K', '16K', '64K'],
      bootNoabort: true,
      debugPagealloc: false,
    }),
  ),
  run: fc.nat(),
  at: fc.integer({ min: 0, max: 999 }),
  pages: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 600 })),
  // `block` and `edge-page` put a boundary strictly inside a leaf, on a smaller natural span: where
  // a split must skip levels or unfold a contiguous group around an entry edge, and where the
  // single-page shortcut splits one end only. They are the cases most shapes can get wrong, so
  // they are drawn more than half the time.
  flavour: fc.constantFrom<SplitInput['flavour']>(
    'aligned',
    'block',
    'block',
    'block',
    'block',
    'block',
    'edge-page',
    'edge-page',
    'unaligned',
    'hole',
  ),
  span: fc.nat({ max: 7 }),
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
  /** What the kernel's gate makes of the call (properties/kernel/gates.ts), before any table is read. */
  readonly gate: SplitGate;
  /** Whatever the caller's `before` hook observed just before the split. */
  readonly extra: unknown;
}

/**
 * Runs one experiment.
 * @param input - the generated input
 * @param sut - the implementation
 * @param before - an extra observation made just before the split
 * @returns the observations
 */
export function runSplit(input: SplitInput, sut: SutFactory, before?: (run: JudgedRun) => unknown): SplitOutcome {
  const run = new JudgedRun(input.config, sut);
  boot(run);
  const page = BigInt(run.model.geo.pageSize);
  const mapped = run.interp(LINEAR_START, LINEAR_END);
  // Aim at each shape (leaf size and contiguity) equally often: PUD blocks, contiguous PMD
  // groups, PMD blocks, contiguous PTE groups and pages are all where the levels are. A boundary
  // strictly inside a leaf (`block`, `edge-page`) needs a leaf of more than one page: those
  // flavours aim at the shapes that have one, when the layout has any, and at a contiguous group
  // twice as often as at a block (a boundary inside a group must unfold all of it first, then
  // perhaps split the entry it falls in: split_contpmd()/split_contpte() before the level's
  // alignment exit).
  const inside = input.flavour === 'block' || input.flavour === 'edge-page';
  const allShapes = [...new Set(mapped.map((m) => `${m.leafSize}:${m.contiguous}`))];
  const multi = allShapes.filter((k) => k !== `${page}:false`).flatMap((k) => (k.endsWith(':true') ? [k, k] : [k]));
  const shapes = inside && multi.length > 0 ? multi : allShapes;
  const shape = shapes[input.run % Math.max(1, shapes.length)];
  const pool = mapped.filter((m) => `${m.leafSize}:${m.contiguous}` === shape);
  const chosen = pool[Math.floor(input.run / Math.max(1, shapes.length)) % Math.max(1, pool.length)];
  let start: bigint;
  if (chosen === undefined || input.flavour === 'hole') {
    const last = mapped[mapped.length - 1];
    start = last === undefined ? LINEAR_START : last.va + last.size + page * BigInt(input.at);
  } else {
    const offset = ((chosen.size / page) * BigInt(input.at)) / 1000n;
    start = chosen.va + offset * page;
  }
  if (input.flavour === 'unaligned') start += page / 2n;
  let end = start + BigInt(input.pages) * page;
  if ((input.flavour === 'block' || input.flavour === 'edge-page') && chosen !== undefined) {
    // Boundaries on a natural span smaller than the leaf (2M inside a 32M group, 64K inside a
    // 2M block…): the cases where the split must skip a level.
    const groupEntries = chosen.contiguous ? (run.model.geo.contEntries[chosen.level] ?? 1) : 1;
    const tlbSpan = chosen.leafSize * BigInt(groupEntries);
    const spans = naturalSpans(run.model).filter((x) => BigInt(x) < tlbSpan);
    // Mostly the next level down (a PMD boundary inside a contiguous PMD group, a contiguous-PTE
    // boundary inside a PMD block, …: the level whose alignment exit comes first), else any.
    const pickAt = input.span < 6 ? 0 : 1 + (input.span % Math.max(1, spans.length - 1));
    const s = BigInt(spans[pickAt % Math.max(1, spans.length)] ?? run.model.geo.pageSize);
    start -= (start - LINEAR_START) % s;
    if (input.flavour === 'block') end = start + BigInt(input.pages % 3) * s + (input.pages % 2 === 0 ? s : page);
    else {
      // One page on either side of the span boundary: the single-page shortcut of
      // split_kernel_leaf_mapping() (a166563e7ec3) splits only at the less aligned end.
      if (input.pages % 2 === 1 && start - page >= LINEAR_START) start -= page;
      end = start + page;
    }
  }
  // Precondition of the kernel: a range that starts in the KFENCE pool stays in it (the early exit
  // tests is_kfence_address(start) only), so such a range is cut at the pool's end.
  const kfence = kfencePoolRange(run);
  if (kfence !== undefined && start >= kfence.start && start < kfence.end && end > kfence.end) end = kfence.end;
  const gate = splitGate(
    run.config,
    run.phase,
    bootCpuOf(run.config),
    inKfencePool(run, start),
    start % page === 0n && end % page === 0n,
  );
  const leavesBefore = leavesIn(run.model, LINEAR_START, LINEAR_END);
  const translationBefore = translationOnly(mapped);
  const extra = before?.(run);
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
    extra,
    gate,
  };
}
