/**
 * Mutant `split-pmd-keeps-cont` — mmu.c `split_pmd()` does not clear PTE_CONT from the block's
 * prot: children of a cont-PMD block stay contiguous even when `to_cont` is false.
 *
 * Why this mutant? `prot &= ~PTE_CONT; if (to_cont) prot |= PTE_CONT;` looks redundant to a
 * reader who believes the caller has already broken the cont-PMD group. It has — in the table —
 * but the `pmd` value the callers pass was read *before* split_contpmd() (kernel §3.2 notes,
 * §5.3), so it still carries the cont bit. The on-demand split asks for cont children anyway; the
 * repaint and the KFENCE pool (`to_cont` false) then leave 64 KiB (2 MiB) cont-PTE groups where
 * plain PTEs are required (kernel §8 inv. 7, 14).
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the line marked `MUTANT:`.
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
 * `split_pmd(pmdp, pmd, gfp, to_cont)` that keeps the parent's PTE_CONT.
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
  // MUTANT: no `prot &= ~PTE_CONT;` (the parent's cont bit is inherited).
  if (to_cont) prot |= PTE_CONT;
  let ptep = pte_phys;
  for (let i = 0; i < k.g.PTRS_PER_PTE; i++, ptep += 8n, pfn++) yield* __set_pte(k, ptep, pfn_pte(k.g, pfn, prot));
  yield* dsb(k, 'ishst');
  yield* __pmd_populate(k, pmdp, pte_phys, tableprot);
  return 0;
}

/** The port with this split_pmd(). */
export const createSut = portWith('split-pmd-keeps-cont', { split_pmd });
export default createSut;
