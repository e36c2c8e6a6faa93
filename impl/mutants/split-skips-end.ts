/**
 * Mutant `split-skips-end` — mmu.c `split_kernel_leaf_mapping()`: the test before the second
 * boundary is inverted (`if (ret)` for `if (!ret)`), so `end` is split only after `start` failed.
 *
 * Why this mutant? The error-chaining idiom `ret = f(a); if (!ret) ret = f(b);` is one character
 * away from its opposite, and every test that splits a single page or a range whose end already
 * sits on a leaf boundary passes. A range whose end falls inside a block or cont group then keeps
 * that leaf whole, and the permission walk refuses the partial block (WARN, -EINVAL) or changes a
 * whole cont group for a part of it.
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the line marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import { system_capabilities_finalized, system_supports_bbml2_noabort } from '../cpufeature.ts';
import type { Kern } from '../kernel.ts';
import { is_kfence_address, split_leaf_mapping_possible } from '../mmu-split.ts';
import { lazy_mmu_mode_disable, lazy_mmu_mode_enable } from '../shims/custom.ts';
import { EBUSY, EINVAL } from '../shims/dup.ts';
import { __ffs } from '../shims/pgtable.ts';
import { mutex_lock, mutex_unlock, WARN_ON } from '../shims/stubs.ts';
import { aligned, portWith } from './port.ts';

/**
 * `split_kernel_leaf_mapping(start, end)` that skips `end` when `start` succeeded.
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
  if (end - start === k.g.PAGE_SIZE) {
    const at = __ffs(start) < __ffs(end) ? start : end;
    ret = yield* k.fn.split_kernel_leaf_mapping_locked(k, at);
  } else {
    ret = yield* k.fn.split_kernel_leaf_mapping_locked(k, start);
    // MUTANT: `if (ret)` (faithful: `if (!ret)`).
    if (ret) ret = yield* k.fn.split_kernel_leaf_mapping_locked(k, end);
  }
  yield* lazy_mmu_mode_disable(k);
  yield* mutex_unlock(k, 'pgtable_split_lock');
  return ret;
}

/** The port with this split_kernel_leaf_mapping(). */
export const createSut = portWith('split-skips-end', { split_kernel_leaf_mapping });
export default createSut;
