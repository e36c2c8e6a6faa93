/**
 * Port of the on-demand split half of arch/arm64/mm/mmu.c, in the kernel's order:
 * __pgd_pgtable_alloc(), pgd_pgtable_alloc_init_mm_gfp(), split_contpte(), split_pmd(),
 * split_contpmd(), split_pud(), split_kernel_leaf_mapping_locked(), force_pte_mapping(),
 * split_kernel_leaf_mapping() — v7.1's (also in v7.2-rc, v7.3, prealloc) by default, v6.18 where the
 * configuration says so.
 *
 * Layer: impl (the port).
 */
import type { Gfp, KGen } from './contract.ts';
import { system_capabilities_finalized, system_supports_bbml2_noabort, cpu_supports_cap } from './cpufeature.ts';
import { current_context } from './kernel.ts';
import type { Kern } from './kernel.ts';
import { pgtable_level_to_arm } from './mmu-create.ts';
import { dsb, READ_ONCE, __pmd_populate, __pud_populate, __set_pte, set_pmd } from './shims/custom.ts';
import {
  EBUSY,
  EINVAL,
  ENOMEM,
  INVALID_PHYS_ADDR,
  PMD_SECT_PXN,
  PMD_TABLE_AF,
  PMD_TABLE_PXN,
  PMD_TABLE_UXN,
  PMD_TYPE_MASK,
  PMD_TYPE_SECT,
  PMD_TYPE_TABLE,
  PTE_CONT,
  PTE_TYPE_MASK,
  PTE_TYPE_PAGE,
  PUD_TABLE_AF,
  PUD_TABLE_PXN,
  PUD_TABLE_UXN,
  PUD_TYPE_TABLE,
} from './shims/dup.ts';
import type { pgtable_level } from './shims/dup.ts';
import { p4d_offset, pgd_offset_k, pmd_offset, pte_offset_kernel, pud_offset } from './shims/offsets.ts';
import {
  desc_pgprot,
  __ffs,
  p4d_present,
  pfn_pmd,
  pfn_pte,
  pgd_present,
  pmd_cont,
  pmd_leaf,
  pmd_mkinvalid,
  pmd_mknoncont,
  pmd_present,
  pmd_valid,
  pte_cont,
  pte_mkinvalid,
  pte_mknoncont,
  pte_pfn,
  pte_present,
  pud_leaf,
  pud_present,
  pud_valid,
} from './shims/pgtable.ts';
import { mutex_lock, mutex_unlock, WARN_ON } from './shims/stubs.ts';
import { lazy_mmu_mode_disable, lazy_mmu_mode_enable } from './shims/custom.ts';

/**
 * `__pgd_pgtable_alloc(&init_mm, gfp, level)`: one page-table page (`__GFP_ZERO` stripped; every
 * entry is written before use). The ctor never fails here (DEVIATION: no ptdesc/ctor).
 * @param k - kernel context
 * @param gfp - allocation flags
 * @param level - the table's level
 * @returns its PA or `INVALID_PHYS_ADDR`
 * @see arch/arm64/mm/mmu.c: __pgd_pgtable_alloc()
 */
export function* __pgd_pgtable_alloc(k: Kern, gfp: Gfp, level: pgtable_level): KGen<bigint> {
  const pa = yield* k.hw.allocTable(pgtable_level_to_arm(level), gfp, current_context(k));
  return pa ?? INVALID_PHYS_ADDR;
}

/**
 * `pgd_pgtable_alloc_init_mm_gfp(level, gfp)` (v6.18: `try_pgd_pgtable_alloc_init_mm()`). In the
 * `prealloc` variant, while the pre-allocated pool is installed, pages come from it instead.
 * @param k - kernel context
 * @param level - the table's level
 * @param gfp - allocation flags
 * @returns its PA or `INVALID_PHYS_ADDR`
 * @see arch/arm64/mm/mmu.c: pgd_pgtable_alloc_init_mm_gfp()
 */
export function* pgd_pgtable_alloc_init_mm_gfp(k: Kern, level: pgtable_level, gfp: Gfp): KGen<bigint> {
  const pool = k.s.split_pgtables;
  if (pool !== null) return pool.get(pgtable_level_to_arm(level))?.pop() ?? INVALID_PHYS_ADDR;
  return yield* __pgd_pgtable_alloc(k, gfp, level);
}

/**
 * `pgd_pgtable_alloc_init_mm(level)`: GFP_PGTABLE_KERNEL.
 * @param k - kernel context
 * @param level - the table's level
 * @returns its PA or `INVALID_PHYS_ADDR`
 */
export function* pgd_pgtable_alloc_init_mm(k: Kern, level: pgtable_level): KGen<bigint> {
  return yield* pgd_pgtable_alloc_init_mm_gfp(k, level, 'GFP_PGTABLE_KERNEL');
}

/**
 * `split_contpte(ptep)`: clear PTE_CONT on every entry of the CONT_PTES group holding `ptep`.
 * @param k - kernel context
 * @param ptep - any PTE of the group
 * @see arch/arm64/mm/mmu.c: split_contpte()
 */
export function* split_contpte(k: Kern, ptep: bigint): KGen<void> {
  let p = ptep & ~(BigInt(k.g.CONT_PTES) * 8n - 1n);
  for (let i = 0; i < k.g.CONT_PTES; i++, p += 8n) yield* __set_pte(k, p, pte_mknoncont(yield* READ_ONCE(k, p)));
}

/**
 * `split_pmd(pmdp, pmd, gfp, to_cont)`: replace a PMD block by a full PTE table with the same
 * output addresses and attributes (present-invalid kept in v7.1), cont groups iff `to_cont`.
 * The table is filled, then `dsb(ishst)`, then published with a single store. No TLBI.
 * @param k - kernel context
 * @param pmdp - the PMD entry
 * @param pmd - its value as read by the caller
 * @param gfp - allocation flags
 * @param to_cont - make the new PTEs contiguous groups
 * @returns 0 or -ENOMEM
 * @see arch/arm64/mm/mmu.c: split_pmd()
 */
export function* split_pmd(k: Kern, pmdp: bigint, pmd: bigint, gfp: Gfp, to_cont: boolean): KGen<number> {
  let tableprot = PMD_TYPE_TABLE | PMD_TABLE_UXN | PMD_TABLE_AF;
  let pfn = pte_pfn(k.g, pmd);
  let prot = desc_pgprot(k.g, pmd);
  const pte_phys = yield* k.fn.pgd_pgtable_alloc_init_mm_gfp(k, 'PGTABLE_LEVEL_PTE', gfp);
  if (pte_phys === INVALID_PHYS_ADDR) return -ENOMEM;
  if ((prot & PMD_SECT_PXN) !== 0n) tableprot |= PMD_TABLE_PXN;
  prot = (prot & ~PTE_TYPE_MASK) | PTE_TYPE_PAGE;
  if (k.cfg.variant !== 'v6.18' && !pmd_valid(pmd)) prot = desc_pgprot(k.g, pte_mkinvalid(pfn_pte(k.g, 0n, prot)));
  prot &= ~PTE_CONT;
  if (to_cont) prot |= PTE_CONT;
  let ptep = pte_phys;
  for (let i = 0; i < k.g.PTRS_PER_PTE; i++, ptep += 8n, pfn++) yield* __set_pte(k, ptep, pfn_pte(k.g, pfn, prot));
  yield* dsb(k, 'ishst');
  yield* __pmd_populate(k, pmdp, pte_phys, tableprot);
  return 0;
}

/**
 * `split_contpmd(pmdp)`: clear the cont bit on every entry of the CONT_PMDS group holding `pmdp`.
 * @param k - kernel context
 * @param pmdp - any PMD entry of the group
 * @see arch/arm64/mm/mmu.c: split_contpmd()
 */
export function* split_contpmd(k: Kern, pmdp: bigint): KGen<void> {
  let p = pmdp & ~(BigInt(k.g.CONT_PMDS) * 8n - 1n);
  for (let i = 0; i < k.g.CONT_PMDS; i++, p += 8n) yield* set_pmd(k, p, pmd_mknoncont(yield* READ_ONCE(k, p)));
}

/**
 * `split_pud(pudp, pud, gfp, to_cont)`: replace a PUD block by a full PMD table of blocks.
 * @param k - kernel context
 * @param pudp - the PUD entry
 * @param pud - its value as read by the caller
 * @param gfp - allocation flags
 * @param to_cont - make the new PMD blocks contiguous groups
 * @returns 0 or -ENOMEM
 * @see arch/arm64/mm/mmu.c: split_pud()
 */
export function* split_pud(k: Kern, pudp: bigint, pud: bigint, gfp: Gfp, to_cont: boolean): KGen<number> {
  let tableprot = PUD_TYPE_TABLE | PUD_TABLE_UXN | PUD_TABLE_AF;
  const step = k.g.PMD_SIZE >> k.g.PAGE_SHIFT;
  let pfn = pte_pfn(k.g, pud);
  let prot = desc_pgprot(k.g, pud);
  const pmd_phys = yield* k.fn.pgd_pgtable_alloc_init_mm_gfp(k, 'PGTABLE_LEVEL_PMD', gfp);
  if (pmd_phys === INVALID_PHYS_ADDR) return -ENOMEM;
  if ((prot & PMD_SECT_PXN) !== 0n) tableprot |= PUD_TABLE_PXN;
  prot = (prot & ~PMD_TYPE_MASK) | PMD_TYPE_SECT;
  if (k.cfg.variant !== 'v6.18' && !pud_valid(pud)) prot = desc_pgprot(k.g, pmd_mkinvalid(pfn_pmd(k.g, 0n, prot)));
  prot &= ~PTE_CONT;
  if (to_cont) prot |= PTE_CONT;
  let pmdp = pmd_phys;
  for (let i = 0; i < k.g.PTRS_PER_PMD; i++, pmdp += 8n, pfn += step) yield* set_pmd(k, pmdp, pfn_pmd(k.g, pfn, prot));
  yield* dsb(k, 'ishst');
  yield* __pud_populate(k, pudp, pmd_phys, tableprot);
  return 0;
}

const aligned = (addr: bigint, size: bigint): boolean => (addr & (size - 1n)) === 0n;

/**
 * `split_kernel_leaf_mapping_locked(addr)`: make `addr` a leaf boundary, top-down, breaking each
 * level only as far as needed: PUD block → cont-PMD table, cont-PMD group → plain, PMD block →
 * cont-PTE table, cont-PTE group → plain. Stops at the first level `addr` is aligned to, or at a
 * non-present entry.
 * @param k - kernel context
 * @param addr - a page-aligned VA
 * @returns 0 or -ENOMEM
 * @see arch/arm64/mm/mmu.c: split_kernel_leaf_mapping_locked()
 */
export function* split_kernel_leaf_mapping_locked(k: Kern, addr: bigint): KGen<number> {
  const g = k.g;
  let ret = 0;
  if (aligned(addr, g.PGDIR_SIZE)) return ret;
  const pgdp = pgd_offset_k(k, addr);
  const pgd = yield* READ_ONCE(k, pgdp);
  if (!pgd_present(pgd)) return ret;

  if (aligned(addr, g.P4D_SIZE)) return ret;
  const p4dp = p4d_offset(k, pgdp, addr);
  const p4d = yield* READ_ONCE(k, p4dp);
  if (!p4d_present(g, p4d)) return ret;

  if (aligned(addr, g.PUD_SIZE)) return ret;
  const pudp = yield* pud_offset(k, p4dp, addr);
  const pud = yield* READ_ONCE(k, pudp);
  if (!pud_present(pud)) return ret;
  if (pud_leaf(pud)) {
    ret = yield* k.fn.split_pud(k, pudp, pud, 'GFP_PGTABLE_KERNEL', true);
    if (ret) return ret;
  }

  if (aligned(addr, g.CONT_PMD_SIZE)) return ret;
  const pmdp = yield* pmd_offset(k, pudp, addr);
  const pmd = yield* READ_ONCE(k, pmdp);
  if (!pmd_present(pmd)) return ret;
  if (pmd_leaf(pmd)) {
    if (pmd_cont(pmd)) yield* k.fn.split_contpmd(k, pmdp);
    if (aligned(addr, g.PMD_SIZE)) return ret;
    ret = yield* k.fn.split_pmd(k, pmdp, pmd, 'GFP_PGTABLE_KERNEL', true);
    if (ret) return ret;
  }

  if (aligned(addr, g.CONT_PTE_SIZE)) return ret;
  const ptep = yield* pte_offset_kernel(k, pmdp, addr);
  const pte = yield* READ_ONCE(k, ptep);
  if (!pte_present(pte)) return ret;
  if (pte_cont(pte)) yield* k.fn.split_contpte(k, ptep);
  return ret;
}

/**
 * `arm64_kfence_can_set_direct_map()`: a late KFENCE pool needs a page-granular linear map.
 * @param k - kernel context
 * @returns `!kfence_early_init` under CONFIG_KFENCE, else false
 * @see arch/arm64/include/asm/kfence.h
 */
export function arm64_kfence_can_set_direct_map(k: Kern): boolean {
  return k.s.kfence_enabled && !k.s.kfence_early_init;
}

/**
 * `is_kfence_address(addr)`.
 * @param k - kernel context
 * @param addr - a VA
 * @returns whether it lies in the KFENCE pool
 */
export function is_kfence_address(k: Kern, addr: bigint): boolean {
  const pool = k.s.__kfence_pool;
  return pool !== null && BigInt.asUintN(64, addr - pool) < k.KFENCE_POOL_SIZE;
}

/**
 * `force_pte_mapping()`: whether the linear map must be page-mapped. Before finalisation the
 * *calling* CPU decides: its MIDR (`cpu_supports_bbml2_noabort()`), or under `v7.3` its
 * `ID_AA64MMFR2_EL1.BBM` then its MIDR (`cpu_supports_bbml3()`; the local is `bbml3` there).
 * @param k - kernel context
 * @returns true when blocks and cont groups are not allowed
 * @see arch/arm64/mm/mmu.c: force_pte_mapping()
 */
export function force_pte_mapping(k: Kern): boolean {
  const bbml2 = system_capabilities_finalized(k) ? system_supports_bbml2_noabort(k) : cpu_supports_cap(k);
  if (k.cfg.debug_pagealloc) return true;
  if (bbml2) return false;
  return k.s.rodata_full || arm64_kfence_can_set_direct_map(k) || k.cfg.realm;
}

/**
 * `split_leaf_mapping_possible()` (v6.18 only).
 * @param k - kernel context
 * @returns whether a split may be attempted
 */
export function split_leaf_mapping_possible(k: Kern): boolean {
  if (!system_supports_bbml2_noabort(k)) return false;
  return !force_pte_mapping(k);
}

/**
 * `split_kernel_leaf_mapping(start, end)`: make `start` and `end` leaf boundaries, under
 * `pgtable_split_lock` in lazy MMU mode. v7.1: early exits on `!linear_map_requires_bbml2` or a
 * KFENCE address, 0 on a finalised non-BBML2 system, `-EBUSY` in the two blackout windows;
 * v6.18: early exit when `!split_leaf_mapping_possible()`.
 * @param k - kernel context
 * @param start - start VA
 * @param end - end VA (exclusive)
 * @returns 0, -EINVAL, -ENOMEM or -EBUSY
 * @see arch/arm64/mm/mmu.c: split_kernel_leaf_mapping()
 */
export function* split_kernel_leaf_mapping(k: Kern, start: bigint, end: bigint): KGen<number> {
  let ret: number;
  if (k.cfg.variant === 'v6.18') {
    if (!split_leaf_mapping_possible(k) || is_kfence_address(k, start)) return 0;
  } else {
    if (!k.s.linear_map_requires_bbml2 || is_kfence_address(k, start)) return 0;
    if (!system_supports_bbml2_noabort(k)) {
      if (system_capabilities_finalized(k)) return 0;
      if (WARN_ON(k, !k.s.page_alloc_available, 'split_kernel_leaf_mapping: !page_alloc_available')) return -EBUSY;
      if (WARN_ON(k, k.hw.onlineCpus().length > 1, 'split_kernel_leaf_mapping: num_online_cpus() > 1')) return -EBUSY;
    }
  }
  if (!aligned(start, k.g.PAGE_SIZE) || !aligned(end, k.g.PAGE_SIZE)) return -EINVAL;

  yield* mutex_lock(k, 'pgtable_split_lock');
  lazy_mmu_mode_enable(k);
  if (end - start === k.g.PAGE_SIZE) {
    const at = __ffs(start) < __ffs(end) ? start : end;
    ret = yield* k.fn.split_kernel_leaf_mapping_locked(k, at);
  } else {
    ret = yield* k.fn.split_kernel_leaf_mapping_locked(k, start);
    if (!ret) ret = yield* k.fn.split_kernel_leaf_mapping_locked(k, end);
  }
  yield* lazy_mmu_mode_disable(k);
  yield* mutex_unlock(k, 'pgtable_split_lock');
  return ret;
}
