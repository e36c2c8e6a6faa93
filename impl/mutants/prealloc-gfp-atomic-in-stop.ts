/**
 * Mutant `prealloc-gfp-atomic-in-stop` — mmu.c `pgd_pgtable_alloc_init_mm_gfp()` ignores the
 * pre-allocated pool: inside stop_machine() the repaint allocates with GFP_ATOMIC, as upstream
 * does today, and the pool is freed unused afterwards.
 *
 * Why this mutant? It is upstream's behaviour (kernel §5.4): 3df6979d222b allocates the repaint's
 * tables with GFP_ATOMIC inside stop_machine() ("early boot has plenty of memory"). On PREEMPT_RT
 * that is not allowed (zone and pcp locks are sleeping locks; Yeoreum Yun's series, v1–v5). In
 * the series the split takes pages from the array filled before stop_machine(); a version that
 * fills the pool but whose allocation hook still calls the page allocator — the hook is the one
 * line that connects the two halves — looks complete, boots, and frees the pool afterwards.
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { Gfp, KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { __pgd_pgtable_alloc } from '../mmu-split.ts';
import type { pgtable_level } from '../shims/dup.ts';
import { portWith } from './port.ts';

/**
 * `pgd_pgtable_alloc_init_mm_gfp(level, gfp)` that never takes from the pool.
 * @param k - kernel context
 * @param level - the table's level
 * @param gfp - allocation flags
 * @returns its PA or `INVALID_PHYS_ADDR`
 */
export function* pgd_pgtable_alloc_init_mm_gfp(k: Kern, level: pgtable_level, gfp: Gfp): KGen<bigint> {
  // MUTANT: no `if (split_pgtables) return split_pgtables[level].pop() ?? INVALID_PHYS_ADDR;`.
  return yield* __pgd_pgtable_alloc(k, gfp, level);
}

/** The port with this pgd_pgtable_alloc_init_mm_gfp(). */
export const createSut = portWith('prealloc-gfp-atomic-in-stop', { pgd_pgtable_alloc_init_mm_gfp });
export default createSut;
