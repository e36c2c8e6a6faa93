/**
 * Mutant `split-pmd-drop-pxn` — mmu.c `split_pmd()` forgets `PMD_TABLE_PXN` on the new table
 * descriptor and clears PXN from the children's prot: the linear map becomes executable there.
 *
 * Why this mutant? split_pmd() builds the table descriptor and the leaf prot from the block's
 * prot by hand, and the hierarchical execute-never bits (linear-map tables carry TABLE_PXN since
 * the "use XN table mapping attributes for the linear region" work) are the part that has no
 * effect on any test that reads or writes memory. A developer who reasons "the leaf prot is for a
 * page now, keep only the page bits" (masking with the PTE_TYPE/PTE_ATTR fields) loses PXN and
 * with it kernel §8 inv. 2 and 4: a split must never change permissions, and the linear map must
 * never be executable (W^X).
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { Gfp, KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { dsb, __pmd_populate, __set_pte } from '../shims/custom.ts';
import {
  ENOMEM,
  INVALID_PHYS_ADDR,
  PMD_TABLE_AF,
  PMD_TABLE_UXN,
  PMD_TYPE_TABLE,
  PTE_CONT,
  PTE_PXN,
  PTE_TYPE_MASK,
  PTE_TYPE_PAGE,
} from '../shims/dup.ts';
import { desc_pgprot, pfn_pte, pmd_valid, pte_mkinvalid, pte_pfn } from '../shims/pgtable.ts';
import { portWith } from './port.ts';

/**
 * `split_pmd(pmdp, pmd, gfp, to_cont)` that drops PXN and TABLE_PXN.
 * @param k - kernel context
 * @param pmdp - the PMD entry
 * @param pmd - its value as read by the caller
 * @param gfp - allocation flags
 * @param to_cont - make the new PTEs contiguous groups
 * @returns 0 or -ENOMEM
 */
export function* split_pmd(k: Kern, pmdp: bigint, pmd: bigint, gfp: Gfp, to_cont: boolean): KGen<number> {
  const tableprot = PMD_TYPE_TABLE | PMD_TABLE_UXN | PMD_TABLE_AF;
  let pfn = pte_pfn(k.g, pmd);
  let prot = desc_pgprot(k.g, pmd);
  const pte_phys = yield* k.fn.pgd_pgtable_alloc_init_mm_gfp(k, 'PGTABLE_LEVEL_PTE', gfp);
  if (pte_phys === INVALID_PHYS_ADDR) return -ENOMEM;
  // MUTANT: no `if (pgprot_val(prot) & PMD_SECT_PXN) tableprot |= PMD_TABLE_PXN;`.
  // MUTANT: `& ~PTE_PXN` added (faithful: `prot = (prot & ~PTE_TYPE_MASK) | PTE_TYPE_PAGE`).
  prot = (prot & ~PTE_TYPE_MASK & ~PTE_PXN) | PTE_TYPE_PAGE;
  if (k.cfg.variant !== 'v6.18' && !pmd_valid(pmd)) prot = desc_pgprot(k.g, pte_mkinvalid(pfn_pte(k.g, 0n, prot)));
  prot &= ~PTE_CONT;
  if (to_cont) prot |= PTE_CONT;
  let ptep = pte_phys;
  for (let i = 0; i < k.g.PTRS_PER_PTE; i++, ptep += 8n, pfn++) yield* __set_pte(k, ptep, pfn_pte(k.g, pfn, prot));
  yield* dsb(k, 'ishst');
  yield* __pmd_populate(k, pmdp, pte_phys, tableprot);
  return 0;
}

/** The port with this split_pmd(). */
export const createSut = portWith('split-pmd-drop-pxn', { split_pmd });
export default createSut;
