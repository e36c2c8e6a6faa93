/**
 * Port of the repaint half of arch/arm64/mm/mmu.c, in the kernel's order:
 * split_to_ptes_pud_entry(), split_to_ptes_pmd_entry(), split_to_ptes_pte_entry(),
 * range_split_to_ptes(), init_idmap_kpti_bbml2_flag(), linear_map_split_to_ptes(),
 * linear_map_maybe_split_to_ptes() — with the `prealloc` variant's hooks around stop_machine().
 *
 * Layer: impl (the port).
 */
import type { Gfp, KGen } from './contract.ts';
import { system_supports_bbml2_noabort } from './cpufeature.ts';
import { __phys_to_virt } from './kernel.ts';
import type { Kern } from './kernel.ts';
import { ACTION_CONTINUE, walk_kernel_page_table_range_lockless } from './pagewalk.ts';
import type { mm_walk, mm_walk_ops } from './pagewalk.ts';
import { linear_map_free_split_pgtables, linear_map_prealloc_split_pgtables } from './prealloc.ts';
import { cpu_install_idmap, cpu_uninstall_idmap, wait_linear_map_split_to_ptes } from './proc.ts';
import { flush_tlb_kernel_range, lazy_mmu_mode_disable, lazy_mmu_mode_enable, READ_ONCE } from './shims/custom.ts';
import { PAGE_END, PAGE_OFFSET } from './shims/dup.ts';
import { pmd_cont, pmd_leaf, pte_cont, pud_leaf } from './shims/pgtable.ts';
import { panic } from './shims/stubs.ts';

/**
 * `split_to_ptes_pud_entry()`: a PUD leaf becomes a table of plain PMD blocks; the walker then
 * descends into it.
 * @param k - kernel context
 * @param pudp - the entry
 * @param _addr - start of its span
 * @param _next - end of its span
 * @param walk - the walk (private: the gfp)
 * @returns 0 or -ENOMEM
 * @see arch/arm64/mm/mmu.c: split_to_ptes_pud_entry()
 */
export function* split_to_ptes_pud_entry(
  k: Kern,
  pudp: bigint,
  _addr: bigint,
  _next: bigint,
  walk: mm_walk<Gfp>,
): KGen<number> {
  const pud = yield* READ_ONCE(k, pudp);
  let ret = 0;
  if (pud_leaf(pud)) ret = yield* k.fn.split_pud(k, pudp, pud, walk.private, false);
  return ret;
}

/**
 * `split_to_ptes_pmd_entry()`: a PMD leaf loses its cont group and becomes a table of plain PTEs;
 * the walker skips the new PTEs (`ACTION_CONTINUE`).
 * @param k - kernel context
 * @param pmdp - the entry
 * @param _addr - start of its span
 * @param _next - end of its span
 * @param walk - the walk (private: the gfp)
 * @returns 0 or -ENOMEM
 * @see arch/arm64/mm/mmu.c: split_to_ptes_pmd_entry()
 */
export function* split_to_ptes_pmd_entry(
  k: Kern,
  pmdp: bigint,
  _addr: bigint,
  _next: bigint,
  walk: mm_walk<Gfp>,
): KGen<number> {
  const pmd = yield* READ_ONCE(k, pmdp);
  let ret = 0;
  if (pmd_leaf(pmd)) {
    if (pmd_cont(pmd)) yield* k.fn.split_contpmd(k, pmdp);
    ret = yield* k.fn.split_pmd(k, pmdp, pmd, walk.private, false);
    walk.action = ACTION_CONTINUE;
  }
  return ret;
}

/**
 * `split_to_ptes_pte_entry()`: a cont PTE de-conts its group.
 * @param k - kernel context
 * @param ptep - the entry
 * @returns 0
 * @see arch/arm64/mm/mmu.c: split_to_ptes_pte_entry()
 */
export function* split_to_ptes_pte_entry(k: Kern, ptep: bigint): KGen<number> {
  const pte = yield* READ_ONCE(k, ptep);
  if (pte_cont(pte)) yield* k.fn.split_contpte(k, ptep);
  return 0;
}

/** `split_to_ptes_ops` */
export const split_to_ptes_ops: mm_walk_ops<Gfp> = {
  pud_entry: split_to_ptes_pud_entry,
  pmd_entry: split_to_ptes_pmd_entry,
  pte_entry: split_to_ptes_pte_entry,
};

/**
 * `range_split_to_ptes(start, end, gfp)`: every leaf overlapping `[start, end)` becomes plain
 * PTEs, in lazy MMU mode.
 * @param k - kernel context
 * @param start - start VA
 * @param end - end VA
 * @param gfp - allocation flags for the new tables
 * @returns 0 or the first error
 * @see arch/arm64/mm/mmu.c: range_split_to_ptes()
 */
export function* range_split_to_ptes(k: Kern, start: bigint, end: bigint, gfp: Gfp): KGen<number> {
  lazy_mmu_mode_enable(k);
  const ret = yield* walk_kernel_page_table_range_lockless(k, start, end, k.fn.split_to_ptes_ops, gfp);
  yield* lazy_mmu_mode_disable(k);
  return ret;
}

/**
 * `init_idmap_kpti_bbml2_flag()`: flag := 1, then `smp_mb()` (not traced: no table effect).
 * @param k - kernel context
 * @see arch/arm64/mm/mmu.c: init_idmap_kpti_bbml2_flag()
 */
export function init_idmap_kpti_bbml2_flag(k: Kern): void {
  k.s.idmap_kpti_bbml2_flag = 1;
}

/**
 * `linear_map_split_to_ptes()`, the stop_machine() callback. CPU 0 waits until every other CPU
 * has parked (flag == num_online_cpus()), splits `[lstart, kstart)` and `[kend, lend)` with
 * GFP_ATOMIC, panics on failure, flushes the whole linear map and releases the others (flag := 0).
 * Every other CPU waits on the ID map with reserved TTBR1.
 * @param k - kernel context
 * @returns 0
 * @see arch/arm64/mm/mmu.c: linear_map_split_to_ptes()
 */
export function* linear_map_split_to_ptes(k: Kern): KGen<number> {
  const cpu = k.hw.currentCpu();
  // DEVIATION: `smp_cond_load_acquire()` and the flag's barriers are a spin on cpuRelax(); the
  // boot CPU is logical CPU 0.
  if (cpu === 0) {
    const lstart = PAGE_OFFSET;
    const lend = PAGE_END;
    const kstart = __phys_to_virt(k, k.cfg.memblock.kernel.stext);
    const kend = __phys_to_virt(k, k.cfg.memblock.kernel.init_begin);
    k.s.context.set(cpu, 'stopped');
    while (k.s.idmap_kpti_bbml2_flag !== k.hw.onlineCpus().length) yield* k.hw.cpuRelax();
    let ret = yield* range_split_to_ptes(k, lstart, kstart, 'GFP_ATOMIC');
    if (!ret) ret = yield* range_split_to_ptes(k, kend, lend, 'GFP_ATOMIC');
    if (ret) panic(k, 'Failed to split linear map');
    yield* flush_tlb_kernel_range(k, lstart, lend);
    k.s.idmap_kpti_bbml2_flag = 0;
    k.s.context.delete(cpu);
  } else {
    yield* cpu_install_idmap(k);
    yield* wait_linear_map_split_to_ptes(k);
    yield* cpu_uninstall_idmap(k);
  }
  return 0;
}

/**
 * `linear_map_maybe_split_to_ptes()`: repaint when the linear map relied on the boot CPU's
 * BBML2-noabort and the finalised system lacks it. The `prealloc` variant allocates the tables
 * first (process context) and frees the leftovers after stop_machine().
 * @param k - kernel context
 * @see arch/arm64/mm/mmu.c: linear_map_maybe_split_to_ptes()
 */
export function* linear_map_maybe_split_to_ptes(k: Kern): KGen<void> {
  if (k.s.linear_map_requires_bbml2 && !system_supports_bbml2_noabort(k)) {
    if (k.cfg.variant === 'prealloc') {
      const ret = yield* linear_map_prealloc_split_pgtables(k);
      if (ret) panic(k, 'Failed to split linear map');
    }
    init_idmap_kpti_bbml2_flag(k);
    yield* k.hw.stopMachine(() => k.fn.linear_map_split_to_ptes(k));
    if (k.cfg.variant === 'prealloc') yield* linear_map_free_split_pgtables(k);
  }
}
