/**
 * One split experiment: boot a configuration whose CPUs all have BBML2-noabort, then, one after
 * another on the same linear map, pick `[start, end)` (page aligned, or not; mapped, or in a
 * hole), snapshot the leaves and the translation, call `split_kernel_leaf_mapping(start, end)`,
 * snapshot again. Booting costs most of an experiment (about 40 ms of 50): each input makes up to
 * twelve splits on its map, aimed at the leaf shapes in turn, so that one input meets every
 * shape and later splits meet leaves earlier ones broke, as the kernel's callers do.
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

/** How to place one range on the booted layout. */
export interface SplitAim {
  /** Which mapped run, where in it (per mille), how many pages, and the range's flavour. */
  readonly run: number;
  readonly at: number;
  readonly pages: number;
  readonly flavour: 'aligned' | 'block' | 'edge-page' | 'unaligned' | 'hole';
  /** For `block` and `edge-page`: which natural span (block, contiguous group, page) the boundaries align to. */
  readonly span: number;
}

/**
 * The generated input: a configuration, the first split's aim, and the aims of the splits made
 * after it on the same map (absent in inputs saved before they existed: one split).
 */
export interface SplitInput extends SplitAim {
  readonly config: SutConfig;
  readonly more?: readonly SplitAim[];
}

/** Where one range goes (see {@link SplitAim}). */
const aim = {
  run: fc.nat(),
  at: fc.integer({ min: 0, max: 999 }),
  pages: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 600 })),
  // `block` and `edge-page` put a boundary strictly inside a leaf, on a smaller natural span: where
  // a split must skip levels or unfold a contiguous group around an entry edge, and where the
  // single-page shortcut splits one end only. They are the cases most shapes can get wrong, so
  // they are drawn more than half the time.
  flavour: fc.constantFrom<SplitAim['flavour']>(
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
};

/** The input arbitrary (noabort CPUs only, so that no repaint happens). */
export const splitInputArb: fc.Arbitrary<SplitInput> = fc.record({
  // Large layouts are cheap here (no repaint) and give 4K its 1 GiB PUD blocks — when map_mem()
  // maps blocks at all: they come with a boot CPU that has BBML2-noabort and no debug_pagealloc
  // (force_pte_mapping() is false). A page-mapped 1 GiB bank holds no leaf the small layouts do
  // not, and costs a quarter of a million PTEs to boot at 4K.
  // 4K three times as often as each other granule: only 4K layouts hold every leaf kind (PUD
  // blocks, contiguous PMD groups, PMD blocks, contiguous PTE groups, PTEs; 16K has contiguous PMD
  // groups, of 1 GiB, in large layouts only, 64K neither), and the shape properties are about all
  // of them. Large layouts twice as often as small ones: only they give 4K its PUD blocks and 16K
  // its contiguous PMD groups; the small ones bring the holes, offsets and the knobs.
  config: fc.oneof(
    {
      weight: 1,
      arbitrary: configArb({ secondariesNoabort: true, maxCpus: 2, granules: ['4K', '4K', '4K', '16K', '64K'] }),
    },
    {
      weight: 2,
      arbitrary: configArb({
        secondariesNoabort: true,
        maxCpus: 2,
        large: true,
        granules: ['4K', '4K', '4K', '16K', '64K'],
        bootNoabort: true,
        debugPagealloc: false,
      }),
    },
  ),
  ...aim,
  // Later splits on the same map (up to eleven): each aims at the next leaf shape in turn. Their
  // number is drawn without fast-check's small-first bias, so that the first runs too meet every
  // shape (shrinking still heads for one split).
  more: fc.noBias(fc.array(fc.record(aim), { maxLength: 11 })),
});

/** What one split of an experiment observed. */
export interface SplitOutcome {
  readonly run: JudgedRun;
  readonly start: bigint;
  readonly end: bigint;
  readonly ret: number;
  /** Which split of the input it is (0 = the first) and the calls made before it on this map. */
  readonly index: number;
  readonly earlier: readonly string[];
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
 * Places one range on the booted layout (explore/splitClaims.ts inverts it to write a search's
 * splits in this input's language).
 * @param run - the judged run (booted)
 * @param mapped - the linear map as the split meets it (the earlier splits' pieces are shapes too)
 * @param a - the aim
 * @param turn - which leaf shape to aim at (its index in the shape list, modulo its length), or
 *   undefined for the first split's own choice (`a.run` modulo the shapes, as inputs saved
 *   before several splits mean it)
 * @returns `[start, end)`
 */
export function place(
  run: JudgedRun,
  mapped: readonly Maplet[],
  a: SplitAim,
  turn: number | undefined,
): [bigint, bigint] {
  const page = BigInt(run.model.geo.pageSize);
  // Aim at each shape (leaf size and contiguity) equally often: PUD blocks, contiguous PMD
  // groups, PMD blocks, contiguous PTE groups and pages are all where the levels are. A boundary
  // strictly inside a leaf (`block`, `edge-page`) needs a leaf of more than one page: those
  // flavours aim at the shapes that have one, when the layout has any, and at a contiguous group
  // twice as often as at a block (a boundary inside a group must unfold all of it first, then
  // perhaps split the entry it falls in: split_contpmd()/split_contpte() before the level's
  // alignment exit).
  const inside = a.flavour === 'block' || a.flavour === 'edge-page';
  const allShapes = [...new Set(mapped.map((m) => `${m.leafSize}:${m.contiguous}`))];
  const multi = allShapes.filter((k) => k !== `${page}:false`).flatMap((k) => (k.endsWith(':true') ? [k, k] : [k]));
  const shapes = inside && multi.length > 0 ? multi : allShapes;
  const n = Math.max(1, shapes.length);
  const shape = shapes[turn === undefined ? a.run % n : turn % n];
  const pool = mapped.filter((m) => `${m.leafSize}:${m.contiguous}` === shape);
  const member = turn === undefined ? Math.floor(a.run / n) : a.run;
  const chosen = pool[member % Math.max(1, pool.length)];
  let start: bigint;
  if (chosen === undefined || a.flavour === 'hole') {
    const last = mapped[mapped.length - 1];
    start = last === undefined ? LINEAR_START : last.va + last.size + page * BigInt(a.at);
  } else {
    const offset = ((chosen.size / page) * BigInt(a.at)) / 1000n;
    start = chosen.va + offset * page;
  }
  if (a.flavour === 'unaligned') start += page / 2n;
  let end = start + BigInt(a.pages) * page;
  if (inside && chosen !== undefined) {
    // Boundaries on a natural span smaller than the leaf (2M inside a 32M group, 64K inside a
    // 2M block…): the cases where the split must skip a level.
    const groupEntries = chosen.contiguous ? (run.model.geo.contEntries[chosen.level] ?? 1) : 1;
    const tlbSpan = chosen.leafSize * BigInt(groupEntries);
    const spans = naturalSpans(run.model).filter((x) => BigInt(x) < tlbSpan);
    // Mostly where the ladder of split_kernel_leaf_mapping_locked() stops next: inside a
    // contiguous group, on an entry edge of the group's level (a PMD boundary inside a contiguous
    // PMD group: split_contpmd(), then the PMD_SIZE exit); inside a block, on the next level's
    // group edge or entry edge about equally (a PUD block on 32M or 2M, a PMD block on 64K or a
    // page); else any smaller span.
    const edges = chosen.contiguous ? 1 : 2;
    const next = chosen.contiguous || a.span < 4 ? 0 : 1;
    const pickAt = a.span < 7 ? next : edges + ((a.span + a.pages) % Math.max(1, spans.length - edges));
    const s = BigInt(spans[pickAt % Math.max(1, spans.length)] ?? run.model.geo.pageSize);
    start -= (start - LINEAR_START) % s;
    // Both boundaries on the span seven times in eight. A boundary finer than the span, in the
    // same leaf, splits that leaf further and hides what the split did at the other one (a PMD
    // edge inside a contiguous PMD group is unfolded by any finer boundary in the group).
    if (a.flavour === 'block') end = start + BigInt(a.pages % 3) * s + (a.pages % 8 === 7 ? page : s);
    else {
      // One page on either side of the span boundary: the single-page shortcut of
      // split_kernel_leaf_mapping() (a166563e7ec3) splits only at the less aligned end.
      if (a.pages % 2 === 1 && start - page >= LINEAR_START) start -= page;
      end = start + page;
    }
  }
  // Precondition of the kernel: a range that starts in the KFENCE pool stays in it (the early exit
  // tests is_kfence_address(start) only), so such a range is cut at the pool's end.
  const kfence = kfencePoolRange(run);
  if (kfence !== undefined && start >= kfence.start && start < kfence.end && end > kfence.end) end = kfence.end;
  return [start, end];
}

/**
 * Runs one experiment: boot, then every split of the input in order on the same map.
 * @param input - the generated input
 * @param sut - the implementation
 * @param before - an extra observation made just before each split
 * @returns the observations, one per split
 */
export function runSplit(input: SplitInput, sut: SutFactory, before?: (run: JudgedRun) => unknown): SplitOutcome[] {
  const run = new JudgedRun(input.config, sut);
  boot(run);
  const page = BigInt(run.model.geo.pageSize);
  let mapped = run.interp(LINEAR_START, LINEAR_END);
  const aims: { a: SplitAim; turn: number | undefined }[] = [
    { a: input, turn: undefined },
    ...(input.more ?? []).map((a, i) => ({ a, turn: input.run + i + 1 })),
  ];
  const out: SplitOutcome[] = [];
  const earlier: string[] = [];
  let translationBefore = translationOnly(mapped);
  let leavesBefore = leavesIn(run.model, LINEAR_START, LINEAR_END);
  for (const [index, { a, turn }] of aims.entries()) {
    const [start, end] = place(run, mapped, a, turn);
    const gate = splitGate(
      run.config,
      run.phase,
      bootCpuOf(run.config),
      inKfencePool(run, start),
      start % page === 0n && end % page === 0n,
    );
    const extra = before?.(run);
    const call = `split_kernel_leaf_mapping(0x${start.toString(16)}, 0x${end.toString(16)})`;
    const ret = run.run(call, run.ops.split_kernel_leaf_mapping(start, end));
    const leavesAfter = leavesIn(run.model, LINEAR_START, LINEAR_END);
    mapped = run.interp(LINEAR_START, LINEAR_END);
    const translationAfter = translationOnly(mapped);
    out.push({
      run,
      start,
      end,
      ret,
      index,
      earlier: [...earlier],
      leavesBefore,
      leavesAfter,
      translationBefore,
      translationAfter,
      extra,
      gate,
    });
    earlier.push(`${call} = ${ret}`);
    leavesBefore = leavesAfter;
    translationBefore = translationAfter;
  }
  return out;
}
