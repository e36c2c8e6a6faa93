/**
 * Mutant `map-mem-maps-nomap` — mmu.c `map_mem()` maps every memblock.memory range, NOMAP regions
 * included.
 *
 * Why this mutant? `for_each_mem_range()` skips regions marked MEMBLOCK_NOMAP (firmware memory the
 * kernel must not map: UEFI runtime regions and tables the firmware maps with its own attributes;
 * arm64 marks them with `memblock_mark_nomap()` in efi_init() and early_init_dt_reserve_memory()).
 * Iterating memblock.memory directly, or clearing the NOMAP flag too early (v6.18 `map_mem()` sets
 * and clears it itself around the kernel image), maps them cacheable: a mismatched-attribute alias
 * of memory the firmware owns. Nothing about splits or break-before-make shows it; only a check of
 * the boot map against the memblock layout does.
 *
 * Differs from the faithful port (impl/mmu-map-mem.ts) in the line marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen, PhysRange } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { oldMapMemShape } from '../kernel.ts';
import { __map_memblock, arm64_kfence_alloc_pool, arm64_kfence_map_pool, for_each_mem_range } from '../mmu-map-mem.ts';
import { force_pte_mapping } from '../mmu-split.ts';
import { can_set_direct_map } from '../pageattr.ts';
import { NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS, NO_EXEC_MAPPINGS, PAGE_KERNEL, pgprot_tagged } from '../shims/dup.ts';
import { portWith } from './port.ts';

/**
 * `map_mem()` that ignores NOMAP.
 * @param k - kernel context
 */
export function* map_mem(k: Kern): KGen<void> {
  const kern = k.cfg.memblock.kernel;
  // MUTANT: `[]` (faithful: `[...(k.cfg.memblock.nomap ?? [])]`, the MEMBLOCK_NOMAP regions).
  const nomap: PhysRange[] = [];
  let flags = NO_EXEC_MAPPINGS;
  const oldOrder = oldMapMemShape(k);
  let early_kfence_pool: bigint | null = null;

  if (oldOrder) early_kfence_pool = arm64_kfence_alloc_pool(k);
  else yield* arm64_kfence_map_pool(k, arm64_kfence_alloc_pool(k));

  k.s.linear_map_requires_bbml2 = !force_pte_mapping(k) && can_set_direct_map(k);
  if (force_pte_mapping(k)) flags |= NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS;

  if (oldOrder) {
    const tmp: PhysRange[] = [{ base: kern.text, size: kern.init_begin - kern.text }];
    if (early_kfence_pool !== null) tmp.push({ base: early_kfence_pool, size: k.KFENCE_POOL_SIZE });
    for (const r of for_each_mem_range(k.cfg.memblock.banks, [...nomap, ...tmp]))
      yield* __map_memblock(k, r.base, r.base + r.size, pgprot_tagged(PAGE_KERNEL), flags);
    yield* __map_memblock(k, kern.text, kern.init_begin, PAGE_KERNEL, NO_CONT_MAPPINGS);
    yield* arm64_kfence_map_pool(k, early_kfence_pool);
    return;
  }

  yield* __map_memblock(k, kern.text, kern.init_begin, pgprot_tagged(PAGE_KERNEL), flags);
  yield* __map_memblock(k, kern.init_end, kern.end, pgprot_tagged(PAGE_KERNEL), flags);
  for (const r of for_each_mem_range(k.cfg.memblock.banks, nomap))
    yield* __map_memblock(k, r.base, r.base + r.size, pgprot_tagged(PAGE_KERNEL), flags);
}

/** The port with this map_mem(). */
export const createSut = portWith('map-mem-maps-nomap', { map_mem });
export default createSut;
