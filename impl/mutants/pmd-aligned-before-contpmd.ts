/**
 * Mutant `pmd-aligned-before-contpmd` — mmu.c `split_kernel_leaf_mapping_locked()` tests
 * `PMD_SIZE` alignment before breaking the cont-PMD group, so a PMD-aligned address inside a
 * cont-PMD group returns with the group still contiguous.
 *
 * Why this mutant? The ladder (kernel §3.2) is subtle at the PMD step: the cont-PMD group must be
 * broken *even when* `addr` is PMD aligned, because the group (CONT_PMD_SIZE, e.g. 32 MiB for 4K)
 * is the leaf that spans `addr`; only then may the function stop before split_pmd(). Hoisting the
 * alignment test to the top of the `pmd_leaf()` branch, next to the other `ALIGNED() → out`
 * tests, looks like a harmless tidy-up that saves a read.
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { READ_ONCE } from '../shims/custom.ts';
import { p4d_offset, pgd_offset_k, pmd_offset, pte_offset_kernel, pud_offset } from '../shims/offsets.ts';
import {
  p4d_present,
  pgd_present,
  pmd_cont,
  pmd_leaf,
  pmd_present,
  pte_cont,
  pte_present,
  pud_leaf,
  pud_present,
} from '../shims/pgtable.ts';
import { aligned, portWith } from './port.ts';

/**
 * `split_kernel_leaf_mapping_locked(addr)` with the PMD alignment test hoisted.
 * @param k - kernel context
 * @param addr - a page-aligned VA
 * @returns 0 or -ENOMEM
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
    // MUTANT: `if (ALIGNED(addr, PMD_SIZE)) goto out;` moved above the cont test (faithful:
    // `if (pmd_cont(pmd)) split_contpmd(pmdp);` first, then the alignment test).
    if (aligned(addr, g.PMD_SIZE)) return ret;
    if (pmd_cont(pmd)) yield* k.fn.split_contpmd(k, pmdp);
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

/** The port with this split_kernel_leaf_mapping_locked(). */
export const createSut = portWith('pmd-aligned-before-contpmd', { split_kernel_leaf_mapping_locked });
export default createSut;
