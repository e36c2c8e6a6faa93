/**
 * The named scopes of `bbm-verify explore --scope NAME`: small worlds that each reach one part of
 * the kernel code in every way up to their bounds.
 * - `tiny`: two BBML2-noabort CPUs, a 32 MiB contiguous PMD group and a 2 MiB PMD block; a
 *   one-page split in the middle of the block (split_pmd(), then split_contpte()) and a one-page
 *   invalidation at the start of the group (split_contpmd(), split_pmd(), pageattr), two
 *   operations, alone or interleaved with one preemption — the smoke test of the engine.
 * - `split-pud`: a 1 GiB PUD block (4K); a split of [128M, 130M) inside it (split_pud(), then
 *   split_contpmd() at its end) and a one-page split at its start (split_pud(), split_pmd(),
 *   split_contpte()), two operations, alone or interleaved with one preemption.
 * - `repaint-2cpu`: a boot CPU with BBML2-noabort and an early secondary without (BBM level 0),
 *   tiny's layout (a contiguous PMD group, a PMD block, the kernel alias):
 *   every interleaving of the two inside the finalisation's stop_machine() (the repaint,
 *   mmu.c linear_map_split_to_ptes(): the secondary parks, the boot CPU waits for it, splits,
 *   releases it) up to two preemptions, then a split on the system without the capability.
 * - `split-shapes`: tiny's layout, sequences of two splits by one caller: both ends on a PMD
 *   edge inside the contiguous PMD group (split_contpmd(), the PMD_SIZE exit), one page in the PMD
 *   block (split_pmd(), split_contpte()), 17 pages of it ending inside a contiguous PTE group
 *   (both ends split; after the one-page split, split_contpte() alone) — the split-only claims (explore/splitClaims.ts).
 * - `split-gate`: v7.1 with rodata=noalias: the linear map in blocks that nobody may split; a
 *   one-page split must return 0 without touching a table (split_kernel_leaf_mapping()'s
 *   `!linear_map_requires_bbml2` exit, f12b435de2f2).
 * - `kfence-early`: an early KFENCE pool (map_mem() maps it by pages): kfence_protect_page() from
 *   atomic context, up to two calls.
 * - `kfence-late`: a late KFENCE pool in the PMD block: kfence_init_late() (arch_kfence_init_pool()
 *   splits the pool to pages), then kfence_protect_page() from atomic context, up to three calls.
 * - `pageattr-race`: permission changes (pageattr.c, rodata=full: the vmalloc area and the
 *   linear alias) of two pages of one PMD block — one page of a two-page area, and a one-page
 *   area — interleaved with one preemption; the block made invalid whole, then valid whole or
 *   one page valid again.
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
/** A CPU without BBML2. */
const PLAIN = (id: number): CpuSpec => ({ id, bbm: 0, noabort: false });

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
      '4K, 2 CPUs with BBML2-noabort, a 1 GiB PUD block; splits at PMD boundaries inside it and at a page boundary, 2 operations, 1 preemption',
    // Leaf 0 is the PUD block (shapes largest first, properties/ops/targets.ts).
    config: config(withPud(bank(40n * M, 32n * M)), [NOABORT(0), NOABORT(1)]),
    lateMask: 0,
    // 125‰ of the block's 262144 pages is 128 MiB in: [128M, 130M) has both ends on a PMD edge,
    // the end inside a contiguous PMD group of the new table (split_pud(), then split_contpmd()
    // at the end; targets resolve ‰ to whole pages, so 2‰ would be 2 MiB + 48 KiB, no PMD edge).
    // One page at 0‰ ends inside the first PMD (split_pud(), split_pmd(), split_contpte()).
    ops: [split(0, 125, 512), split(0, 0, 1)],
    maxOps: 2,
    maxPreemptions: 1,
    pairs: true,
    everyCpu: false,
    exploreFinal: false,
  },
  {
    name: 'repaint-2cpu',
    description:
      '4K, a boot CPU with BBML2-noabort and an early secondary without, a contiguous PMD group and a PMD block: every interleaving of the two inside the repaint stop_machine(), 2 preemptions; then a split',
    config: config(bank(40n * M, 32n * M), [NOABORT(0), PLAIN(1)]),
    lateMask: 0,
    // After the boot, one split of a page inside the kernel alias [32M, 34M), the one block the
    // repaint keeps (mapped run 1 of the repainted linear map, properties/ops/resolve.ts): on a
    // system without the capability the kernel returns 0 without touching a table
    // (mmu.c split_kernel_leaf_mapping()).
    ops: [{ kind: 'split', run: 1, at: 500, pages: 1 }],
    maxOps: 1,
    maxPreemptions: 2,
    pairs: false,
    everyCpu: false,
    exploreFinal: true,
  },
  {
    name: 'prealloc',
    description:
      "4K prealloc with PREEMPT_RT, a boot CPU with BBML2-noabort and an early secondary without, tiny's layout: every interleaving of the two inside the repaint stop_machine() with the tables allocated before it, 2 preemptions",
    config: { ...config(bank(40n * M, 32n * M), [NOABORT(0), PLAIN(1)]), variant: 'prealloc', preempt_rt: true },
    lateMask: 0,
    // The finalisation alone: linear_map_prealloc_split_pgtables() counts and allocates, the
    // stop_machine() callback splits from the pool, linear_map_free_split_pgtables() frees the
    // rest (repaint.prealloc-suffices after it, explore/bootChecks.ts).
    ops: [],
    maxOps: 0,
    maxPreemptions: 2,
    pairs: false,
    everyCpu: false,
    exploreFinal: true,
  },
  {
    name: 'prealloc-pud',
    description:
      "4K prealloc with PREEMPT_RT, a boot CPU with BBML2-noabort and an early secondary without, tiny's layout and a 1 GiB PUD block: every interleaving of the two inside the repaint stop_machine() with the tables counted and allocated before it, 2 preemptions",
    config: {
      ...config(withPud(bank(40n * M, 32n * M)), [NOABORT(0), PLAIN(1)]),
      variant: 'prealloc',
      preempt_rt: true,
    },
    lateMask: 0,
    // The count must include the PTE tables of the 512 PMD blocks split_pud() makes. Each node
    // replays a repaint of 262144 PTEs (about 6 s of CPU); the driver's reduction leaves one
    // (the secondary parks and spins while the boot CPU repaints: explore/stepper.ts).
    ops: [],
    maxOps: 0,
    maxPreemptions: 2,
    pairs: false,
    everyCpu: false,
    exploreFinal: true,
  },
  {
    name: 'boot-nomap',
    description:
      "4K, 2 CPUs with BBML2-noabort, tiny's layout with a NOMAP page in the PMD block (map_mem() maps around it); a split of the page before the hole, an invalidation of the page after it, 2 operations, 1 preemption",
    // One firmware page at 39 MiB into the bank: [38M, 40M) is mapped by contiguous PTE groups
    // but the group holding the hole, which is 15 plain PTEs (boot.linear-map-complete after
    // map_mem(), explore/bootChecks.ts).
    config: config({ ...bank(40n * M, 32n * M), nomap: [{ base: G + 39n * M, size: 0x1000n }] }, [
      NOABORT(0),
      NOABORT(1),
    ]),
    lateMask: 0,
    // Target leaves (properties/ops/targets.ts): shapes largest first — 0 the contiguous PMD
    // group, 1 the contiguous PTE groups, 2 the plain PTEs — member `leaf div 3`. Leaf 46 is the
    // 16th group, [39M - 64K, 39M): its last page ends at the hole (split_contpte()). Leaf 2 is
    // the first plain PTE, the page after the hole.
    ops: [
      split(46, 999, 1),
      { kind: 'direct_map', which: 'invalid', page: 0, target: { leaf: 2, at: 0, whole: false } },
    ],
    maxOps: 2,
    maxPreemptions: 1,
    pairs: true,
    everyCpu: false,
    exploreFinal: false,
  },
  {
    name: 'split-shapes',
    description:
      "4K, 2 CPUs with BBML2-noabort, tiny's layout; sequences of splits at the leaf shapes (a PMD edge inside the contiguous PMD group, one page in the PMD block, 17 pages ending inside a contiguous PTE group), 2 splits, each also with its table allocation failing",
    config: config(bank(40n * M, 32n * M), [NOABORT(0), NOABORT(1)]),
    lateMask: 0,
    // Leaf 0 is the contiguous PMD group [0, 32M), leaf 1 the PMD block [38M, 40M).
    ops: [
      // 125‰ of 8192 pages is 4M in: [4M, 6M), both ends on a PMD edge inside the group
      // (split_contpmd() at each end, then the PMD_SIZE exit; the PMD inside is kept).
      split(0, 125, 512),
      // Page 256 of the block: split_pmd() to contiguous PTE groups, then split_contpte() at the
      // less aligned end (the single-page shortcut, a166563e7ec3).
      split(1, 500, 1),
      // Pages [384, 401) of the same block: the start on a contiguous PTE group's edge, the end
      // inside the next group (both ends split: split_kernel_leaf_mapping() chains them); after
      // the split above, split_contpte() alone on a group of the table it left.
      split(1, 750, 17),
    ],
    maxOps: 2,
    maxPreemptions: 0,
    // One caller, as the split properties' input (explore/splitClaims.ts).
    pairs: false,
    everyCpu: false,
    exploreFinal: false,
    // Each split also with its first table allocation failing (-ENOMEM: nothing damaged, the
    // answers experiment's check; split_pmd() allocates the PTE table first).
    failAllocations: 1,
  },
  {
    name: 'split-gate',
    description:
      "4K v7.1, rodata=noalias (the linear map in blocks, no split allowed), 2 CPUs with BBML2-noabort, tiny's layout; a one-page split of the PMD block",
    config: { ...config(bank(40n * M, 32n * M), [NOABORT(0), NOABORT(1)]), variant: 'v7.1', rodata: 'noalias' },
    lateMask: 0,
    // The kernel returns 0 at once (!linear_map_requires_bbml2: can_set_direct_map() is false).
    ops: [split(1, 500, 1)],
    maxOps: 1,
    maxPreemptions: 0,
    pairs: false,
    everyCpu: false,
    exploreFinal: false,
  },
  {
    name: 'kfence-early',
    description:
      "4K, 2 CPUs with BBML2-noabort, tiny's layout with an early KFENCE pool (memblock, mapped by pages at boot); the pool's first page protected and unprotected from atomic context, 2 operations",
    config: {
      ...config({ ...bank(40n * M, 32n * M), kfence_pool: G + 38n * M }, [NOABORT(0), NOABORT(1)]),
      kfence: 'early',
    },
    lateMask: 0,
    ops: [
      { kind: 'kfence_protect', page: 0, protect: true },
      { kind: 'kfence_protect', page: 0, protect: false },
    ],
    maxOps: 2,
    maxPreemptions: 0,
    pairs: false,
    everyCpu: false,
    exploreFinal: false,
  },
  {
    name: 'kfence-late',
    description:
      "4K, 2 CPUs with BBML2-noabort, tiny's layout with a late KFENCE pool in the PMD block; kfence_init_late(), then the pool's first page protected and unprotected from atomic context, 3 operations",
    // The late pool (2 MiB, from the page allocator) is the PMD block [38M, 40M) of the bank.
    config: {
      ...config({ ...bank(40n * M, 32n * M), kfence_pool: G + 38n * M }, [NOABORT(0), NOABORT(1)]),
      kfence: 'late',
    },
    lateMask: 0,
    // arch_kfence_init_pool() splits the pool to pages (ce2b3a50ad92); kfence_protect_page() is
    // set_memory_valid(page, 1, …) from softirq: split_kernel_leaf_mapping() returns at once
    // (is_kfence_address()), no mutex, no allocation.
    ops: [
      { kind: 'kfence_late' },
      { kind: 'kfence_protect', page: 0, protect: true },
      { kind: 'kfence_protect', page: 0, protect: false },
    ],
    maxOps: 3,
    maxPreemptions: 0,
    pairs: false,
    everyCpu: false,
    exploreFinal: false,
  },
  {
    name: 'pageattr-race',
    description:
      '4K, 2 CPUs with BBML2-noabort, a PMD block; permission changes of vmalloc areas of its pages (raced) and validity changes of the block (whole, one page), 2 operations, 1 preemption',
    config: config(bank(40n * M, 32n * M), [NOABORT(0), NOABORT(1)]),
    lateMask: 0,
    // Leaf 1 is the PMD block (leaf 0 the contiguous PMD group).
    ops: [
      // The first page of a two-page area: its alias changes, the other page's does not.
      { kind: 'set_memory', which: 'ro', pages: [0, 2], leaf: 1, from: 0, n: 1 },
      { kind: 'set_memory', which: 'nx', pages: [1], leaf: 1 },
      { kind: 'set_memory_valid', page: 0, n: 1, enable: false, target: { leaf: 1, at: 0, whole: true } },
      { kind: 'set_memory_valid', page: 0, n: 1, enable: true, target: { leaf: 1, at: 500, whole: false } },
      { kind: 'set_memory_valid', page: 0, n: 1, enable: true, target: { leaf: 1, at: 0, whole: true } },
    ],
    maxOps: 2,
    maxPreemptions: 1,
    pairs: true,
    // The two permission changes race (distinct pages of one block: the alias split, then the
    // lockless pageattr walk over one PTE table); the validity changes come in sequences.
    pairOps: [0, 1],
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
