/**
 * The pages a kernel caller owns while its call runs, and whether two calls drawn to run at once
 * may: only when they own disjoint pages. Every caller of `split_kernel_leaf_mapping()` and of
 * the permission-change paths changes memory it owns (its own vmalloc area, the pages it
 * allocated, KFENCE's pool), and nothing in the kernel orders two callers of the same page: the
 * split runs under `pgtable_split_lock`, but `update_range_prot()`'s walk runs after the lock is
 * dropped (`walk_kernel_page_table_range_lockless()`), and `split_pmd()`/`split_pud()` publish
 * the new table with a plain store over the entry they read. Two owners of one page are a bug of
 * the callers, not of the code under test: the harness runs such a pair one after the other, as
 * the callers' own locking would.
 *
 * A bare split owns its range like any other call: the kernel splits only the boundaries of a
 * range its caller is about to change (`__change_memory_common()`, `arch_kfence_init_pool()`).
 * Two calls that change tables only under `pgtable_split_lock` (a split, a late KFENCE init's
 * `range_split_to_ptes()`) are ordered by the lock whatever they own, and interleave: their race
 * at the lock and at a shared boundary is the kernel's own (two callers of adjacent ranges split
 * the same leaf).
 *
 * Layer: properties/ops.
 * @see ../shared/spec/kernel-split-repaint.md §8 invariant 20 ("permission walks are lockless and
 *   assume each caller owns its page range exclusively and ranges of concurrent callers are
 *   disjoint"), §6.2
 * @see arch/arm64/mm/pageattr.c: update_range_prot(), __change_memory_common();
 *   arch/arm64/mm/mmu.c: split_kernel_leaf_mapping(), split_pmd(), split_pud()
 */
import type { JudgedRun } from '../harness/judgedRun.ts';
import { KFENCE_POOL_PAGES } from '../kernel/kfencePool.ts';
import type { Intent } from './resolve.ts';
import { linearVa } from './resolve.ts';

/** A VA range `[start, end)`. */
export interface VaRange {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * The VAs a call's caller owns: every VA it asks about and the linear alias of every page behind
 * them (the caller owns the physical page, whichever of its mappings it changes).
 * @param run - the judged run
 * @param it - the resolved call
 * @returns the ranges, possibly overlapping
 */
export function ownedRanges(run: JudgedRun, it: Intent): VaRange[] {
  const page = BigInt(run.model.geo.pageSize);
  const pagesFrom = (start: bigint, n: bigint): VaRange => ({ start, end: start + n * page });
  switch (it.kind) {
    case 'split':
      return [{ start: it.start, end: it.end }];
    case 'set_memory': {
      const asked = it.pages.slice(it.from, it.from + it.n);
      return [
        pagesFrom(it.area + BigInt(it.from) * page, BigInt(it.n)),
        ...asked.map((pa) => pagesFrom(linearVa(run, pa), 1n)),
      ];
    }
    case 'set_memory_valid':
      return [pagesFrom(it.addr, BigInt(it.n))];
    case 'direct_map':
      return [pagesFrom(linearVa(run, it.pa), BigInt(it.nr))];
    case 'kfence_late': {
      // The pool's pages are handed to KFENCE by this call: nobody else may hold them meanwhile.
      const pa = run.config.memblock.kfence_pool;
      return pa === undefined ? [] : [pagesFrom(linearVa(run, pa), BigInt(KFENCE_POOL_PAGES))];
    }
    case 'none':
      return [];
  }
}

/**
 * Whether a call changes the tables only under `pgtable_split_lock`.
 * @param it - the resolved call
 * @returns true for a split and a late KFENCE init
 * @see arch/arm64/mm/mmu.c: split_kernel_leaf_mapping(), arch_kfence_init_pool()
 */
export function onlyUnderSplitLock(it: Intent): boolean {
  return it.kind === 'split' || it.kind === 'kfence_late';
}

/**
 * Whether two calls drawn to run at once would be run one after the other by their callers: they
 * own a common page and not both of them change the tables only under `pgtable_split_lock`.
 * @param run - the judged run
 * @param a - one resolved call
 * @param b - the other
 * @returns whether they must run one after the other
 */
export function callersSerialise(run: JudgedRun, a: Intent, b: Intent): boolean {
  return !(onlyUnderSplitLock(a) && onlyUnderSplitLock(b)) && shareOwnedPage(run, a, b);
}

/**
 * Whether two calls own a common page.
 * @param run - the judged run
 * @param a - one resolved call
 * @param b - the other
 * @returns whether a page is in both calls' ranges
 */
export function shareOwnedPage(run: JudgedRun, a: Intent, b: Intent): boolean {
  const ra = ownedRanges(run, a);
  const rb = ownedRanges(run, b);
  return ra.some((x) => rb.some((y) => x.start < y.end && y.start < x.end));
}
