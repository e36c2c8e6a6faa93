/**
 * Mutant `split-pud-pfn-step` — mmu.c `split_pud()` steps the pfn by one page
 * (`PAGE_SIZE >> PAGE_SHIFT`) instead of one PMD block (`PMD_SIZE >> PAGE_SHIFT`) per entry.
 *
 * Why this mutant? split_pmd() and split_pud() are written as twins, and split_pmd() steps its
 * pfn by 1 (`pfn++`); copying that loop into split_pud(), or writing `step = PAGE_SIZE >>
 * PAGE_SHIFT` for the "obvious" unit, maps PMD block i of the new table to PA base + i pages
 * instead of base + i × 2 MiB. Only the first 2 MiB keeps its translation; the rest of the 1 GiB
 * aliases other memory (kernel §8 inv. 1, Arm B5). It shows only where PUD blocks exist: 4K pages
 * with a 1 GiB aligned stretch of RAM (16K: 64 GiB; 64K has no PUD level).
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the line marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { Gfp, KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { dsb, __pud_populate, set_pmd } from '../shims/custom.ts';
import {
  ENOMEM,
  INVALID_PHYS_ADDR,
  PMD_SECT_PXN,
  PMD_TYPE_MASK,
  PMD_TYPE_SECT,
  PTE_CONT,
  PUD_TABLE_AF,
  PUD_TABLE_PXN,
  PUD_TABLE_UXN,
  PUD_TYPE_TABLE,
} from '../shims/dup.ts';
import { desc_pgprot, pfn_pmd, pmd_mkinvalid, pte_pfn, pud_valid } from '../shims/pgtable.ts';
import { portWith } from './port.ts';

/**
 * `split_pud(pudp, pud, gfp, to_cont)` with a one-page pfn step.
 * @param k - kernel context
 * @param pudp - the PUD entry
 * @param pud - its value as read by the caller
 * @param gfp - allocation flags
 * @param to_cont - make the new PMD blocks contiguous groups
 * @returns 0 or -ENOMEM
 */
export function* split_pud(k: Kern, pudp: bigint, pud: bigint, gfp: Gfp, to_cont: boolean): KGen<number> {
  let tableprot = PUD_TYPE_TABLE | PUD_TABLE_UXN | PUD_TABLE_AF;
  // MUTANT: `PAGE_SIZE >> PAGE_SHIFT` (faithful: `PMD_SIZE >> PAGE_SHIFT`).
  const step = k.g.PAGE_SIZE >> k.g.PAGE_SHIFT;
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

/** The port with this split_pud(). */
export const createSut = portWith('split-pud-pfn-step', { split_pud });
export default createSut;
