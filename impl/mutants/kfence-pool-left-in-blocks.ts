/**
 * Mutant `kfence-pool-left-in-blocks` — mmu.c `arch_kfence_init_pool()` returns true without
 * splitting: a late KFENCE pool stays in the linear map's blocks and contiguous groups.
 *
 * Why this mutant? It is the second half of ce2b3a50ad92 "Don't sleep in
 * split_kernel_leaf_mapping() when in atomic context" (v6.18-rc5), taken back out: before it,
 * arm64's `arch_kfence_init_pool()` was `{ return true; }` (asm/kfence.h). The first half made
 * `split_kernel_leaf_mapping()` return 0 for KFENCE addresses, because KFENCE flips single pool
 * pages from softirq (`kfence_protect_page()` → `set_memory_valid(addr, 1, …)`) where the split
 * mutex may not be taken; that is only safe if the pool is already page-mapped. A late pool
 * (`kfence.sample_interval` set at run time) comes from the buddy allocator, inside blocks: without
 * the up-front split, the first protect is refused (pageattr WARN, -EINVAL) or changes a whole
 * contiguous group.
 *
 * Differs from the faithful port (impl/mmu-map-mem.ts) in the line marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { portWith } from './port.ts';

/**
 * `arch_kfence_init_pool()` before ce2b3a50ad92.
 * @param _k - kernel context
 * @returns true
 */
// eslint-disable-next-line require-yield
export function* arch_kfence_init_pool(_k: Kern): KGen<boolean> {
  // MUTANT: `return true;` (faithful: split [__kfence_pool, +KFENCE_POOL_SIZE) to PTEs under
  // pgtable_split_lock unless force_pte_mapping() or kfence_early_init).
  return true;
}

/** The port with this arch_kfence_init_pool(). */
export const createSut = portWith('kfence-pool-left-in-blocks', { arch_kfence_init_pool });
export default createSut;
