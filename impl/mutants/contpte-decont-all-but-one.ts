/**
 * Mutant `contpte-decont-all-but-one` — mmu.c `split_contpte()` clears PTE_CONT on all but the
 * last entry of the CONT_PTES group (an off-by-one loop bound).
 *
 * Why this mutant? `for (i = 0; i < CONT_PTES - 1; i++)` is the classic fencepost, and it passes
 * every test that only checks the translation: each entry keeps its pfn and attributes, only bit
 * 52 of the last one stays set. The group is then misprogrammed — PTE_CONT set on some entries
 * and not on others — which the architecture makes CONSTRAINED UNPREDICTABLE (a TLB may hold a
 * cont entry covering pages now mapped individually; kernel §8 inv. 8, Arm C1/C3). The cont-PMD
 * twin is `contpmd-forgets-entry`.
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the line marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { READ_ONCE, __set_pte } from '../shims/custom.ts';
import { pte_mknoncont } from '../shims/pgtable.ts';
import { portWith } from './port.ts';

/**
 * `split_contpte(ptep)` that leaves the group's last entry contiguous.
 * @param k - kernel context
 * @param ptep - any PTE of the group
 */
export function* split_contpte(k: Kern, ptep: bigint): KGen<void> {
  let p = ptep & ~(BigInt(k.g.CONT_PTES) * 8n - 1n);
  // MUTANT: `i < CONT_PTES - 1` (faithful: `i < CONT_PTES`).
  for (let i = 0; i < k.g.CONT_PTES - 1; i++, p += 8n) yield* __set_pte(k, p, pte_mknoncont(yield* READ_ONCE(k, p)));
}

/** The port with this split_contpte(). */
export const createSut = portWith('contpte-decont-all-but-one', { split_contpte });
export default createSut;
