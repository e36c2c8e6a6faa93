/**
 * Mutant `contpmd-forgets-entry` — mmu.c `split_contpmd()` loops CONT_PMDS - 1 times, leaving
 * the last PMD of the group with its cont bit.
 *
 * Why this mutant? The same fencepost as `contpte-decont-all-but-one`, at the level where it is
 * least tested: cont-PMD groups (32 MiB with 4K pages, 1 GiB with 16K, 16 GiB with 64K) exist only
 * in block-mapped linear maps with enough aligned RAM, and the translation stays right. The group
 * is left half contiguous (kernel §8 inv. 8; Arm C1/C3).
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the line marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { READ_ONCE, set_pmd } from '../shims/custom.ts';
import { pmd_mknoncont } from '../shims/pgtable.ts';
import { portWith } from './port.ts';

/**
 * `split_contpmd(pmdp)` that forgets the group's last entry.
 * @param k - kernel context
 * @param pmdp - any PMD entry of the group
 */
export function* split_contpmd(k: Kern, pmdp: bigint): KGen<void> {
  let p = pmdp & ~(BigInt(k.g.CONT_PMDS) * 8n - 1n);
  // MUTANT: `i < CONT_PMDS - 1` (faithful: `i < CONT_PMDS`).
  for (let i = 0; i < k.g.CONT_PMDS - 1; i++, p += 8n) yield* set_pmd(k, p, pmd_mknoncont(yield* READ_ONCE(k, p)));
}

/** The port with this split_contpmd(). */
export const createSut = portWith('contpmd-forgets-entry', { split_contpmd });
export default createSut;
