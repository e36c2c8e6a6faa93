/**
 * Port of arch/arm64/mm/pageattr.c (v7.1; v6.18 differences where the configuration says so):
 * the permission walk on block, cont and page entries, update_range_prot(),
 * __change_memory_common(), change_memory_common(), set_memory_*(), set_direct_map_*_noflush(),
 * kernel_page_present().
 *
 * Layer: impl (the port).
 */
import type { KGen } from './contract.ts';
import { __phys_to_virt, VM_ALLOC, VM_ALLOW_HUGE_VMAP } from './kernel.ts';
import type { Kern, vm_struct } from './kernel.ts';
import { ACTION_CONTINUE, walk_kernel_page_table_range_lockless } from './pagewalk.ts';
import type { mm_walk, mm_walk_ops } from './pagewalk.ts';
import {
  flush_tlb_kernel_range,
  lazy_mmu_mode_disable,
  lazy_mmu_mode_enable,
  READ_ONCE,
  __set_pte,
  set_pmd,
  set_pud,
} from './shims/custom.ts';
import {
  EINVAL,
  PTE_MAYBE_GP,
  PTE_PRESENT_INVALID,
  PTE_PRESENT_VALID_KERNEL,
  PTE_PXN,
  PTE_RDONLY,
  PTE_VALID,
  PTE_WRITE,
} from './shims/dup.ts';
import { p4d_offset, pgd_offset_k, pmd_offset, pte_offset_kernel, pud_offset } from './shims/offsets.ts';
import {
  p4d_none,
  pmd_leaf,
  pmd_none,
  pmd_sect,
  pmd_valid,
  pte_valid,
  pud_leaf,
  pud_none,
  pud_sect,
  pud_valid,
} from './shims/pgtable.ts';
import { WARN_ON_ONCE } from './shims/stubs.ts';
import { arm64_kfence_can_set_direct_map } from './mmu-split.ts';

/** `struct page_change_data` */
export interface page_change_data {
  readonly set_mask: bigint;
  readonly clear_mask: bigint;
}

/**
 * `set_pageattr_masks(val, walk)`: clear first, then set (PTE_NG and PTE_PRESENT_INVALID alias).
 * @param val - a descriptor
 * @param walk - the walk (private: the masks)
 * @returns the new descriptor
 */
export function set_pageattr_masks(val: bigint, walk: mm_walk<page_change_data>): bigint {
  return (val & ~walk.private.clear_mask) | walk.private.set_mask;
}

const is_leaf = (k: Kern, v: bigint, level: 'pud' | 'pmd'): boolean =>
  k.cfg.variant === 'v6.18'
    ? level === 'pud'
      ? pud_sect(v)
      : pmd_sect(v)
    : level === 'pud'
      ? pud_leaf(v)
      : pmd_leaf(v);

/**
 * `pageattr_pud_entry()`: a PUD leaf (v6.18: a valid PUD block) is rewritten whole, or refused
 * with WARN_ON_ONCE and -EINVAL when the walk covers only part of it.
 * @param k - kernel context
 * @param pudp - the entry
 * @param addr - start of the visited span
 * @param next - end of the visited span
 * @param walk - the walk
 * @returns 0 or -EINVAL
 * @see arch/arm64/mm/pageattr.c: pageattr_pud_entry()
 */
export function* pageattr_pud_entry(
  k: Kern,
  pudp: bigint,
  addr: bigint,
  next: bigint,
  walk: mm_walk<page_change_data>,
): KGen<number> {
  const val = yield* READ_ONCE(k, pudp);
  if (is_leaf(k, val, 'pud')) {
    if (WARN_ON_ONCE(k, next - addr !== k.g.PUD_SIZE, 'pageattr_pud_entry: (next - addr) != PUD_SIZE')) return -EINVAL;
    yield* set_pud(k, pudp, set_pageattr_masks(val, walk));
    walk.action = ACTION_CONTINUE;
  }
  return 0;
}

/**
 * `pageattr_pmd_entry()`: as pageattr_pud_entry() for PMD leaves; a cont-PMD group is rewritten
 * one entry at a time.
 * @param k - kernel context
 * @param pmdp - the entry
 * @param addr - start of the visited span
 * @param next - end of the visited span
 * @param walk - the walk
 * @returns 0 or -EINVAL
 * @see arch/arm64/mm/pageattr.c: pageattr_pmd_entry()
 */
export function* pageattr_pmd_entry(
  k: Kern,
  pmdp: bigint,
  addr: bigint,
  next: bigint,
  walk: mm_walk<page_change_data>,
): KGen<number> {
  const val = yield* READ_ONCE(k, pmdp);
  if (is_leaf(k, val, 'pmd')) {
    if (WARN_ON_ONCE(k, next - addr !== k.g.PMD_SIZE, 'pageattr_pmd_entry: (next - addr) != PMD_SIZE')) return -EINVAL;
    yield* set_pmd(k, pmdp, set_pageattr_masks(val, walk));
    walk.action = ACTION_CONTINUE;
  }
  return 0;
}

/**
 * `pageattr_pte_entry()`: rewrite unconditionally (no cont test).
 * @param k - kernel context
 * @param ptep - the entry
 * @param _addr - its VA
 * @param _next - its end
 * @param walk - the walk
 * @returns 0
 * @see arch/arm64/mm/pageattr.c: pageattr_pte_entry()
 */
export function* pageattr_pte_entry(
  k: Kern,
  ptep: bigint,
  _addr: bigint,
  _next: bigint,
  walk: mm_walk<page_change_data>,
): KGen<number> {
  const val = yield* READ_ONCE(k, ptep);
  yield* __set_pte(k, ptep, set_pageattr_masks(val, walk));
  return 0;
}

/** `pageattr_ops` */
export const pageattr_ops: mm_walk_ops<page_change_data> = {
  pud_entry: pageattr_pud_entry,
  pmd_entry: pageattr_pmd_entry,
  pte_entry: pageattr_pte_entry,
};

/**
 * `can_set_direct_map()`: the linear map must allow page-granular changes.
 * @param k - kernel context
 * @returns `rodata_full || debug_pagealloc || arm64_kfence_can_set_direct_map() || realm`
 * @see arch/arm64/mm/pageattr.c: can_set_direct_map()
 */
export function can_set_direct_map(k: Kern): boolean {
  return k.s.rodata_full || k.cfg.debug_pagealloc || arm64_kfence_can_set_direct_map(k) || k.cfg.realm;
}

/**
 * `update_range_prot()`: split at the range's edges, then walk it lock-free in lazy MMU mode.
 * @param k - kernel context
 * @param start - start VA
 * @param size - bytes
 * @param set_mask - bits to set
 * @param clear_mask - bits to clear
 * @returns 0 or an error (split failure: WARN_ON_ONCE and no walk)
 * @see arch/arm64/mm/pageattr.c: update_range_prot()
 */
export function* update_range_prot(
  k: Kern,
  start: bigint,
  size: bigint,
  set_mask: bigint,
  clear_mask: bigint,
): KGen<number> {
  const data: page_change_data = { set_mask, clear_mask };
  let ret = yield* k.fn.split_kernel_leaf_mapping(k, start, start + size);
  if (WARN_ON_ONCE(k, ret !== 0, 'update_range_prot: split_kernel_leaf_mapping() failed')) return ret;
  lazy_mmu_mode_enable(k);
  ret = yield* walk_kernel_page_table_range_lockless(k, start, start + size, k.fn.pageattr_ops, data);
  yield* lazy_mmu_mode_disable(k);
  return ret;
}

/**
 * `__change_memory_common()`: update_range_prot(), then flush the range even on failure, except
 * for the one transition that cannot leave a cached entry (present-invalid → valid; v6.18: set
 * == PTE_VALID, clear == 0).
 * @param k - kernel context
 * @param start - start VA
 * @param size - bytes
 * @param set_mask - bits to set
 * @param clear_mask - bits to clear
 * @returns the update's result
 * @see arch/arm64/mm/pageattr.c: __change_memory_common()
 */
export function* __change_memory_common(
  k: Kern,
  start: bigint,
  size: bigint,
  set_mask: bigint,
  clear_mask: bigint,
): KGen<number> {
  const ret = yield* update_range_prot(k, start, size, set_mask, clear_mask);
  const noflush =
    k.cfg.variant === 'v6.18'
      ? set_mask === PTE_VALID && clear_mask === 0n
      : set_mask === PTE_PRESENT_VALID_KERNEL && clear_mask === PTE_PRESENT_INVALID;
  if (!noflush) yield* flush_tlb_kernel_range(k, start, start + size);
  return ret;
}

/**
 * `find_vm_area(addr)`.
 * @param k - kernel context
 * @param addr - a VA
 * @returns the area containing it, or undefined
 */
export function find_vm_area(k: Kern, addr: bigint): vm_struct | undefined {
  return k.s.vm_areas.find((a) => addr >= a.addr && addr < a.addr + a.size);
}

/**
 * `change_memory_common()`: checks the range lies in one VM_ALLOC (not huge) area; under
 * `rodata_full` a PTE_RDONLY change is applied to the linear alias of each backing page, one page
 * at a time (v7.1: only the requested pages, stopping at the first error; v6.18: every page of
 * the area); then the vmalloc range itself. DEVIATION: `vm_unmap_aliases()` is a no-op (no lazily
 * freed vmap areas are modelled).
 * @param k - kernel context
 * @param addr - start VA
 * @param numpages - pages
 * @param set_mask - bits to set
 * @param clear_mask - bits to clear
 * @returns 0 or an error
 * @see arch/arm64/mm/pageattr.c: change_memory_common()
 */
export function* change_memory_common(
  k: Kern,
  addr: bigint,
  numpages: number,
  set_mask: bigint,
  clear_mask: bigint,
): KGen<number> {
  let start = addr;
  const size = k.g.PAGE_SIZE * BigInt(numpages);
  let end = start + size;
  if ((addr & ~k.g.PAGE_MASK) !== 0n) {
    start &= k.g.PAGE_MASK;
    end = start + size;
    WARN_ON_ONCE(k, true, 'change_memory_common: !PAGE_ALIGNED(addr)');
  }
  const area = find_vm_area(k, addr);
  if (area === undefined || end > area.addr + area.size || (area.flags & (VM_ALLOC | VM_ALLOW_HUGE_VMAP)) !== VM_ALLOC)
    return -EINVAL;
  if (!numpages) return 0;
  if (k.s.rodata_full && (set_mask === PTE_RDONLY || clear_mask === PTE_RDONLY)) {
    if (k.cfg.variant === 'v6.18') {
      for (const page of area.pages)
        yield* k.fn.__change_memory_common(k, __phys_to_virt(k, page), k.g.PAGE_SIZE, set_mask, clear_mask);
    } else {
      let idx = Number((start - area.addr) >> k.g.PAGE_SHIFT);
      for (let n = numpages; n; idx++, n--) {
        const page = area.pages[idx];
        // DEVIATION: the kernel reads past area->pages[] here — the range check admits the guard
        // page (area->size counts it); the port stops with a BUG (pageattrGuardPage.witness.test.ts).
        if (page === undefined) return k.hw.bug('change_memory_common: area->pages[idx] out of range');
        const ret = yield* k.fn.__change_memory_common(k, __phys_to_virt(k, page), k.g.PAGE_SIZE, set_mask, clear_mask);
        if (ret) return ret;
      }
    }
  }
  return yield* k.fn.__change_memory_common(k, start, size, set_mask, clear_mask);
}

/** `set_memory_ro()` @param k - context @param addr - VA @param numpages - pages @returns 0 or error */
export function* set_memory_ro(k: Kern, addr: bigint, numpages: number): KGen<number> {
  return yield* k.fn.change_memory_common(k, addr, numpages, PTE_RDONLY, PTE_WRITE);
}

/** `set_memory_rw()` @param k - context @param addr - VA @param numpages - pages @returns 0 or error */
export function* set_memory_rw(k: Kern, addr: bigint, numpages: number): KGen<number> {
  return yield* k.fn.change_memory_common(k, addr, numpages, PTE_WRITE, PTE_RDONLY);
}

/** `set_memory_nx()` @param k - context @param addr - VA @param numpages - pages @returns 0 or error */
export function* set_memory_nx(k: Kern, addr: bigint, numpages: number): KGen<number> {
  return yield* k.fn.change_memory_common(k, addr, numpages, PTE_PXN, PTE_MAYBE_GP);
}

/** `set_memory_x()` @param k - context @param addr - VA @param numpages - pages @returns 0 or error */
export function* set_memory_x(k: Kern, addr: bigint, numpages: number): KGen<number> {
  return yield* k.fn.change_memory_common(k, addr, numpages, PTE_MAYBE_GP, PTE_PXN);
}

/**
 * `set_memory_valid()`: straight to __change_memory_common(), no range checks. v7.1 toggles
 * PTE_PRESENT_VALID_KERNEL ↔ PTE_PRESENT_INVALID; v6.18 sets/clears PTE_VALID.
 * @param k - kernel context
 * @param addr - start VA
 * @param numpages - pages
 * @param enable - make valid
 * @returns 0 or an error
 * @see arch/arm64/mm/pageattr.c: set_memory_valid()
 */
export function* set_memory_valid(k: Kern, addr: bigint, numpages: number, enable: boolean): KGen<number> {
  const size = k.g.PAGE_SIZE * BigInt(numpages);
  if (k.cfg.variant === 'v6.18')
    return yield* k.fn.__change_memory_common(k, addr, size, enable ? PTE_VALID : 0n, enable ? 0n : PTE_VALID);
  return enable
    ? yield* k.fn.__change_memory_common(k, addr, size, PTE_PRESENT_VALID_KERNEL, PTE_PRESENT_INVALID)
    : yield* k.fn.__change_memory_common(k, addr, size, PTE_PRESENT_INVALID, PTE_PRESENT_VALID_KERNEL);
}

/**
 * `set_direct_map_invalid_noflush(page)`: no TLB flush (the caller flushes).
 * @param k - kernel context
 * @param page - the page's PA
 * @returns 0 or an error
 * @see arch/arm64/mm/pageattr.c: set_direct_map_invalid_noflush()
 */
export function* set_direct_map_invalid_noflush(k: Kern, page: bigint): KGen<number> {
  if (!can_set_direct_map(k)) return 0;
  const [set, clear] = k.cfg.variant === 'v6.18' ? [0n, PTE_VALID] : [PTE_PRESENT_INVALID, PTE_PRESENT_VALID_KERNEL];
  return yield* update_range_prot(k, __phys_to_virt(k, page), k.g.PAGE_SIZE, set, clear);
}

/**
 * `set_direct_map_default_noflush(page)`: valid and writable again, no TLB flush.
 * @param k - kernel context
 * @param page - the page's PA
 * @returns 0 or an error
 * @see arch/arm64/mm/pageattr.c: set_direct_map_default_noflush()
 */
export function* set_direct_map_default_noflush(k: Kern, page: bigint): KGen<number> {
  if (!can_set_direct_map(k)) return 0;
  const [set, clear] =
    k.cfg.variant === 'v6.18'
      ? [PTE_VALID | PTE_WRITE, PTE_RDONLY]
      : [PTE_PRESENT_VALID_KERNEL | PTE_WRITE, PTE_PRESENT_INVALID | PTE_RDONLY];
  return yield* update_range_prot(k, __phys_to_virt(k, page), k.g.PAGE_SIZE, set, clear);
}

/**
 * `set_direct_map_valid_noflush(page, nr, valid)`: set_memory_valid(), which does flush.
 * @param k - kernel context
 * @param page - the first page's PA
 * @param nr - pages
 * @param valid - make valid
 * @returns 0 or an error
 * @see arch/arm64/mm/pageattr.c: set_direct_map_valid_noflush()
 */
export function* set_direct_map_valid_noflush(k: Kern, page: bigint, nr: number, valid: boolean): KGen<number> {
  if (!can_set_direct_map(k)) return 0;
  return yield* set_memory_valid(k, __phys_to_virt(k, page), nr, valid);
}

/**
 * `kernel_page_present(page)`: walk the linear map; a block leaf answers its valid bit (v6.18:
 * a valid block answers true, an invalid one is walked through as if it were a table).
 * @param k - kernel context
 * @param page - the page's PA
 * @returns whether the page's linear-map entry is valid
 * @see arch/arm64/mm/pageattr.c: kernel_page_present()
 */
export function* kernel_page_present(k: Kern, page: bigint): KGen<boolean> {
  const addr = __phys_to_virt(k, page);
  const pgdp = pgd_offset_k(k, addr);
  yield* READ_ONCE(k, pgdp);
  const p4dp = p4d_offset(k, pgdp, addr);
  if (p4d_none(k.g, yield* READ_ONCE(k, p4dp))) return false;
  const pudp = yield* pud_offset(k, p4dp, addr);
  const pud = yield* READ_ONCE(k, pudp);
  if (pud_none(pud)) return false;
  if (is_leaf(k, pud, 'pud')) return k.cfg.variant === 'v6.18' ? true : pud_valid(pud);
  const pmdp = yield* pmd_offset(k, pudp, addr);
  const pmd = yield* READ_ONCE(k, pmdp);
  if (pmd_none(pmd)) return false;
  if (is_leaf(k, pmd, 'pmd')) return k.cfg.variant === 'v6.18' ? true : pmd_valid(pmd);
  const ptep = yield* pte_offset_kernel(k, pmdp, addr);
  return pte_valid(yield* READ_ONCE(k, ptep));
}
