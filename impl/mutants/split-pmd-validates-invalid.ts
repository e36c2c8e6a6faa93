/**
 * Mutant `split-pmd-validates-invalid` — mmu.c `split_pmd()` / `split_pud()` without the
 * present-invalid case: the children of a block that was made invalid get the block's prot with
 * the page (or block) type bits, i.e. they become valid.
 *
 * Why this mutant? It is the split half of 15bfba1ad77f "Handle invalid large leaf mappings
 * correctly" (v7.1, stable), put back: before it, a split copied `pmd_pgprot(pmd)` and replaced the
 * type field, which for an invalid block *sets* the valid bit of all `PTRS_PER_PTE` children.
 * Invalidating a whole 2M folio (guest_memfd, realm shared memory) and giving one page back then
 * makes the whole folio accessible again — with the present-invalid marker (nG) left set as a
 * live nG bit. The translation of the other pages changes from "invalid" to "valid": nothing breaks
 * break-before-make, the answer is simply wrong.
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { Gfp, KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { dsb, __pmd_populate, __pud_populate, __set_pte, set_pmd } from '../shims/custom.ts';
import {
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
} from '../shims/dup.ts';
import { desc_pgprot, pfn_pmd, pfn_pte, pte_pfn } from '../shims/pgtable.ts';
import { portWith } from './port.ts';

/**
 * `split_pmd()` without the present-invalid case.
 * @param k - kernel context
 * @param pmdp - the PMD entry
 * @param pmd - its value
 * @param gfp - allocation flags
 * @param to_cont - contiguous children
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
  // MUTANT: no `if (!pmd_valid(pmd)) prot = pte_pgprot(pte_mkinvalid(pfn_pte(0, prot)));` (15bfba1ad77f).
  prot &= ~PTE_CONT;
  if (to_cont) prot |= PTE_CONT;
  let ptep = pte_phys;
  for (let i = 0; i < k.g.PTRS_PER_PTE; i++, ptep += 8n, pfn++) yield* __set_pte(k, ptep, pfn_pte(k.g, pfn, prot));
  yield* dsb(k, 'ishst');
  yield* __pmd_populate(k, pmdp, pte_phys, tableprot);
  return 0;
}

/**
 * `split_pud()` without the present-invalid case.
 * @param k - kernel context
 * @param pudp - the PUD entry
 * @param pud - its value
 * @param gfp - allocation flags
 * @param to_cont - contiguous children
 * @returns 0 or -ENOMEM
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
  // MUTANT: no `if (!pud_valid(pud)) prot = pmd_pgprot(pmd_mkinvalid(pfn_pmd(0, prot)));` (15bfba1ad77f).
  prot &= ~PTE_CONT;
  if (to_cont) prot |= PTE_CONT;
  let pmdp = pmd_phys;
  for (let i = 0; i < k.g.PTRS_PER_PMD; i++, pmdp += 8n, pfn += step) yield* set_pmd(k, pmdp, pfn_pmd(k.g, pfn, prot));
  yield* dsb(k, 'ishst');
  yield* __pud_populate(k, pudp, pmd_phys, tableprot);
  return 0;
}

/** The port with these split helpers. */
export const createSut = portWith('split-pmd-validates-invalid', { split_pmd, split_pud });
export default createSut;
