/**
 * Mutant `repaint-early-release` — mmu.c `linear_map_split_to_ptes()`: the boot CPU releases the
 * secondaries (flag := 0) after splitting `[lstart, kstart)`, before splitting `[kend, lend)` and
 * before the TLB flush.
 *
 * Why this mutant? The two ranges around the kernel alias look like two independent jobs, and
 * "release the others as early as possible" is a tempting latency fix for a boot-time
 * stop_machine(). But a released CPU lacking BBML2-noabort walks swapper_pg_dir again while the
 * boot CPU is still changing block sizes in `[kend, lend)` live, and its TLB may refill entries
 * that the final flush was meant to order (kernel §5.2 step 6, §8 inv. 15: the flag is cleared
 * only after the split and the flush, whose DSB orders them).
 *
 * Differs from the faithful port (impl/mmu-repaint.ts) in the lines marked `MUTANT:`.
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
 * `linear_map_split_to_ptes()`, the stop_machine() callback, that releases the others half-way.
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
    while (k.s.idmap_kpti_bbml2_flag !== k.hw.onlineCpus().length) yield* k.hw.cpuRelax();
    let ret = yield* range_split_to_ptes(k, lstart, kstart, 'GFP_ATOMIC');
    // MUTANT: `WRITE_ONCE(idmap_kpti_bbml2_flag, 0)` here, before [kend, lend) and the flush.
    k.s.idmap_kpti_bbml2_flag = 0;
    if (!ret) ret = yield* range_split_to_ptes(k, kend, lend, 'GFP_ATOMIC');
    if (ret) panic(k, 'Failed to split linear map');
    yield* flush_tlb_kernel_range(k, lstart, lend);
    // MUTANT: (faithful: the flag is cleared here, after the flush.)
    k.s.context.delete(cpu);
  } else {
    yield* cpu_install_idmap(k);
    yield* wait_linear_map_split_to_ptes(k);
    yield* cpu_uninstall_idmap(k);
  }
  return 0;
}

/** The port with this linear_map_split_to_ptes(). */
export const createSut = portWith('repaint-early-release', { linear_map_split_to_ptes });
export default createSut;
