/**
 * Mutant `contpte-misaligned-start` — mmu.c `split_contpte()` does not align `ptep` down to the
 * start of its CONT_PTES group: it de-conts CONT_PTES entries from `ptep` onward.
 *
 * Why this mutant? The kernel's `split_contpte()` begins with `ptep = PTR_ALIGN_DOWN(ptep,
 * sizeof(*ptep) * CONT_PTES);` — one line that is easy to lose when the function is written from
 * the description "clear PTE_CONT on the CONT_PTES entries" (the caller passes the PTE of `addr`,
 * which is rarely the first of its group). Then the head of the group stays contiguous and the
 * head of the *next* group loses its cont bit: two misprogrammed groups (kernel §8 inv. 8), and
 * when `ptep` is near the end of the table page the loop writes past it.
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
 * `split_contpte(ptep)` starting at `ptep` itself.
 * @param k - kernel context
 * @param ptep - any PTE of the group
 */
export function* split_contpte(k: Kern, ptep: bigint): KGen<void> {
  // MUTANT: `p = ptep` (faithful: `p = PTR_ALIGN_DOWN(ptep, sizeof(*ptep) * CONT_PTES)`).
  let p = ptep;
  for (let i = 0; i < k.g.CONT_PTES; i++, p += 8n) yield* __set_pte(k, p, pte_mknoncont(yield* READ_ONCE(k, p)));
}

/** The port with this split_contpte(). */
export const createSut = portWith('contpte-misaligned-start', { split_contpte });
export default createSut;
