/**
 * DUPLICATED descriptor predicates and constructors of arch/arm64/include/asm/pgtable.h, as pure
 * functions on bigint descriptor values. Functions that depend on the granule take the geometry
 * as their first argument (DEVIATION: the kernel has them as compile-time macros).
 * Keep in sync with arch/arm64/include/asm/pgtable.h at v7.1 (present-invalid encoding of
 * 15bfba1ad77f).
 *
 * Layer: impl/shims.
 */
import type { Arm64Geometry } from './dup.ts';
import {
  PMD_SECT_CONT,
  PMD_TYPE_MASK,
  PMD_TYPE_SECT,
  PMD_TYPE_TABLE,
  PTE_CONT,
  PTE_PRESENT_INVALID,
  PTE_UXN,
  PTE_USER,
  PTE_VALID,
  PUD_TYPE_MASK,
  PUD_TYPE_SECT,
  PUD_TYPE_TABLE,
} from './dup.ts';

/** @param pte - a descriptor @returns `pte_none()` */
export const pte_none = (pte: bigint): boolean => pte === 0n;
/** @param pte - a descriptor @returns `pte_valid()` */
export const pte_valid = (pte: bigint): boolean => (pte & PTE_VALID) !== 0n;
/** @param pte - a descriptor @returns `pte_present_invalid()`: nG set, valid clear */
export const pte_present_invalid = (pte: bigint): boolean =>
  (pte & (PTE_VALID | PTE_PRESENT_INVALID)) === PTE_PRESENT_INVALID;
/** @param pte - a descriptor @returns `pte_present()` = valid or present-invalid */
export const pte_present = (pte: bigint): boolean => pte_valid(pte) || pte_present_invalid(pte);
/** @param pte - a descriptor @returns `pte_cont()` */
export const pte_cont = (pte: bigint): boolean => (pte & PTE_CONT) !== 0n;
/** @param pte - a descriptor @returns `pte_mknoncont()` */
export const pte_mknoncont = (pte: bigint): bigint => pte & ~PTE_CONT;
/** @param pte - a descriptor @returns `pte_mkinvalid()`: present-invalid */
export const pte_mkinvalid = (pte: bigint): bigint => (pte | PTE_PRESENT_INVALID) & ~PTE_VALID;
/** @param pte - a descriptor @returns `pte_valid_not_user()`: a valid kernel entry */
export const pte_valid_not_user = (pte: bigint): boolean =>
  (pte & (PTE_VALID | PTE_USER | PTE_UXN)) === (PTE_VALID | PTE_UXN);

/** @param pmd - a descriptor @returns `pmd_none()` */
export const pmd_none = (pmd: bigint): boolean => pmd === 0n;
/** @param pmd - a descriptor @returns `pmd_valid()` */
export const pmd_valid = pte_valid;
/** @param pmd - a descriptor @returns `pmd_present()` */
export const pmd_present = pte_present;
/** @param pmd - a descriptor @returns `pmd_table()` */
export const pmd_table = (pmd: bigint): boolean => (pmd & PMD_TYPE_MASK) === PMD_TYPE_TABLE;
/** @param pmd - a descriptor @returns `pmd_sect()` (v6.18 only: a valid block) */
export const pmd_sect = (pmd: bigint): boolean => (pmd & PMD_TYPE_MASK) === PMD_TYPE_SECT;
/** @param pmd - a descriptor @returns `pmd_leaf()`: present and not a table */
export const pmd_leaf = (pmd: bigint): boolean => pmd_present(pmd) && !pmd_table(pmd);
/** @param pmd - a descriptor @returns `pmd_bad()`: not a table */
export const pmd_bad = (pmd: bigint): boolean => !pmd_table(pmd);
/** @param pmd - a descriptor @returns `pmd_cont()` */
export const pmd_cont = pte_cont;
/** @param pmd - a descriptor @returns `pmd_mknoncont()` */
export const pmd_mknoncont = (pmd: bigint): bigint => pmd & ~PMD_SECT_CONT;
/** @param pmd - a descriptor @returns `pmd_mkinvalid()` */
export const pmd_mkinvalid = pte_mkinvalid;

/** @param pud - a descriptor @returns `pud_none()` */
export const pud_none = (pud: bigint): boolean => pud === 0n;
/** @param pud - a descriptor @returns `pud_valid()` */
export const pud_valid = pte_valid;
/** @param pud - a descriptor @returns `pud_present()` */
export const pud_present = pte_present;
/** @param pud - a descriptor @returns `pud_table()` */
export const pud_table = (pud: bigint): boolean => (pud & PUD_TYPE_MASK) === PUD_TYPE_TABLE;
/** @param pud - a descriptor @returns `pud_sect()` (v6.18 only: a valid block) */
export const pud_sect = (pud: bigint): boolean => (pud & PUD_TYPE_MASK) === PUD_TYPE_SECT;
/** @param pud - a descriptor @returns `pud_leaf()`: present and not a table */
export const pud_leaf = (pud: bigint): boolean => pud_present(pud) && !pud_table(pud);
/** @param pud - a descriptor @returns `pud_bad()`: not a table */
export const pud_bad = (pud: bigint): boolean => !pud_table(pud);

/**
 * `p4d_none()`: with 4 levels the P4D is folded onto the PGD and tests the real entry; with 3
 * levels (PUD folded too) the generic `pgtable-nopud.h` answers 0.
 * @param g - geometry
 * @param p4d - the entry value
 * @returns whether the entry is empty
 */
export const p4d_none = (g: Arm64Geometry, p4d: bigint): boolean => !g.PUD_FOLDED && p4d === 0n;
/** @param g - geometry @param p4d - the entry @returns `p4d_present()` */
export const p4d_present = (g: Arm64Geometry, p4d: bigint): boolean => !p4d_none(g, p4d);
/** @param g - geometry @param p4d - the entry @returns `p4d_bad()`: not a table (4 levels) */
export const p4d_bad = (g: Arm64Geometry, p4d: bigint): boolean => !g.PUD_FOLDED && (p4d & 2n) === 0n;
/** `pgd_present()` with the P4D folded (`pgtable-nop4d.h`): always 1. @returns true */
export const pgd_present = (_pgd: bigint): boolean => true;

/** @param g - geometry @param v - a descriptor @returns its output address (`__pte_to_phys`) */
export const desc_phys = (g: Arm64Geometry, v: bigint): bigint => v & g.PTE_ADDR_MASK;
/** @param g - geometry @param v - a descriptor @returns `pte_pfn()` */
export const pte_pfn = (g: Arm64Geometry, v: bigint): bigint => desc_phys(g, v) >> g.PAGE_SHIFT;
/** @param g - geometry @param pfn - a page frame @param prot - attributes @returns `pfn_pte()` */
export const pfn_pte = (g: Arm64Geometry, pfn: bigint, prot: bigint): bigint =>
  ((pfn << g.PAGE_SHIFT) & g.PTE_ADDR_MASK) | prot;
/** `pfn_pmd()` */
export const pfn_pmd = pfn_pte;
/** `pfn_pud()` */
export const pfn_pud = pfn_pte;
/** @param g - geometry @param v - a descriptor @returns `pte_pgprot()`/`pmd_pgprot()`: all but the OA */
export const desc_pgprot = (g: Arm64Geometry, v: bigint): bigint => v & ~g.PTE_ADDR_MASK & ((1n << 64n) - 1n);
/** @param prot - attributes @returns `mk_pmd_sect_prot()` */
export const mk_pmd_sect_prot = (prot: bigint): bigint => (prot & ~PMD_TYPE_MASK) | PMD_TYPE_SECT;
/** @param prot - attributes @returns `mk_pud_sect_prot()` */
export const mk_pud_sect_prot = (prot: bigint): bigint => (prot & ~PUD_TYPE_MASK) | PUD_TYPE_SECT;

/** @param g - geometry @param addr - a VA @returns `pgd_index()` */
export const pgd_index = (g: Arm64Geometry, addr: bigint): bigint =>
  (addr >> g.PGDIR_SHIFT) & BigInt(g.PTRS_PER_PGD - 1);
/** @param g - geometry @param addr - a VA @returns `pud_index()` */
export const pud_index = (g: Arm64Geometry, addr: bigint): bigint => (addr >> g.PUD_SHIFT) & BigInt(g.PTRS_PER_PUD - 1);
/** @param g - geometry @param addr - a VA @returns `pmd_index()` */
export const pmd_index = (g: Arm64Geometry, addr: bigint): bigint => (addr >> g.PMD_SHIFT) & BigInt(g.PTRS_PER_PMD - 1);
/** @param g - geometry @param addr - a VA @returns `pte_index()` */
export const pte_index = (g: Arm64Geometry, addr: bigint): bigint =>
  (addr >> g.PAGE_SHIFT) & BigInt(g.PTRS_PER_PTE - 1);

/** Boundary helper for the `p?d_addr_end()` family. */
const addr_end = (addr: bigint, end: bigint, size: bigint): bigint => {
  const boundary = BigInt.asUintN(64, (addr + size) & ~(size - 1n));
  return BigInt.asUintN(64, boundary - 1n) < BigInt.asUintN(64, end - 1n) ? boundary : end;
};
/** @param g - geometry @param addr - start @param end - end @returns `pgd_addr_end()` */
export const pgd_addr_end = (g: Arm64Geometry, addr: bigint, end: bigint): bigint => addr_end(addr, end, g.PGDIR_SIZE);
/** @param _g - geometry @param _addr - start @param end - end @returns `p4d_addr_end()` (folded: `end`) */
export const p4d_addr_end = (_g: Arm64Geometry, _addr: bigint, end: bigint): bigint => end;
/** @param g - geometry @param addr - start @param end - end @returns `pud_addr_end()` (folded: `end`) */
export const pud_addr_end = (g: Arm64Geometry, addr: bigint, end: bigint): bigint =>
  g.PUD_FOLDED ? end : addr_end(addr, end, g.PUD_SIZE);
/** @param g - geometry @param addr - start @param end - end @returns `pmd_addr_end()` */
export const pmd_addr_end = (g: Arm64Geometry, addr: bigint, end: bigint): bigint => addr_end(addr, end, g.PMD_SIZE);
/** @param g - geometry @param addr - start @param end - end @returns `pmd_cont_addr_end()` */
export const pmd_cont_addr_end = (g: Arm64Geometry, addr: bigint, end: bigint): bigint =>
  addr_end(addr, end, g.CONT_PMD_SIZE);
/** @param g - geometry @param addr - start @param end - end @returns `pte_cont_addr_end()` */
export const pte_cont_addr_end = (g: Arm64Geometry, addr: bigint, end: bigint): bigint =>
  addr_end(addr, end, g.CONT_PTE_SIZE);

/**
 * `__ffs(x)`: index of the lowest set bit.
 * @param x - a non-zero value
 * @returns the bit index
 */
export function __ffs(x: bigint): number {
  let n = 0;
  let v = x;
  while (v !== 0n && (v & 1n) === 0n) {
    v >>= 1n;
    n++;
  }
  return n;
}
