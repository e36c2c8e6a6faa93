/**
 * Mutant `flush-one-page-short` — pageattr.c `__change_memory_common()` flushes
 * `[start, start + size - PAGE_SIZE)`: the last page of the range keeps its old TLB entries.
 *
 * Why this mutant? `flush_tlb_kernel_range()` takes an *exclusive* end, but "the last page" is
 * `start + size - PAGE_SIZE`, and inclusive/exclusive mix-ups at range ends are among the most
 * common kernel bugs. Every page but the last is flushed, so a test that writes to the first page
 * after set_memory_ro() sees the fault; a single-page change (the linear alias of each vmalloc
 * page under rodata=full) flushes nothing at all. A CPU can then keep writing through a stale
 * writable entry after the call returned (kernel §6.2; Arm B8, C3).
 *
 * Differs from the faithful port (impl/pageattr.ts) in the line marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { update_range_prot } from '../pageattr.ts';
import { flush_tlb_kernel_range } from '../shims/custom.ts';
import { PTE_PRESENT_INVALID, PTE_PRESENT_VALID_KERNEL, PTE_VALID } from '../shims/dup.ts';
import { portWith } from './port.ts';

/**
 * `__change_memory_common()` whose flush stops one page short.
 * @param k - kernel context
 * @param start - start VA
 * @param size - bytes
 * @param set_mask - bits to set
 * @param clear_mask - bits to clear
 * @returns the update's result
 */
export function* __change_memory_common(
  k: Kern,
  start: bigint,
  size: bigint,
  set_mask: bigint,
  clear_mask: bigint,
): KGen<number> {
  const ret = yield* update_range_prot(k, start, size, set_mask, clear_mask);
  const noflush =
    k.cfg.variant === 'v6.18'
      ? set_mask === PTE_VALID && clear_mask === 0n
      : set_mask === PTE_PRESENT_VALID_KERNEL && clear_mask === PTE_PRESENT_INVALID;
  // MUTANT: end `start + size - PAGE_SIZE` (faithful: `start + size`).
  if (!noflush) yield* flush_tlb_kernel_range(k, start, start + size - k.g.PAGE_SIZE);
  return ret;
}

/** The port with this __change_memory_common(). */
export const createSut = portWith('flush-one-page-short', { __change_memory_common });
export default createSut;
