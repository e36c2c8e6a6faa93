/**
 * Mutant `mutex-in-atomic` — mmu.c `split_kernel_leaf_mapping()` as before ce2b3a50ad92: no
 * `is_kfence_address()` and no PTE-mapped (`force_pte_mapping()` / `!linear_map_requires_bbml2`)
 * early exit, so callers in atomic context reach `mutex_lock(&pgtable_split_lock)`.
 *
 * Why this mutant? It was upstream: a166563e7ec3 (v6.18-rc1) returned early only when the system
 * lacked BBML2-noabort. KFENCE flips single pool pages from softirq and DEBUG_PAGEALLOC's
 * `__kernel_map_pages()` runs with interrupts off; both go through `set_memory_valid()` →
 * `update_range_prot()` → `split_kernel_leaf_mapping()`, which then slept on the mutex ("BUG:
 * sleeping function called from invalid context"). ce2b3a50ad92 (v6.18-rc5) added the early exit
 * for PTE-mapped linear maps and KFENCE addresses (kernel §3.1 (b), §8 inv. 13). Both maps are
 * page-granular already, so the split itself changes nothing: only the lock (and, for v7.1 before
 * finalisation, the blackout checks) is reached where it must not be.
 *
 * Differs from the faithful port (impl/mmu-split.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import { system_capabilities_finalized, system_supports_bbml2_noabort } from '../cpufeature.ts';
import type { Kern } from '../kernel.ts';
import { lazy_mmu_mode_disable, lazy_mmu_mode_enable } from '../shims/custom.ts';
import { EBUSY, EINVAL } from '../shims/dup.ts';
import { __ffs } from '../shims/pgtable.ts';
import { mutex_lock, mutex_unlock, WARN_ON } from '../shims/stubs.ts';
import { aligned, portWith } from './port.ts';

/**
 * `split_kernel_leaf_mapping(start, end)` without the atomic callers' early exit.
 * @param k - kernel context
 * @param start - start VA
 * @param end - end VA (exclusive)
 * @returns 0, -EINVAL, -ENOMEM or -EBUSY
 */
export function* split_kernel_leaf_mapping(k: Kern, start: bigint, end: bigint): KGen<number> {
  let ret: number;
  if (k.cfg.variant === 'v6.18') {
    // MUTANT: `if (!system_supports_bbml2_noabort()) return 0;` (a166563e7ec3; faithful:
    // `if (!split_leaf_mapping_possible() || is_kfence_address(start)) return 0;`).
    if (!system_supports_bbml2_noabort(k)) return 0;
  } else {
    // MUTANT: no `if (!linear_map_requires_bbml2 || is_kfence_address(start)) return 0;`.
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
export const createSut = portWith('mutex-in-atomic', { split_kernel_leaf_mapping });
export default createSut;
