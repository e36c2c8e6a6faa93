/**
 * Where the kernel is in its boot, as the harness drives it: the facts the kernel's gating reads
 * at run time (`page_alloc_available`, `cpu_online_mask`, `system_capabilities_finalized()`, the
 * KFENCE pool). The harness updates it as it calls `boot()`, `mem_init()`,
 * `secondary_start_kernel()`, `setup_system_features()` and `arch_kfence_init_pool()`; the rules
 * of `gates.ts` read it. It is the harness's own record, never the SUT's `inspect()`, so a SUT
 * that gets its globals wrong cannot make a property expect the wrong thing.
 *
 * Layer: properties/kernel.
 */
import type { CpuSpec } from '../../impl/index.ts';

/** The KFENCE pool as the kernel sees it. */
export type KfencePoolState =
  /** `CONFIG_KFENCE` off, or no pool yet (late KFENCE before `kfence_init_late()`). */
  | 'none'
  /** Early pool: taken from memblock and mapped page by page in `map_mem()`. */
  | 'early'
  /** Late pool whose `arch_kfence_init_pool()` returned true: KFENCE uses it from now on. */
  | 'late'
  /** Late pool whose `arch_kfence_init_pool()` returned false: KFENCE gave up (it stays unused). */
  | 'late-failed';

/** The boot phase of one run. */
export interface BootPhase {
  /** `paging_init()` → `map_mem()` has run on the boot CPU. */
  booted: boolean;
  /** `mem_init()` has run (`page_alloc_available`, arch/arm64/mm/init.c, f12b435de2f2). */
  memInit: boolean;
  /** `cpu_online_mask`, in the order the CPUs came online (boot CPU first). */
  readonly online: CpuSpec[];
  /** Late CPUs refused by `check_local_cpu_capabilities()` (they die early). */
  readonly refused: CpuSpec[];
  /** `setup_system_features()` has run: `system_capabilities_finalized()`. */
  finalised: boolean;
  /** The CPUs online when the capabilities were finalised (the "early" CPUs). */
  early: readonly CpuSpec[];
  /** The KFENCE pool. */
  kfence: KfencePoolState;
}

/**
 * The phase before `boot()`.
 * @param boot - the boot CPU
 * @returns the phase
 */
export function initialPhase(boot: CpuSpec): BootPhase {
  return { booted: false, memInit: false, online: [boot], refused: [], finalised: false, early: [], kfence: 'none' };
}
