/**
 * Mutant `split-gate-force-pte` — mmu.c `split_kernel_leaf_mapping()` (v7.1) gates on
 * `force_pte_mapping()` instead of `linear_map_requires_bbml2`.
 *
 * Why this mutant? It is the line f12b435de2f2 "Fix rodata=full block mapping support for realm
 * guests" replaced, with the comment "Do not call force_pte_mapping() here because it could return
 * a confusing result if called from a secondary cpu prior to finalizing caps. Instead,
 * linear_map_requires_bbml2 gives us what we need." Before finalisation `force_pte_mapping()` reads
 * the *calling* CPU's MIDR: on a secondary without BBML2-noabort it says "PTE-mapped" and the split
 * returns 0 instead of -EBUSY, so the permission walk meets a partial block. And it knows nothing of
 * `can_set_direct_map()`: with rodata=noalias/off the linear map has blocks that nobody asked to
 * split, yet it lets splits through (or answers -EBUSY in the windows where the kernel answers 0).
 * The two -EBUSY windows of the fix are kept, so only the gate differs.
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the line marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import { system_capabilities_finalized, system_supports_bbml2_noabort } from '../cpufeature.ts';
import type { Kern } from '../kernel.ts';
import { force_pte_mapping, is_kfence_address, split_leaf_mapping_possible } from '../mmu-split.ts';
import { lazy_mmu_mode_disable, lazy_mmu_mode_enable } from '../shims/custom.ts';
import { EBUSY, EINVAL } from '../shims/dup.ts';
import { __ffs } from '../shims/pgtable.ts';
import { mutex_lock, mutex_unlock, WARN_ON } from '../shims/stubs.ts';
import { aligned, portWith } from './port.ts';

/**
 * `split_kernel_leaf_mapping(start, end)` with the pre-f12b435de2f2 gate.
 * @param k - kernel context
 * @param start - start VA
 * @param end - end VA (exclusive)
 * @returns 0, -EINVAL, -ENOMEM or -EBUSY
 */
export function* split_kernel_leaf_mapping(k: Kern, start: bigint, end: bigint): KGen<number> {
  let ret: number;
  if (k.cfg.variant === 'v6.18') {
    if (!split_leaf_mapping_possible(k) || is_kfence_address(k, start)) return 0;
  } else {
    // MUTANT: `force_pte_mapping()` (faithful since f12b435de2f2: `!linear_map_requires_bbml2`).
    if (force_pte_mapping(k) || is_kfence_address(k, start)) return 0;
    if (!system_supports_bbml2_noabort(k)) {
      if (system_capabilities_finalized(k)) return 0;
      if (WARN_ON(k, !k.s.page_alloc_available, 'split_kernel_leaf_mapping: !page_alloc_available')) return -EBUSY;
      if (WARN_ON(k, k.hw.onlineCpus().length > 1, 'split_kernel_leaf_mapping: num_online_cpus() > 1')) return -EBUSY;
    }
  }
  if (!aligned(start, k.g.PAGE_SIZE) || !aligned(end, k.g.PAGE_SIZE)) return -EINVAL;

  yield* mutex_lock(k, 'pgtable_split_lock');
  lazy_mmu_mode_enable(k);
  if (end - start === k.g.PAGE_SIZE) {
    const at = __ffs(start) < __ffs(end) ? start : end;
    ret = yield* k.fn.split_kernel_leaf_mapping_locked(k, at);
  } else {
    ret = yield* k.fn.split_kernel_leaf_mapping_locked(k, start);
    if (!ret) ret = yield* k.fn.split_kernel_leaf_mapping_locked(k, end);
  }
  yield* lazy_mmu_mode_disable(k);
  yield* mutex_unlock(k, 'pgtable_split_lock');
  return ret;
}

/** The port with this split_kernel_leaf_mapping(). */
export const createSut = portWith('split-gate-force-pte', { split_kernel_leaf_mapping });
export default createSut;
