/**
 * Mutant `alias-whole-area` — pageattr.c `change_memory_common()` changes the linear alias of
 * every page of the vmalloc area, not only of the pages asked for.
 *
 * Why this mutant? It is the behaviour 37cb0aab9068 "make linear mapping permission update more
 * robust for partial range" (v6.19) fixed, put back into the v7.1 port: the rodata=full loop over
 * `area->pages[]` ran from 0 to `area->nr_pages`, whatever `addr` and `numpages` said. A
 * `set_memory_ro()` of the first page of a module's area made the linear alias of *every* page of
 * the area read-only (and `set_memory_rw()` of one page made them all writable again), and with
 * block mappings split each alias page for nothing. The vmalloc range itself is right, so only the
 * pages not asked for show it. The v6.18 variant keeps its own (pre-fix) loop.
 *
 * Differs from the faithful port (impl/pageattr.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import { __phys_to_virt, VM_ALLOC, VM_ALLOW_HUGE_VMAP } from '../kernel.ts';
import type { Kern } from '../kernel.ts';
import { find_vm_area } from '../pageattr.ts';
import { EINVAL, PTE_RDONLY } from '../shims/dup.ts';
import { WARN_ON_ONCE } from '../shims/stubs.ts';
import { portWith } from './port.ts';

/**
 * `change_memory_common()` with the pre-37cb0aab9068 alias loop.
 * @param k - kernel context
 * @param addr - start VA
 * @param numpages - pages
 * @param set_mask - bits to set
 * @param clear_mask - bits to clear
 * @returns 0 or an error
 */
export function* change_memory_common(
  k: Kern,
  addr: bigint,
  numpages: number,
  set_mask: bigint,
  clear_mask: bigint,
): KGen<number> {
  let start = addr;
  const size = k.g.PAGE_SIZE * BigInt(numpages);
  let end = start + size;
  if ((addr & ~k.g.PAGE_MASK) !== 0n) {
    start &= k.g.PAGE_MASK;
    end = start + size;
    WARN_ON_ONCE(k, true, 'change_memory_common: !PAGE_ALIGNED(addr)');
  }
  const area = find_vm_area(k, addr);
  if (area === undefined || end > area.addr + area.size || (area.flags & (VM_ALLOC | VM_ALLOW_HUGE_VMAP)) !== VM_ALLOC)
    return -EINVAL;
  if (!numpages) return 0;
  if (k.s.rodata_full && (set_mask === PTE_RDONLY || clear_mask === PTE_RDONLY)) {
    // MUTANT: every page of the area (faithful since 37cb0aab9068: `numpages` pages from
    // `(start - area->addr) >> PAGE_SHIFT`, stopping at the first error).
    for (const page of area.pages) {
      const ret = yield* k.fn.__change_memory_common(k, __phys_to_virt(k, page), k.g.PAGE_SIZE, set_mask, clear_mask);
      if (ret) return ret;
    }
  }
  return yield* k.fn.__change_memory_common(k, start, size, set_mask, clear_mask);
}

/** The port with this change_memory_common(). */
export const createSut = portWith('alias-whole-area', { change_memory_common });
export default createSut;
