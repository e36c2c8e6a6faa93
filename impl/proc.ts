/**
 * Port of the parts of arch/arm64/mm/proc.S and asm/mmu_context.h that a secondary CPU runs while
 * the boot CPU repaints the linear map: cpu_install_idmap(), wait_linear_map_split_to_ptes()
 * (with __idmap_cpu_set_reserved_ttbr1), cpu_uninstall_idmap().
 *
 * Layer: impl (the port).
 */
import type { KGen } from './contract.ts';
import type { Kern } from './kernel.ts';
import { dsb, isb, local_flush_tlb_all } from './shims/custom.ts';

/**
 * `cpu_install_idmap()`: reserved TTBR0, local_flush_tlb_all(), ID map in TTBR0.
 * DEVIATION: the TTBR0 switches are not traced (the model tracks TTBR1 tables only).
 * @param k - kernel context
 * @see arch/arm64/include/asm/mmu_context.h: cpu_install_idmap()
 */
export function* cpu_install_idmap(k: Kern): KGen<void> {
  yield* local_flush_tlb_all(k);
}

/**
 * `cpu_uninstall_idmap()`: reserved TTBR0, local_flush_tlb_all(), back to the task's TTBR0.
 * @param k - kernel context
 * @see arch/arm64/include/asm/mmu_context.h: cpu_uninstall_idmap()
 */
export function* cpu_uninstall_idmap(k: Kern): KGen<void> {
  yield* local_flush_tlb_all(k);
}

/**
 * `__idmap_cpu_set_reserved_ttbr1`: `msr ttbr1_el1, reserved_pg_dir` (the `park` event); `isb`;
 * `tlbi vmalle1`; `dsb nsh`; `isb`.
 * @param k - kernel context
 * @see arch/arm64/mm/proc.S: __idmap_cpu_set_reserved_ttbr1
 */
export function* __idmap_cpu_set_reserved_ttbr1(k: Kern): KGen<void> {
  yield* k.hw.park();
  yield* isb(k);
  yield* k.hw.tlbi('vmalle1');
  yield* dsb(k, 'nsh');
  yield* isb(k);
}

/**
 * `wait_linear_map_split_to_ptes`: leave swapper (reserved TTBR1, local TLB flush), increment
 * `idmap_kpti_bbml2_flag` (ldxr/stxr loop: one atomic step here), wait (`wfe`) until the boot CPU
 * writes 0, then restore TTBR1 (`unpark`) and `isb`.
 * @param k - kernel context
 * @see arch/arm64/mm/proc.S: wait_linear_map_split_to_ptes
 */
export function* wait_linear_map_split_to_ptes(k: Kern): KGen<void> {
  yield* __idmap_cpu_set_reserved_ttbr1(k);
  // DEVIATION: the ldxr/stxr increment is one atomic step; sevl/wfe is a spin on cpuRelax().
  k.s.idmap_kpti_bbml2_flag += 1;
  while (k.s.idmap_kpti_bbml2_flag !== 0) yield* k.hw.cpuRelax();
  yield* k.hw.unpark();
  yield* isb(k);
}
