/**
 * Mutant `split-pmd-break-before-alloc` — mmu.c `split_pmd()` invalidates the live block first
 * ("break" of a break-before-make) and only then allocates the PTE table; when the allocation
 * fails it returns `-ENOMEM` with the block still invalid.
 *
 * Why this mutant? Adding BBM to a split that BBML2 lets skip it is a natural change for a CPU
 * without noabort, and putting the break first reads well — but the faithful split allocates
 * *before* touching anything (kernel §4, §8 inv. 18: "allocate before modifying; an allocation
 * failure leaves the tables valid and translation-identical"). On the success path the table
 * is published over the invalid entry and nothing shows; only a failed allocation leaves 2M of
 * the linear map unmapped behind an `-ENOMEM` that `update_range_prot()` merely WARNs about.
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { Gfp, KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { dsb, __pmd_populate, __set_pte, set_pmd } from '../shims/custom.ts';
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
 * `split_pmd(pmdp, pmd, gfp, to_cont)` that breaks the block before allocating.
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
  // MUTANT: the break comes first (faithful: nothing is written before the allocation succeeds).
  yield* set_pmd(k, pmdp, 0n);
  yield* dsb(k, 'ishst');
  const pte_phys = yield* k.fn.pgd_pgtable_alloc_init_mm_gfp(k, 'PGTABLE_LEVEL_PTE', gfp);
  if (pte_phys === INVALID_PHYS_ADDR) return -ENOMEM; // MUTANT: the block stays invalid
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

/** The port with this split_pmd(). */
export const createSut = portWith('split-pmd-break-before-alloc', { split_pmd });
export default createSut;
