/**
 * Port of the boot-time linear map of arch/arm64/mm/mmu.c, in the kernel's order:
 * __map_memblock(), the KFENCE pool helpers (arm64_kfence_alloc_pool() / arm64_kfence_map_pool(),
 * arch_kfence_init_pool()) and map_mem(). v7.2-rc (Ard Biesheuvel's 2026 series; also v7.3 and
 * prealloc) maps the KFENCE pool, the kernel alias and data/bss first, then every bank; v6.18 and
 * v7.1 ({@link oldMapMemShape}) NOMAP the kernel and pool, map the banks, then the alias
 * (PAGE_KERNEL, NO_CONT_MAPPINGS only) and the pool.
 *
 * Layer: impl (the port).
 */
import type { KGen, PhysRange } from './contract.ts';
import { can_set_direct_map } from './pageattr.ts';
import { __phys_to_virt, oldMapMemShape } from './kernel.ts';
import type { Kern } from './kernel.ts';
import { early_create_pgd_mapping, early_pgtable_alloc } from './mmu-create.ts';
import { force_pte_mapping, split_leaf_mapping_possible } from './mmu-split.ts';
import { range_split_to_ptes } from './mmu-repaint.ts';
import { NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS, NO_EXEC_MAPPINGS, PAGE_KERNEL, pgprot_tagged } from './shims/dup.ts';
import { mutex_lock, mutex_unlock } from './shims/stubs.ts';

/**
 * `for_each_mem_range()`: memblock.memory minus NOMAP regions, in address order.
 * @param banks - memory banks
 * @param nomap - NOMAP regions
 * @returns the ranges to map
 */
export function for_each_mem_range(banks: readonly PhysRange[], nomap: readonly PhysRange[]): PhysRange[] {
  const out: PhysRange[] = [];
  const holes = [...nomap].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  for (const b of banks) {
    let start = b.base;
    const end = b.base + b.size;
    for (const h of holes) {
      const hs = h.base;
      const he = h.base + h.size;
      if (he <= start || hs >= end) continue;
      if (hs > start) out.push({ base: start, size: hs - start });
      start = he > start ? he : start;
    }
    if (start < end) out.push({ base: start, size: end - start });
  }
  return out;
}

/**
 * `__map_memblock(start, end, prot, flags)`: map `[start, end)` at its linear-map VA.
 * @param k - kernel context
 * @param start - start PA
 * @param end - end PA
 * @param prot - attributes
 * @param flags - NO_*_MAPPINGS
 * @see arch/arm64/mm/mmu.c: __map_memblock()
 */
export function* __map_memblock(k: Kern, start: bigint, end: bigint, prot: bigint, flags: number): KGen<void> {
  yield* early_create_pgd_mapping(k, start, __phys_to_virt(k, start), end - start, prot, early_pgtable_alloc, flags);
}

/**
 * `arm64_kfence_alloc_pool()` (v6.18, v7.1): the pool from memblock, NOMAP until mapped. DEVIATION: the
 * pool's PA comes from the layout, and a layout without a pool stands for a failed memblock
 * allocation (`kfence_early_init = false`).
 * @param k - kernel context
 * @returns the pool PA, or null
 */
export function arm64_kfence_alloc_pool(k: Kern): bigint | null {
  if (!k.s.kfence_early_init) return null;
  const pool = k.cfg.memblock.kfence_pool;
  if (pool === undefined) {
    k.s.kfence_early_init = false;
    return null;
  }
  return pool;
}

/**
 * `arm64_kfence_map_pool()`: map the early pool page by page and set `__kfence_pool`.
 * v7.2-rc allocates and maps it before everything else (with NO_EXEC_MAPPINGS); v6.18 and v7.1
 * map the pool allocated by arm64_kfence_alloc_pool() after the banks.
 * @param k - kernel context
 * @param pool - the pool PA, or null
 */
export function* arm64_kfence_map_pool(k: Kern, pool: bigint | null): KGen<void> {
  if (pool === null) return;
  const flags = oldMapMemShape(k)
    ? NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS
    : NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS | NO_EXEC_MAPPINGS;
  yield* __map_memblock(k, pool, pool + k.KFENCE_POOL_SIZE, pgprot_tagged(PAGE_KERNEL), flags);
  k.s.__kfence_pool = __phys_to_virt(k, pool);
}

/**
 * `arch_kfence_init_pool()`: a late pool in a block-mapped linear map is split to PTEs under
 * `pgtable_split_lock` (GFP_PGTABLE_KERNEL, no TLB invalidation by design).
 * @param k - kernel context
 * @returns false when the split failed (KFENCE gives up)
 * @see arch/arm64/mm/mmu.c: arch_kfence_init_pool()
 */
export function* arch_kfence_init_pool(k: Kern): KGen<boolean> {
  const pool = k.s.__kfence_pool;
  if (pool === null) return false;
  const start = pool;
  const end = start + k.KFENCE_POOL_SIZE;
  if (k.cfg.variant === 'v6.18' ? !split_leaf_mapping_possible(k) : force_pte_mapping(k)) return true;
  if (k.s.kfence_early_init) return true;
  yield* mutex_lock(k, 'pgtable_split_lock');
  const ret = yield* range_split_to_ptes(k, start, end, 'GFP_PGTABLE_KERNEL');
  yield* mutex_unlock(k, 'pgtable_split_lock');
  return !ret;
}

/**
 * `map_mem()`: the linear map of every memblock range, decided by force_pte_mapping(); records
 * `linear_map_requires_bbml2 = !force_pte_mapping() && can_set_direct_map()` (static since
 * f12b435de2f2, v7.1). v7.2-rc follows the spec's M-7.x source (alias, data/bss and KFENCE pool
 * mapped before the banks: Ard Biesheuvel's 2026 series); v6.18 and v7.1 the M-6.18 order (banks
 * with the alias and the pool NOMAP'd, then the alias, then the pool). DEVIATION: no full v7.1
 * mmu.c was read; v7.1's map_mem() is taken to be v6.18's, which the fixes merged in between
 * (ce2b3a50ad92, b7737c38e7cb, f12b435de2f2, 15bfba1ad77f) do not reorder [I].
 * @param k - kernel context
 * @see arch/arm64/mm/mmu.c: map_mem()
 */
export function* map_mem(k: Kern): KGen<void> {
  const kern = k.cfg.memblock.kernel;
  const nomap = [...(k.cfg.memblock.nomap ?? [])];
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
