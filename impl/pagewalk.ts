/**
 * Port of the generic page-table walker of mm/pagewalk.c as used by arm64 on kernel tables:
 * walk_kernel_page_table_range_lockless() → walk_pgd_range() → walk_p4d_range() →
 * walk_pud_range() → walk_pmd_range() → walk_pte_range(), with ACTION_SUBTREE / CONTINUE / AGAIN.
 * Only what a walk without a VMA does (no install_pte, no hugetlb).
 *
 * Layer: impl (the port).
 */
import type { KGen } from './contract.ts';
import type { Kern } from './kernel.ts';
import { READ_ONCE } from './shims/custom.ts';
import { EINVAL } from './shims/dup.ts';
import { p4d_offset, pgd_offset_k, pmd_offset, pte_offset_kernel, pud_offset } from './shims/offsets.ts';
import {
  p4d_bad,
  p4d_none,
  pgd_addr_end,
  pmd_addr_end,
  pmd_leaf,
  pmd_none,
  pmd_present,
  pud_addr_end,
  pud_leaf,
  pud_none,
  pud_present,
} from './shims/pgtable.ts';

/** Descend into the entry's table (the default). */
export const ACTION_SUBTREE = 0;
/** Skip the entry's subtree. */
export const ACTION_CONTINUE = 1;
/** Call the callback for the entry again. */
export const ACTION_AGAIN = 2;

/** One level's callback: the entry's PA, its VA span, the walk. @returns 0 or an error */
export type walk_entry_fn<P> = (k: Kern, p: bigint, addr: bigint, next: bigint, walk: mm_walk<P>) => KGen<number>;

/** `struct mm_walk_ops` (the callbacks arm64 uses). */
export interface mm_walk_ops<P> {
  readonly pud_entry?: walk_entry_fn<P>;
  readonly pmd_entry?: walk_entry_fn<P>;
  readonly pte_entry?: walk_entry_fn<P>;
  readonly pte_hole?: (k: Kern, addr: bigint, next: bigint, depth: number, walk: mm_walk<P>) => KGen<number>;
}

/** `struct mm_walk` */
export interface mm_walk<P> {
  readonly ops: mm_walk_ops<P>;
  readonly private: P;
  action: number;
}

function* hole<P>(k: Kern, addr: bigint, next: bigint, depth: number, walk: mm_walk<P>): KGen<number> {
  return walk.ops.pte_hole === undefined ? 0 : yield* walk.ops.pte_hole(k, addr, next, depth, walk);
}

function* walk_pte_range<P>(k: Kern, pmdp: bigint, addr: bigint, end: bigint, walk: mm_walk<P>): KGen<number> {
  let ptep = yield* pte_offset_kernel(k, pmdp, addr);
  let a = addr;
  const fn = walk.ops.pte_entry;
  if (fn === undefined) return 0;
  for (;;) {
    const err = yield* fn(k, ptep, a, a + k.g.PAGE_SIZE, walk);
    if (err) return err;
    if (a >= end - k.g.PAGE_SIZE) return 0;
    a += k.g.PAGE_SIZE;
    ptep += 8n;
  }
}

function* walk_pmd_range<P>(k: Kern, pudp: bigint, addr: bigint, end: bigint, walk: mm_walk<P>): KGen<number> {
  let pmdp = yield* pmd_offset(k, pudp, addr);
  let a = addr;
  const has_handler = walk.ops.pte_entry !== undefined;
  for (;;) {
    const next = pmd_addr_end(k.g, a, end);
    let again = true;
    while (again) {
      again = false;
      if (pmd_none(yield* READ_ONCE(k, pmdp))) {
        const err = yield* hole(k, a, next, 3, walk);
        if (err) return err;
        break;
      }
      walk.action = ACTION_SUBTREE;
      if (walk.ops.pmd_entry !== undefined) {
        const err = yield* walk.ops.pmd_entry(k, pmdp, a, next, walk);
        if (err) return err;
      }
      if (walk.action === ACTION_AGAIN) {
        again = true;
        continue;
      }
      if (walk.action === ACTION_CONTINUE || !has_handler) break;
      const pmd = yield* READ_ONCE(k, pmdp);
      if (pmd_leaf(pmd) || !pmd_present(pmd)) break;
      const err = yield* walk_pte_range(k, pmdp, a, next, walk);
      if (err) return err;
      if (walk.action === ACTION_AGAIN) again = true;
    }
    pmdp += 8n;
    a = next;
    if (a === end) return 0;
  }
}

function* walk_pud_range<P>(k: Kern, p4dp: bigint, addr: bigint, end: bigint, walk: mm_walk<P>): KGen<number> {
  let pudp = yield* pud_offset(k, p4dp, addr);
  let a = addr;
  const has_handler = walk.ops.pmd_entry !== undefined || walk.ops.pte_entry !== undefined;
  for (;;) {
    const next = pud_addr_end(k.g, a, end);
    let again = true;
    while (again) {
      again = false;
      if (pud_none(yield* READ_ONCE(k, pudp))) {
        const err = yield* hole(k, a, next, 2, walk);
        if (err) return err;
        break;
      }
      walk.action = ACTION_SUBTREE;
      if (walk.ops.pud_entry !== undefined) {
        const err = yield* walk.ops.pud_entry(k, pudp, a, next, walk);
        if (err) return err;
      }
      if (walk.action === ACTION_AGAIN) {
        again = true;
        continue;
      }
      if (walk.action === ACTION_CONTINUE || !has_handler) break;
      const pud = yield* READ_ONCE(k, pudp);
      if (pud_leaf(pud) || !pud_present(pud)) break;
      const err = yield* walk_pmd_range(k, pudp, a, next, walk);
      if (err) return err;
    }
    pudp += 8n;
    a = next;
    if (a === end) return 0;
  }
}

function* walk_p4d_range<P>(k: Kern, pgdp: bigint, addr: bigint, end: bigint, walk: mm_walk<P>): KGen<number> {
  const p4dp = p4d_offset(k, pgdp, addr);
  if (!k.g.PUD_FOLDED) {
    const p4d = yield* READ_ONCE(k, p4dp);
    if (p4d_none(k.g, p4d)) return yield* hole(k, addr, end, 1, walk);
    if (p4d_bad(k.g, p4d)) {
      k.hw.warn('walk_p4d_range: p4d_bad');
      yield* k.hw.writeDesc(p4dp, 0n);
      return yield* hole(k, addr, end, 1, walk);
    }
  }
  return yield* walk_pud_range(k, p4dp, addr, end, walk);
}

/**
 * `walk_kernel_page_table_range_lockless(start, end, ops, NULL, private)`: walk init_mm's tables
 * without taking any lock (the caller owns the range).
 * @param k - kernel context
 * @param start - start VA
 * @param end - end VA (exclusive)
 * @param ops - the callbacks
 * @param priv - `walk->private`
 * @returns 0, -EINVAL, or the first callback error
 * @see mm/pagewalk.c: walk_kernel_page_table_range_lockless()
 */
export function* walk_kernel_page_table_range_lockless<P>(
  k: Kern,
  start: bigint,
  end: bigint,
  ops: mm_walk_ops<P>,
  priv: P,
): KGen<number> {
  if (start >= end) return -EINVAL;
  const walk: mm_walk<P> = { ops, private: priv, action: ACTION_SUBTREE };
  let pgdp = pgd_offset_k(k, start);
  let a = start;
  do {
    const next = pgd_addr_end(k.g, a, end);
    const err = yield* walk_p4d_range(k, pgdp, a, next, walk);
    if (err) return err;
    pgdp += 8n;
    a = next;
  } while (a !== end);
  return 0;
}
