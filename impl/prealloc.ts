/**
 * The `prealloc` variant: the proposed PREEMPT_RT series "arm64: mmu: avoid allocating pages
 * while splitting the linear mapping" (Yeoreum Yun, v5, Jan 2026; not merged). Before
 * stop_machine() it counts the tables the repaint will need, allocates them in process context
 * with GFP_PGTABLE_KERNEL, and the split takes pages from that pool instead of the allocator.
 * Names follow the parts quoted in review (linear_map_prealloc_split_pgtables(),
 * collect_to_split_pud_entry(), collect_to_split_pmd_entry(), split_pgtables_count).
 *
 * DEVIATION: one pool per table level (PMD tables, PTE tables) instead of one array of pages,
 * because a trace's `alloc` event names the level; pool exhaustion returns -ENOMEM (→ the same
 * panic), which the series' text did not show; the variant always pre-allocates (review suggested
 * PREEMPT_RT only); the count may over-estimate, leftovers are freed.
 *
 * Layer: impl (the port).
 */
import type { KGen } from './contract.ts';
import { __phys_to_virt } from './kernel.ts';
import type { Kern } from './kernel.ts';
import { ACTION_CONTINUE, walk_kernel_page_table_range_lockless } from './pagewalk.ts';
import type { mm_walk, mm_walk_ops } from './pagewalk.ts';
import { READ_ONCE } from './shims/custom.ts';
import { ENOMEM, PAGE_END, PAGE_OFFSET } from './shims/dup.ts';
import { pmd_leaf, pud_leaf } from './shims/pgtable.ts';

/** `split_pgtables_count`, split by level. */
export interface split_pgtables_count {
  pmd: number;
  pte: number;
}

/**
 * `collect_to_split_pud_entry()`: a PUD leaf needs one PMD table and, once split, one PTE table
 * per PMD block.
 * @param k - kernel context
 * @param pudp - the entry
 * @param _addr - start of its span
 * @param _next - end of its span
 * @param walk - the walk (private: the counts)
 * @returns 0
 */
export function* collect_to_split_pud_entry(
  k: Kern,
  pudp: bigint,
  _addr: bigint,
  _next: bigint,
  walk: mm_walk<split_pgtables_count>,
): KGen<number> {
  if (pud_leaf(yield* READ_ONCE(k, pudp))) {
    walk.private.pmd += 1;
    walk.private.pte += k.g.PTRS_PER_PMD;
    walk.action = ACTION_CONTINUE;
  }
  return 0;
}

/**
 * `collect_to_split_pmd_entry()`: a PMD leaf needs one PTE table.
 * @param k - kernel context
 * @param pmdp - the entry
 * @param _addr - start of its span
 * @param _next - end of its span
 * @param walk - the walk (private: the counts)
 * @returns 0
 */
export function* collect_to_split_pmd_entry(
  k: Kern,
  pmdp: bigint,
  _addr: bigint,
  _next: bigint,
  walk: mm_walk<split_pgtables_count>,
): KGen<number> {
  if (pmd_leaf(yield* READ_ONCE(k, pmdp))) {
    walk.private.pte += 1;
    walk.action = ACTION_CONTINUE;
  }
  return 0;
}

/** `collect_to_split_ops` */
export const collect_to_split_ops: mm_walk_ops<split_pgtables_count> = {
  pud_entry: collect_to_split_pud_entry,
  pmd_entry: collect_to_split_pmd_entry,
};

/**
 * `linear_map_prealloc_split_pgtables()`: count over `[lstart, kstart)` and `[kend, lend)`, then
 * allocate that many tables (process context) and install them as the split's pool.
 * @param k - kernel context
 * @returns 0 or -ENOMEM (everything allocated so far is freed again)
 */
export function* linear_map_prealloc_split_pgtables(k: Kern): KGen<number> {
  const count: split_pgtables_count = { pmd: 0, pte: 0 };
  const kstart = __phys_to_virt(k, k.cfg.memblock.kernel.stext);
  const kend = __phys_to_virt(k, k.cfg.memblock.kernel.init_begin);
  let ret = yield* walk_kernel_page_table_range_lockless(k, PAGE_OFFSET, kstart, k.fn.collect_to_split_ops, count);
  if (!ret) ret = yield* walk_kernel_page_table_range_lockless(k, kend, PAGE_END, k.fn.collect_to_split_ops, count);
  if (ret) return ret;
  const pool = new Map<number, bigint[]>([
    [2, []],
    [3, []],
  ]);
  k.s.split_pgtables = pool;
  for (const [level, n] of [
    [2, count.pmd],
    [3, count.pte],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const pa = yield* k.hw.allocTable(level, 'GFP_PGTABLE_KERNEL', 'process');
      if (pa === null) {
        yield* linear_map_free_split_pgtables(k);
        return -ENOMEM;
      }
      pool.get(level)?.push(pa);
    }
  }
  return 0;
}

/**
 * Frees the tables the repaint did not use and uninstalls the pool.
 * @param k - kernel context
 */
export function* linear_map_free_split_pgtables(k: Kern): KGen<void> {
  const pool = k.s.split_pgtables;
  k.s.split_pgtables = null;
  if (pool === null) return;
  for (const pages of pool.values()) for (const pa of pages) yield* k.hw.freeTable(pa);
}
