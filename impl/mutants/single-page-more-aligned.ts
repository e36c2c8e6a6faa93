/**
 * Mutant `single-page-more-aligned` — mmu.c `split_kernel_leaf_mapping()`: the single-page
 * shortcut splits at the *more* aligned of `start` and `end` instead of the less aligned one.
 *
 * Why this mutant? The shortcut (a166563e7ec3) rests on a subtle argument (kernel §3.1): of `s`
 * and `s + PAGE_SIZE` one is an odd multiple of PAGE_SIZE; splitting *there* descends to PTE level
 * and breaks the cont group, which makes the other address a boundary too. The comparison
 * `__ffs(start) < __ffs(end) ? start : end` reads naturally either way round, and "split at the
 * more aligned address, it needs fewer levels" sounds like an optimisation. But the more aligned
 * address may already be a leaf boundary (a cont-group or block edge), so nothing is split and
 * the page stays inside a cont group or block.
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
 * `split_kernel_leaf_mapping(start, end)` with the shortcut's choice inverted.
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
    // MUTANT: `? end : start` (faithful: `__ffs(start) < __ffs(end) ? start : end`).
    const at = __ffs(start) < __ffs(end) ? end : start;
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
export const createSut = portWith('single-page-more-aligned', { split_kernel_leaf_mapping });
export default createSut;
