/**
 * Mutant `split-pmd-no-dsb` — mmu.c `split_pmd()` publishes the new PTE table in the PMD entry
 * before the `dsb(ishst)` that makes its 512 (2048, 8192) entries visible to the walkers.
 *
 * Why this mutant? The order "fill, dsb(ishst), populate" is the whole publication protocol of a
 * live split (kernel §4 step 5, §8 inv. 12), and it is easy to get backwards when the barrier is
 * thought of as "the barrier after the update" — the same shape as the queued `dsb(ishst); isb`
 * that set_pmd() itself issues *after* the store. Another CPU (or the walker of this one) can then
 * follow the new table pointer and read entries whose stores have not yet landed: zero (a
 * translation fault on memory that was mapped) or garbage.
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
  PMD_SECT_PXN,
  PMD_TABLE_AF,
  PMD_TABLE_PXN,
  PMD_TABLE_UXN,
  PMD_TYPE_TABLE,
  PTE_CONT,
  PTE_TYPE_MASK,
  PTE_TYPE_PAGE,
} from '../shims/dup.ts';
import { desc_pgprot, pfn_pte, pmd_valid, pte_mkinvalid, pte_pfn } from '../shims/pgtable.ts';
import { portWith } from './port.ts';

/**
 * `split_pmd(pmdp, pmd, gfp, to_cont)` that links the table before the barrier.
 * @param k - kernel context
 * @param pmdp - the PMD entry
 * @param pmd - its value as read by the caller
 * @param gfp - allocation flags
 * @param to_cont - make the new PTEs contiguous groups
 * @returns 0 or -ENOMEM
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
  // MUTANT: populate, then dsb(ishst) (faithful: `dsb(ishst); __pmd_populate(...)`).
  yield* __pmd_populate(k, pmdp, pte_phys, tableprot);
  yield* dsb(k, 'ishst');
  return 0;
}

/** The port with this split_pmd(). */
export const createSut = portWith('split-pmd-no-dsb', { split_pmd });
export default createSut;
