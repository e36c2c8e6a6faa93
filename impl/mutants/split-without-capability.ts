/**
 * Mutant `split-without-capability` — mmu.c `split_kernel_leaf_mapping()` without the system
 * capability test: no early return on a finalised system lacking BBML2-noabort, no `-EBUSY` in
 * the two blackout windows before finalisation; it splits live.
 *
 * Why this mutant? The gate has moved three times (kernel §3.1: a166563e7ec3 tested
 * `system_supports_bbml2_noabort()`, ce2b3a50ad92 `split_leaf_mapping_possible()`, f12b435de2f2
 * `linear_map_requires_bbml2` plus the blackout windows). A developer who reads
 * `linear_map_requires_bbml2` as "the linear map has blocks, so splitting is allowed" drops the
 * rest: but that flag only says the *boot* CPU had BBML2. After an early secondary without it,
 * the repaint leaves the kernel alias `[lm_alias(_stext), lm_alias(__init_begin))` block-mapped,
 * and before finalisation several CPUs may be up; a live block→table or cont→non-cont change
 * with such a CPU walking is exactly what BBM level 2 (noabort) is needed for (kernel §8 inv. 10).
 * v6.18: the same bug as `force_pte_mapping()` alone, which answers for the *calling* CPU before
 * finalisation.
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { force_pte_mapping, is_kfence_address } from '../mmu-split.ts';
import { lazy_mmu_mode_disable, lazy_mmu_mode_enable } from '../shims/custom.ts';
import { EINVAL } from '../shims/dup.ts';
import { __ffs } from '../shims/pgtable.ts';
import { mutex_lock, mutex_unlock } from '../shims/stubs.ts';
import { aligned, portWith } from './port.ts';

/**
 * `split_kernel_leaf_mapping(start, end)` that never asks whether the system has BBML2-noabort.
 * @param k - kernel context
 * @param start - start VA
 * @param end - end VA (exclusive)
 * @returns 0, -EINVAL or -ENOMEM
 */
export function* split_kernel_leaf_mapping(k: Kern, start: bigint, end: bigint): KGen<number> {
  let ret: number;
  if (k.cfg.variant === 'v6.18') {
    // MUTANT: `force_pte_mapping(k)` (faithful: `!split_leaf_mapping_possible(k)`, which also
    // requires system_supports_bbml2_noabort()).
    if (force_pte_mapping(k) || is_kfence_address(k, start)) return 0;
  } else {
    if (!k.s.linear_map_requires_bbml2 || is_kfence_address(k, start)) return 0;
    // MUTANT: no `if (!system_supports_bbml2_noabort()) { if (system_capabilities_finalized())
    // return 0; if (WARN_ON(!page_alloc_available)) return -EBUSY; if (WARN_ON(num_online_cpus()
    // > 1)) return -EBUSY; }`.
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
export const createSut = portWith('split-without-capability', { split_kernel_leaf_mapping });
export default createSut;
