/**
 * A minimal stand-in for mm/vmalloc.c, enough for set_memory_*(): a VM_ALLOC area at the next
 * free vmalloc VA (plus a guard page), mapped page by page with PTEs in swapper_pg_dir.
 * DEVIATION: the mapping is built with __create_pgd_mapping() (mmu.c) rather than vmap_*_range(),
 * so its barriers are those of the mmu.c helpers; areas are never freed.
 *
 * Layer: impl (support for the port).
 */
import type { KGen } from './contract.ts';
import { VM_ALLOC } from './kernel.ts';
import type { Kern } from './kernel.ts';
import { __create_pgd_mapping } from './mmu-create.ts';
import { pgd_pgtable_alloc_init_mm } from './mmu-split.ts';
import { NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS, PAGE_KERNEL } from './shims/dup.ts';

/**
 * `vmap(pages, count, VM_ALLOC-like, PAGE_KERNEL)`.
 * @param k - kernel context
 * @param pages - physical addresses of the backing pages
 * @returns the area's VA, or 0n when a table allocation failed
 */
export function* vmalloc_area(k: Kern, pages: readonly bigint[]): KGen<bigint> {
  const size = BigInt(pages.length) * k.g.PAGE_SIZE;
  const addr = k.s.vmalloc_next;
  k.s.vmalloc_next += size + k.g.PAGE_SIZE;
  let va = addr;
  for (const pa of pages) {
    const ret = yield* __create_pgd_mapping(
      k,
      pa,
      va,
      k.g.PAGE_SIZE,
      PAGE_KERNEL,
      pgd_pgtable_alloc_init_mm,
      NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS,
    );
    if (ret) return 0n;
    va += k.g.PAGE_SIZE;
  }
  k.s.vm_areas.push({ addr, size: size + k.g.PAGE_SIZE, flags: VM_ALLOC, pages: [...pages] });
  return addr;
}
