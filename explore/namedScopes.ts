/**
 * The named scopes of `bbm-verify explore --scope NAME`: small worlds that each reach one part of
 * the kernel code in every way up to their bounds.
 * - `tiny`: two BBML2-noabort CPUs, a 32 MiB contiguous PMD group and a PMD block; splits at an
 *   aligned and an unaligned boundary and a single-page invalidation, two operations, one
 *   preemption — the smoke test of the engine, exhausted in seconds.
 * - `split-pud`: a 1 GiB PUD block (4K), splits at PUD-, PMD- and page-aligned boundaries.
 * - `repaint-2cpu`: a boot CPU with BBML2-noabort and an early secondary without: every
 *   interleaving of the two CPUs inside the finalisation's stop_machine() (the repaint,
 *   mmu.c linear_map_split_to_ptes()) up to two preemptions.
 * - `pageattr-race`: permission and validity changes (pageattr.c) on pages of the same block,
 *   interleaved on two CPUs.
 *
 * Layer: explore.
 */
import type { CpuSpec, MemblockLayout, SutConfig } from '../impl/index.ts';
import type { Op } from '../properties/ops/ops.ts';
import type { Scope } from './scope.ts';

const M = 1n << 20n;
const G = 1n << 30n;

/** A CPU with BBML2 and no conflict aborts. */
const NOABORT = (id: number): CpuSpec => ({ id, bbm: 2, noabort: true });

/**
 * A second bank of 1 GiB at 2 GiB: one PUD block at 4K.
 * @param layout - the first bank's layout
 * @returns the layout with the PUD bank
 */
function withPud(layout: MemblockLayout): MemblockLayout {
  return { ...layout, banks: [...layout.banks, { base: 2n * G, size: G }] };
}

/**
 * One bank at 1 GiB with the kernel image (6 MiB) at `k` into it.
 * @param size - bank size
 * @param k - offset of the image (2 MiB aligned)
 * @returns the layout
 */
function bank(size: bigint, k: bigint): MemblockLayout {
  const text = G + k;
  return {
    banks: [{ base: G, size }],
    kernel: { text, stext: text, init_begin: text + 2n * M, init_end: text + 4n * M, end: text + 6n * M },
  };
}

/**
 * A 4K configuration (v7.2-rc, rodata=full, no KFENCE).
 * @param memblock - the layout
 * @param cpus - the CPUs
 * @returns the configuration
 */
function config(memblock: MemblockLayout, cpus: readonly CpuSpec[]): SutConfig {
  return {
    granule: '4K',
    variant: 'v7.2-rc',
    preempt_rt: false,
    rodata: 'full',
    debug_pagealloc: false,
    kfence: 'off',
    realm: false,
    memblock,
    cpus: [...cpus],
  };
}

/** A split of `pages` pages at `at`‰ into target leaf `leaf` (properties/ops/targets.ts). */
const split = (leaf: number, at: number, pages: number): Op => ({
  kind: 'split',
  run: 0,
  at: 0,
  pages,
  target: { leaf, at, whole: false },
});

/** The named scopes. */
export const NAMED_SCOPES: readonly Scope[] = [
  {
    name: 'tiny',
    description:
      '4K, 2 CPUs with BBML2-noabort, a contiguous PMD group (32 MiB) and a PMD block; 2 operations, 1 preemption',
    // Leaves outside the kernel image: leaf 0 the contiguous PMD group, leaf 1 the PMD block.
    config: config(bank(40n * M, 32n * M), [NOABORT(0), NOABORT(1)]),
    lateMask: 0,
    ops: [
      split(1, 500, 1),
      { kind: 'direct_map', which: 'invalid', page: 0, target: { leaf: 0, at: 0, whole: false } },
    ],
    maxOps: 2,
    maxPreemptions: 1,
    pairs: true,
    everyCpu: false,
    exploreFinal: false,
  },
  {
    name: 'split-pud',
    description:
      '4K, 2 CPUs with BBML2-noabort, a 1 GiB PUD block; splits at a PMD boundary inside it and at a page boundary, 2 operations, 1 preemption',
    // Leaf 0 is the PUD block (shapes largest first, properties/ops/targets.ts).
    config: config(withPud(bank(40n * M, 32n * M)), [NOABORT(0), NOABORT(1)]),
    lateMask: 0,
    // 2‰ of 1 GiB is 2 MiB in: [2M, 4M) is PMD aligned (split_pud() alone); one page at 0‰ ends
    // inside the first PMD (split_pud(), split_pmd(), split_contpte()).
    ops: [split(0, 2, 512), split(0, 0, 1)],
    maxOps: 2,
    maxPreemptions: 1,
    pairs: true,
    everyCpu: false,
    exploreFinal: false,
  },
];

/**
 * A named scope.
 * @param name - its name
 * @returns the scope, or undefined
 */
export function namedScope(name: string): Scope | undefined {
  return NAMED_SCOPES.find((s) => s.name === name);
}
