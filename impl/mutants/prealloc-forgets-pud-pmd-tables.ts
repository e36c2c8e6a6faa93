/**
 * Mutant `prealloc-forgets-pud-pmd-tables` — the prealloc series' `collect_to_split_pud_entry()`
 * counts one PMD table per PUD leaf but forgets the PTE tables that the PMD blocks it creates will
 * need: count = #PUD leaves + #PMD leaves instead of #PUD × (1 + PTRS_PER_PMD) + #PMD.
 *
 * Why this mutant? The count walk sees the tables as they are *before* the repaint: a PUD leaf
 * there is one leaf, and "one table per leaf" is the natural count. But split_pud() turns it into
 * PTRS_PER_PMD PMD blocks (512 with 4K), and the walker then descends into them and splits each
 * to PTEs (kernel §5.3, §5.4 "Count a model should use", §8 inv. 17). With 4K pages and a 1 GiB
 * PUD block the pool runs out 512 pages early, in the middle of stop_machine(): -ENOMEM, then
 * panic("Failed to split linear map"). Layouts without PUD blocks (most test machines) never see
 * it.
 *
 * Differs from the faithful port (impl/prealloc.ts) in the line marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { ACTION_CONTINUE } from '../pagewalk.ts';
import type { mm_walk } from '../pagewalk.ts';
import { collect_to_split_ops } from '../prealloc.ts';
import type { split_pgtables_count } from '../prealloc.ts';
import { READ_ONCE } from '../shims/custom.ts';
import { pud_leaf } from '../shims/pgtable.ts';
import { portWith } from './port.ts';

/**
 * `collect_to_split_pud_entry()` counting only the PMD table of a PUD leaf.
 * @param k - kernel context
 * @param pudp - the entry
 * @param _addr - start of its span
 * @param _next - end of its span
 * @param walk - the walk (private: the counts)
 * @returns 0
 */
export function* collect_to_split_pud_entry(
  k: Kern,
  pudp: bigint,
  _addr: bigint,
  _next: bigint,
  walk: mm_walk<split_pgtables_count>,
): KGen<number> {
  if (pud_leaf(yield* READ_ONCE(k, pudp))) {
    walk.private.pmd += 1;
    // MUTANT: no `walk.private.pte += PTRS_PER_PMD;` (the PTE tables of the new PMD blocks).
    walk.action = ACTION_CONTINUE;
  }
  return 0;
}

/** The port with this collect_to_split_pud_entry() in `collect_to_split_ops`. */
export const createSut = portWith('prealloc-forgets-pud-pmd-tables', {
  collect_to_split_ops: { ...collect_to_split_ops, pud_entry: collect_to_split_pud_entry },
});
export default createSut;
