/**
 * CUSTOMISED, instrumented kernel primitives: every table-entry store, barrier and TLB
 * invalidation goes through the machine primitives, so that each appears as one trace event.
 * Semantics follow arch/arm64/include/asm/{pgtable.h,tlbflush.h,barrier.h,fixmap.h} at v7.1
 * (batched barriers of "arm64/mm: Batch barriers when updating kernel mappings", v6.16).
 *
 * Layer: impl/shims.
 */
import type { DsbDomain, KGen } from '../contract.ts';
import type { Kern, LazyMmuState } from '../kernel.ts';
import { pmd_valid, pte_valid_not_user, pud_valid } from './pgtable.ts';

/** `dsb(dom)` @param k - kernel context @param dom - the domain */
export function* dsb(k: Kern, dom: DsbDomain): KGen<void> {
  yield* k.hw.dsb(dom);
}

/** `isb()` @param k - kernel context */
export function* isb(k: Kern): KGen<void> {
  yield* k.hw.isb();
}

/**
 * `READ_ONCE(*p)` of a table entry; also `pgdp_get`, `p4dp_get`, `pudp_get`, `pmdp_get`,
 * `__ptep_get`.
 * @param k - kernel context
 * @param p - the entry's PA
 * @returns the entry
 */
export function* READ_ONCE(k: Kern, p: bigint): KGen<bigint> {
  return yield* k.hw.readDesc(p);
}

// DEVIATION: lazy MMU state is kept per CPU, not per task, and in_interrupt() is not modelled.
function lazyState(k: Kern): LazyMmuState {
  const cpu = k.hw.currentCpu();
  let st = k.s.lazy.get(cpu);
  if (st === undefined) {
    st = { depth: 0, pending: false };
    k.s.lazy.set(cpu, st);
  }
  return st;
}

/** @param k - kernel context @returns `is_lazy_mmu_mode_active()` on the current CPU */
export function is_lazy_mmu_mode_active(k: Kern): boolean {
  return lazyState(k).depth > 0;
}

/**
 * `emit_pte_barriers()`: `dsb(ishst); isb()`.
 * @param k - kernel context
 * @see arch/arm64/include/asm/pgtable.h: emit_pte_barriers()
 */
export function* emit_pte_barriers(k: Kern): KGen<void> {
  yield* dsb(k, 'ishst');
  yield* isb(k);
}

/**
 * `queue_pte_barriers()`: in lazy MMU mode set `TIF_LAZY_MMU_PENDING`, else emit the barriers.
 * @param k - kernel context
 */
export function* queue_pte_barriers(k: Kern): KGen<void> {
  const st = lazyState(k);
  if (st.depth > 0) st.pending = true;
  else yield* emit_pte_barriers(k);
}

/**
 * `lazy_mmu_mode_enable()` (v6.18: `arch_enter_lazy_mmu_mode()`); nestable.
 * @param k - kernel context
 */
export function lazy_mmu_mode_enable(k: Kern): void {
  const st = lazyState(k);
  st.depth++;
  if (st.depth === 1) k.hw.lazyMmuEnter();
}

/**
 * `lazy_mmu_mode_disable()` (v6.18: `arch_leave_lazy_mmu_mode()`): flushes the barriers that
 * were deferred, then leaves the mode at the outermost level.
 * @param k - kernel context
 */
export function* lazy_mmu_mode_disable(k: Kern): KGen<void> {
  const st = lazyState(k);
  if (st.pending) {
    st.pending = false;
    yield* emit_pte_barriers(k);
  }
  st.depth--;
  if (st.depth === 0) k.hw.lazyMmuLeave();
}

/** `__set_pte_nosync()`: a bare store. @param k - context @param ptep - PA @param pte - value */
export function* __set_pte_nosync(k: Kern, ptep: bigint, pte: bigint): KGen<void> {
  yield* k.hw.writeDesc(ptep, pte);
}

/**
 * `__set_pte()`: store, then queue `dsb(ishst); isb` for a valid kernel entry.
 * @param k - kernel context
 * @param ptep - the entry's PA
 * @param pte - the new value
 */
export function* __set_pte(k: Kern, ptep: bigint, pte: bigint): KGen<void> {
  yield* __set_pte_nosync(k, ptep, pte);
  if (pte_valid_not_user(pte)) yield* queue_pte_barriers(k);
}

/**
 * `in_swapper_pgdir(p)`: whether an entry lies in the top-level table.
 * @param k - kernel context
 * @param p - an entry's PA
 * @returns true for entries of swapper_pg_dir
 */
export function in_swapper_pgdir(k: Kern, p: bigint): boolean {
  return ((p ^ k.hw.rootTable()) & k.g.PAGE_MASK) === 0n;
}

/**
 * `set_swapper_pgd()`. DEVIATION: always the `rodata_is_rw` path (store, `dsb(ishst)`, `isb`);
 * the fixmap/spinlock path after mark_rodata_ro() is not modelled.
 * @param k - kernel context
 * @param pgdp - the entry's PA
 * @param pgd - the new value
 */
export function* set_swapper_pgd(k: Kern, pgdp: bigint, pgd: bigint): KGen<void> {
  yield* k.hw.writeDesc(pgdp, pgd);
  yield* dsb(k, 'ishst');
  yield* isb(k);
}

/** `set_pmd()`: store; queue barriers if valid. @param k - context @param pmdp - PA @param pmd - value */
export function* set_pmd(k: Kern, pmdp: bigint, pmd: bigint): KGen<void> {
  yield* k.hw.writeDesc(pmdp, pmd);
  if (pmd_valid(pmd)) yield* queue_pte_barriers(k);
}

/**
 * `set_pud()`: with the PUD folded onto the PGD (64K) an entry of swapper_pg_dir goes through
 * set_swapper_pgd(); otherwise store and queue barriers if valid.
 * @param k - kernel context
 * @param pudp - the entry's PA
 * @param pud - the new value
 */
export function* set_pud(k: Kern, pudp: bigint, pud: bigint): KGen<void> {
  if (k.g.PUD_FOLDED && in_swapper_pgdir(k, pudp)) {
    yield* set_swapper_pgd(k, pudp, pud);
    return;
  }
  yield* k.hw.writeDesc(pudp, pud);
  if (pud_valid(pud)) yield* queue_pte_barriers(k);
}

/** `set_p4d()`: P4D entries live in swapper_pg_dir (P4D folded). @param k - context @param p4dp - PA @param p4d - value */
export function* set_p4d(k: Kern, p4dp: bigint, p4d: bigint): KGen<void> {
  if (in_swapper_pgdir(k, p4dp)) {
    yield* set_swapper_pgd(k, p4dp, p4d);
    return;
  }
  yield* k.hw.writeDesc(p4dp, p4d);
  yield* queue_pte_barriers(k);
}

/** `__pmd_populate()` @param k - context @param pmdp - PA @param ptep - table PA @param prot - table bits */
export function* __pmd_populate(k: Kern, pmdp: bigint, ptep: bigint, prot: bigint): KGen<void> {
  yield* set_pmd(k, pmdp, ptep | prot);
}

/** `__pud_populate()` @param k - context @param pudp - PA @param pmdp - table PA @param prot - table bits */
export function* __pud_populate(k: Kern, pudp: bigint, pmdp: bigint, prot: bigint): KGen<void> {
  yield* set_pud(k, pudp, pmdp | prot);
}

/** `__p4d_populate()` @param k - context @param p4dp - PA @param pudp - table PA @param prot - table bits */
export function* __p4d_populate(k: Kern, p4dp: bigint, pudp: bigint, prot: bigint): KGen<void> {
  yield* set_p4d(k, p4dp, pudp | prot);
}

/**
 * `pte_set_fixmap()` and friends: install the fixmap slot (a valid kernel PTE outside the modelled
 * tables), so only its barriers appear. DEVIATION: the fixmap PTE store itself is not traced.
 * @param k - kernel context
 */
export function* set_fixmap_barriers(k: Kern): KGen<void> {
  yield* queue_pte_barriers(k);
}

/**
 * `pte_clear_fixmap()` and friends: clear the slot and flush it. DEVIATION: the clear and the
 * `tlbi vaale1is` of the fixmap VA are not traced (outside the modelled tables); the barriers are.
 * @param k - kernel context
 */
export function* clear_fixmap_barriers(k: Kern): KGen<void> {
  yield* dsb(k, 'ishst');
  yield* dsb(k, 'ish');
  yield* isb(k);
}

/**
 * `flush_tlb_all()`: `dsb(ishst); tlbi vmalle1is; dsb(ish); isb`.
 * @param k - kernel context
 * @see arch/arm64/include/asm/tlbflush.h: flush_tlb_all()
 */
export function* flush_tlb_all(k: Kern): KGen<void> {
  yield* dsb(k, 'ishst');
  yield* k.hw.tlbi('vmalle1is');
  yield* dsb(k, 'ish');
  yield* isb(k);
}

/**
 * `local_flush_tlb_all()`: `dsb(nshst); tlbi vmalle1; dsb(nsh); isb`.
 * @param k - kernel context
 * @see arch/arm64/include/asm/tlbflush.h: local_flush_tlb_all()
 */
export function* local_flush_tlb_all(k: Kern): KGen<void> {
  yield* dsb(k, 'nshst');
  yield* k.hw.tlbi('vmalle1');
  yield* dsb(k, 'nsh');
  yield* isb(k);
}

/** `MAX_TLBI_RANGE_PAGES` = `__TLBI_RANGE_PAGES(31, 3)`. */
export const MAX_TLBI_RANGE_PAGES = 32n << 16n;

/**
 * `__flush_tlb_range_limit_excess()`. DEVIATION: `system_supports_tlb_range()` is false
 * (FEAT_TLBIRANGE not modelled), so the limit is `MAX_DVM_OPS` (= `PTRS_PER_PTE`) pages.
 * @param k - kernel context
 * @param start - start VA
 * @param end - end VA
 * @param pages - number of pages
 * @param stride - the stride
 * @returns whether to flush everything instead
 */
export function __flush_tlb_range_limit_excess(
  k: Kern,
  start: bigint,
  end: bigint,
  pages: bigint,
  stride: bigint,
): boolean {
  return end - start >= BigInt(k.g.PTRS_PER_PTE) * stride || pages > MAX_TLBI_RANGE_PAGES;
}

/**
 * `flush_tlb_kernel_range(start, end)`: `dsb(ishst)`; one `tlbi vaale1is` per page; `dsb(ish)`;
 * `isb` — or flush_tlb_all() when the range has `PTRS_PER_PTE` pages or more.
 * @param k - kernel context
 * @param start - start VA
 * @param end - end VA (exclusive)
 * @see arch/arm64/include/asm/tlbflush.h: flush_tlb_kernel_range()
 */
export function* flush_tlb_kernel_range(k: Kern, start: bigint, end: bigint): KGen<void> {
  const stride = k.g.PAGE_SIZE;
  const s = start & ~(stride - 1n);
  const e = (end + stride - 1n) & ~(stride - 1n);
  const pages = (e - s) >> k.g.PAGE_SHIFT;
  if (__flush_tlb_range_limit_excess(k, s, e, pages, stride)) {
    yield* flush_tlb_all(k);
    return;
  }
  yield* dsb(k, 'ishst');
  // DEVIATION: the trace's operand is the VA itself (the kernel encodes VA >> 12 and the ASID).
  for (let addr = s; addr < e; addr += stride) yield* k.hw.tlbi('vaale1is', addr);
  yield* dsb(k, 'ish');
  yield* isb(k);
}

/**
 * `__flush_tlb_kernel_pgtable(kaddr)`: `dsb(ishst); tlbi vaae1is; dsb(ish); isb`.
 * @param k - kernel context
 * @param kaddr - a VA covered by the removed table
 * @see arch/arm64/include/asm/tlbflush.h: __flush_tlb_kernel_pgtable()
 */
export function* __flush_tlb_kernel_pgtable(k: Kern, kaddr: bigint): KGen<void> {
  yield* dsb(k, 'ishst');
  yield* k.hw.tlbi('vaae1is', kaddr);
  yield* dsb(k, 'ish');
  yield* isb(k);
}
