/**
 * Mutant `split-whole-range` — mmu.c `split_kernel_leaf_mapping()` splits every leaf of
 * `[start, end)` to pages instead of making only `start` and `end` leaf boundaries.
 *
 * Why this mutant? "Just split the range" is the obvious first implementation, and the port
 * already has a function that does it: `range_split_to_ptes()`, which the KFENCE pool
 * (`arch_kfence_init_pool()`) and the repaint use. Reusing it here keeps the translation and
 * makes the boundaries exact, so nothing looks broken — but it breaks every block and cont group
 * *inside* the range, which the kernel keeps large on purpose (the permission walk then changes
 * them whole; kernel §3.1 "Which VAs are split", §8 inv. 6). Memory and TLB reach are lost, and
 * the children are plain instead of cont (`to_cont` false; inv. 7).
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import { system_capabilities_finalized, system_supports_bbml2_noabort } from '../cpufeature.ts';
import type { Kern } from '../kernel.ts';
import { range_split_to_ptes } from '../mmu-repaint.ts';
import { is_kfence_address, split_leaf_mapping_possible } from '../mmu-split.ts';
import { lazy_mmu_mode_disable, lazy_mmu_mode_enable } from '../shims/custom.ts';
import { EBUSY, EINVAL } from '../shims/dup.ts';
import { mutex_lock, mutex_unlock, WARN_ON } from '../shims/stubs.ts';
import { aligned, portWith } from './port.ts';

/**
 * `split_kernel_leaf_mapping(start, end)` with the whole range split to PTEs.
 * @param k - kernel context
 * @param start - start VA
 * @param end - end VA (exclusive)
 * @returns 0, -EINVAL, -ENOMEM or -EBUSY
 */
export function* split_kernel_leaf_mapping(k: Kern, start: bigint, end: bigint): KGen<number> {
  if (k.cfg.variant === 'v6.18') {
    if (!split_leaf_mapping_possible(k) || is_kfence_address(k, start)) return 0;
  } else {
    if (!k.s.linear_map_requires_bbml2 || is_kfence_address(k, start)) return 0;
    if (!system_supports_bbml2_noabort(k)) {
      if (system_capabilities_finalized(k)) return 0;
      if (WARN_ON(k, !k.s.page_alloc_available, 'split_kernel_leaf_mapping: !page_alloc_available')) return -EBUSY;
      if (WARN_ON(k, k.hw.onlineCpus().length > 1, 'split_kernel_leaf_mapping: num_online_cpus() > 1')) return -EBUSY;
    }
  }
  if (!aligned(start, k.g.PAGE_SIZE) || !aligned(end, k.g.PAGE_SIZE)) return -EINVAL;

  yield* mutex_lock(k, 'pgtable_split_lock');
  lazy_mmu_mode_enable(k);
  // MUTANT: `ret = range_split_to_ptes(start, end, GFP_PGTABLE_KERNEL);` replaces the boundary
  // splits (the single-page shortcut, or split_kernel_leaf_mapping_locked(start) then (end)).
  const ret = yield* range_split_to_ptes(k, start, end, 'GFP_PGTABLE_KERNEL');
  yield* lazy_mmu_mode_disable(k);
  yield* mutex_unlock(k, 'pgtable_split_lock');
  return ret;
}

/** The port with this split_kernel_leaf_mapping(). */
export const createSut = portWith('split-whole-range', { split_kernel_leaf_mapping });
export default createSut;
