/**
 * Mutant `repaint-no-wait` — mmu.c `linear_map_split_to_ptes()`: the boot CPU starts splitting
 * without waiting for `idmap_kpti_bbml2_flag == num_online_cpus()`, i.e. before every other CPU
 * has left swapper_pg_dir for the reserved TTBR1.
 *
 * Why this mutant? stop_machine() already stops the other CPUs, so the wait looks redundant —
 * but stopped CPUs still *walk* the kernel tables (they run the stopper thread, take interrupts
 * masked, fetch instructions through the linear map's TLB entries). The repaint changes block
 * sizes live without BBM; that is only safe on a CPU with BBML2-noabort, and the others lack it,
 * which is the very reason for the repaint. Only a CPU parked on the ID map with reserved TTBR1
 * and a flushed TLB is out of the way (kernel §5.2, §8 inv. 15). The same wait protects the KPTI
 * nG repaint, which shares the flag and the secondary tail (§5.6).
 *
 * Differs from the faithful port (impl/mmu-repaint.ts) in the line marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import { __phys_to_virt } from '../kernel.ts';
import type { Kern } from '../kernel.ts';
import { range_split_to_ptes } from '../mmu-repaint.ts';
import { cpu_install_idmap, cpu_uninstall_idmap, wait_linear_map_split_to_ptes } from '../proc.ts';
import { flush_tlb_kernel_range } from '../shims/custom.ts';
import { PAGE_END, PAGE_OFFSET } from '../shims/dup.ts';
import { panic } from '../shims/stubs.ts';
import { portWith } from './port.ts';

/**
 * `linear_map_split_to_ptes()`, the stop_machine() callback, that does not wait for the others to park.
 * @param k - kernel context
 * @returns 0
 */
export function* linear_map_split_to_ptes(k: Kern): KGen<number> {
  const cpu = k.hw.currentCpu();
  if (cpu === 0) {
    const lstart = PAGE_OFFSET;
    const lend = PAGE_END;
    const kstart = __phys_to_virt(k, k.cfg.memblock.kernel.stext);
    const kend = __phys_to_virt(k, k.cfg.memblock.kernel.init_begin);
    k.s.context.set(cpu, 'stopped');
    // MUTANT: no `smp_cond_load_acquire(&idmap_kpti_bbml2_flag, VAL == num_online_cpus());`.
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

/** The port with this linear_map_split_to_ptes(). */
export const createSut = portWith('repaint-no-wait', { linear_map_split_to_ptes });
export default createSut;
