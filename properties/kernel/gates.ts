/**
 * The kernel's own gating, stated once: which configuration and which boot phase make the kernel
 * map the linear map with blocks, split on demand, repaint, refuse a split with `-EBUSY`, change
 * the linear alias, split a late KFENCE pool. Every property asks these functions what the kernel
 * must do instead of assuming a configuration; each function follows one kernel condition, cited
 * by file and function (the version notes name the commit that made it so).
 *
 * Inputs are the configuration (the command line and the CPUs' identification registers) and the
 * harness's {@link BootPhase}; never the SUT's `inspect()`.
 *
 * Layer: properties/kernel.
 */
import type { CpuSpec, SutConfig } from '../../impl/index.ts';
import type { BootPhase } from './phase.ts';

/** `-EINVAL` */
export const EINVAL = -22;
/** `-ENOMEM` */
export const ENOMEM = -12;
/** `-EBUSY` */
export const EBUSY = -16;

/** `KFENCE_POOL_SIZE` in pages: `(CONFIG_KFENCE_NUM_OBJECTS + 1) * 2` with the default 255 objects. */
export const KFENCE_POOL_PAGES = 512n;

/**
 * `rodata_full`: `rodata=full` (the default) and `rodata=on` keep it, `noalias` and `off` clear it.
 * @see arch/arm64/include/asm/setup.h: arch_parse_debug_rodata(); arch/arm64/mm/pageattr.c: rodata_full
 * @param cfg - the configuration
 * @returns rodata_full
 */
export function rodataFull(cfg: SutConfig): boolean {
  return cfg.rodata === 'full' || cfg.rodata === 'on';
}

/**
 * `kfence_early_init`: KFENCE with a sample interval at boot takes its pool from memblock; when
 * that allocation fails (a layout without a pool here) it is cleared.
 * @see arch/arm64/mm/mmu.c: parse_kfence_early_init(), arm64_kfence_alloc_pool()
 * @param cfg - the configuration
 * @returns kfence_early_init after map_mem()
 */
export function kfenceEarlyInit(cfg: SutConfig): boolean {
  return cfg.kfence === 'early' && cfg.memblock.kfence_pool !== undefined;
}

/**
 * `arm64_kfence_can_set_direct_map()`: a late KFENCE pool may be anywhere in the linear map, so
 * the linear map must allow page-granular changes.
 * @see arch/arm64/include/asm/kfence.h: arm64_kfence_can_set_direct_map() (`!kfence_early_init`)
 * @param cfg - the configuration
 * @returns whether a late pool needs it
 */
export function kfenceCanSetDirectMap(cfg: SutConfig): boolean {
  return cfg.kfence !== 'off' && !kfenceEarlyInit(cfg);
}

/**
 * `can_set_direct_map()`: something will change single linear-map pages (the gate of every
 * `set_direct_map_*()` and of `__kernel_map_pages()`).
 * @see arch/arm64/mm/pageattr.c: can_set_direct_map() — `rodata_full || debug_pagealloc_enabled()
 *   || arm64_kfence_can_set_direct_map() || is_realm_world()`
 * @param cfg - the configuration
 * @returns can_set_direct_map()
 */
export function canSetDirectMap(cfg: SutConfig): boolean {
  return rodataFull(cfg) || cfg.debug_pagealloc || kfenceCanSetDirectMap(cfg) || cfg.realm;
}

/**
 * Whether the kernel of this configuration sees the capability on one CPU: `cpu_supports_bbml3()`
 * under `v7.3` (`ID_AA64MMFR2_EL1.BBM >= 3` read first, then the longer MIDR list), else
 * `cpu_supports_bbml2_noabort()` (the MIDR list only; `ID_AA64MMFR2_EL1.BBM` ignored on purpose).
 * The test machine gives a CPU of level 3 a MIDR on no list (Cortex-X925), a `noabort` CPU of
 * level 0–2 an allow-listed one (Neoverse-V3 r0p2, on both lists), any other CPU an unlisted one
 * (impl/testing/memory-machine.ts `defaultMidr()`): so the MIDR list says yes iff `noabort` and
 * level ≤ 2.
 * @see arch/arm64/kernel/cpufeature.c: cpu_supports_bbml2_noabort() (v6.18–v7.2),
 *   cpu_supports_bbml3() (v7.3 cycle: 879aca5119cd, a7ac60414475)
 * @param cfg - the configuration (its variant)
 * @param cpu - the CPU
 * @returns whether it has BBML2-noabort / BBML3 in the kernel's eyes
 */
export function cpuSupportsBbml2Noabort(cfg: SutConfig, cpu: CpuSpec): boolean {
  if (cfg.variant === 'v7.3' && cpu.bbm >= 3) return true;
  return cpu.noabort && cpu.bbm <= 2;
}

/**
 * The boot CPU (CPU 0 of the configuration).
 * @param cfg - the configuration
 * @returns its spec
 */
export function bootCpu(cfg: SutConfig): CpuSpec {
  return cfg.cpus[0] ?? { id: 0, bbm: 0, noabort: false };
}

/**
 * `system_supports_bbml2_noabort()` (`system_supports_bbml3()` under `v7.3`): the alternative is
 * false until the capabilities are finalised; then it is set iff every early CPU matched
 * (MATCH_ALL_EARLY_CPUS: set while probing the boot CPU, cleared by an early secondary that does
 * not match).
 * @see arch/arm64/kernel/cpufeature.c: ARM64_HAS_BBML2_NOABORT / ARM64_HAS_BBML3
 *   (ARM64_CPUCAP_EARLY_LOCAL_CPU_FEATURE), system_supports_*() = alternative_has_cap_unlikely()
 * @param cfg - the configuration
 * @param phase - the boot phase
 * @returns the patched alternative
 */
export function systemSupportsBbml2Noabort(cfg: SutConfig, phase: BootPhase): boolean {
  return phase.finalised && phase.early.every((c) => cpuSupportsBbml2Noabort(cfg, c));
}

/**
 * `force_pte_mapping()` as called on `cpu` in `phase`: before finalisation the *calling* CPU's MIDR
 * decides (that is why f12b435de2f2 stopped calling it from split_kernel_leaf_mapping()).
 * @see arch/arm64/mm/mmu.c: force_pte_mapping() (if-chain since 53357f14f924)
 * @param cfg - the configuration
 * @param phase - the boot phase
 * @param cpu - the calling CPU
 * @returns whether blocks and contiguous groups are forbidden
 */
export function forcePteMapping(cfg: SutConfig, phase: BootPhase, cpu: CpuSpec): boolean {
  const bbml2 = phase.finalised ? systemSupportsBbml2Noabort(cfg, phase) : cpuSupportsBbml2Noabort(cfg, cpu);
  if (cfg.debug_pagealloc) return true;
  if (bbml2) return false;
  return rodataFull(cfg) || kfenceCanSetDirectMap(cfg) || cfg.realm;
}

/**
 * `force_pte_mapping()` in `map_mem()` (boot CPU, nothing finalised): the linear map is built of
 * plain PTEs (`NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS`) iff this is true.
 * @see arch/arm64/mm/mmu.c: map_mem()
 * @param cfg - the configuration
 * @returns whether the boot linear map is page-mapped
 */
export function ptesAtBoot(cfg: SutConfig): boolean {
  const boot = bootCpu(cfg);
  return forcePteMapping(
    cfg,
    { booted: false, memInit: false, online: [boot], refused: [], finalised: false, early: [], kfence: 'none' },
    boot,
  );
}

/**
 * Whether `map_mem()` maps the kernel alias `[_text, __init_begin)` in a call of its own with
 * `PAGE_KERNEL` and `NO_CONT_MAPPINGS` only — block mappings allowed even when `force_pte_mapping()`
 * (it is never split: `mark_linear_text_alias_ro()` changes permissions in place). v6.18 and v7.1;
 * from Ard Biesheuvel's 2026 series on (v7.2-rc, v7.3, prealloc) the alias gets the linear map's
 * flags like every bank.
 * @see arch/arm64/mm/mmu.c: map_mem() (M-6.18; kernel-split-repaint.md §2.2)
 * @param cfg - the configuration
 * @returns whether the alias may hold blocks whatever the linear map's flags
 */
export function aliasMappedAlone(cfg: SutConfig): boolean {
  return cfg.variant === 'v6.18' || cfg.variant === 'v7.1';
}

/**
 * `linear_map_requires_bbml2 = !force_pte_mapping() && can_set_direct_map()`, computed once in
 * `map_mem()`: the linear map has large leaves only because the boot CPU has BBML2-noabort, and
 * something will want page-granular changes.
 * @see arch/arm64/mm/mmu.c: map_mem(); static (not __initdata) since f12b435de2f2
 * @param cfg - the configuration
 * @returns linear_map_requires_bbml2
 */
export function linearMapRequiresBbml2(cfg: SutConfig): boolean {
  return !ptesAtBoot(cfg) && canSetDirectMap(cfg);
}

/**
 * Whether `setup_system_features()` repaints the linear map to PTEs under stop_machine().
 * @see arch/arm64/mm/mmu.c: linear_map_maybe_split_to_ptes() — `linear_map_requires_bbml2 &&
 *   !system_supports_bbml2_noabort()`
 * @param cfg - the configuration
 * @param early - the CPUs online at finalisation
 * @returns whether the repaint runs
 */
export function repaintAtFinalisation(cfg: SutConfig, early: readonly CpuSpec[]): boolean {
  return linearMapRequiresBbml2(cfg) && !early.every((c) => cpuSupportsBbml2Noabort(cfg, c));
}

/**
 * Whether a CPU brought up after finalisation is accepted: one lacking a capability the system has
 * dies early; one having a capability the system lacks is fine (PERMITTED_FOR_LATE_CPU).
 * @see arch/arm64/kernel/cpufeature.c: verify_local_cpu_capabilities()
 * @param cfg - the configuration
 * @param phase - the boot phase (finalised)
 * @param cpu - the late CPU
 * @returns whether it comes online
 */
export function lateCpuAccepted(cfg: SutConfig, phase: BootPhase, cpu: CpuSpec): boolean {
  return !(systemSupportsBbml2Noabort(cfg, phase) && !cpuSupportsBbml2Noabort(cfg, cpu));
}

/** What `split_kernel_leaf_mapping()` does with a range, before any table is read. */
export type SplitGate =
  /** Returns 0 at once: nothing to split (or not allowed to look). */
  | { readonly kind: 'noop'; readonly why: string }
  /** `WARN_ON()` and `-EBUSY`: a blackout window of f12b435de2f2. */
  | { readonly kind: 'busy'; readonly why: string }
  /** `-EINVAL`: not page aligned. */
  | { readonly kind: 'einval' }
  /** Splits at `start` and `end` (0, or `-ENOMEM` when a table allocation fails). */
  | { readonly kind: 'split' };

/**
 * The gate of `split_kernel_leaf_mapping(start, end)` called on `cpu`.
 * v7.1 (f12b435de2f2): `!linear_map_requires_bbml2 || is_kfence_address(start)` → 0; without the
 * system capability: finalised → 0, `!page_alloc_available` → WARN + `-EBUSY`,
 * `num_online_cpus() > 1` → WARN + `-EBUSY`; then the alignment check.
 * v6.18 (ce2b3a50ad92, 53357f14f924): `!split_leaf_mapping_possible() || is_kfence_address(start)`
 * → 0, where `split_leaf_mapping_possible()` is `system_supports_bbml2_noabort() &&
 * !force_pte_mapping()`; then the alignment check.
 * @see arch/arm64/mm/mmu.c: split_kernel_leaf_mapping()
 * @param cfg - the configuration
 * @param phase - the boot phase
 * @param cpu - the calling CPU
 * @param inKfencePool - `is_kfence_address(start)`
 * @param aligned - start and end are page aligned
 * @returns the gate
 */
export function splitGate(
  cfg: SutConfig,
  phase: BootPhase,
  cpu: CpuSpec,
  inKfencePool: boolean,
  aligned: boolean,
): SplitGate {
  if (cfg.variant === 'v6.18') {
    if (!systemSupportsBbml2Noabort(cfg, phase) || forcePteMapping(cfg, phase, cpu))
      return { kind: 'noop', why: '!split_leaf_mapping_possible()' };
    if (inKfencePool) return { kind: 'noop', why: 'is_kfence_address(start)' };
  } else {
    if (!linearMapRequiresBbml2(cfg)) return { kind: 'noop', why: '!linear_map_requires_bbml2' };
    if (inKfencePool) return { kind: 'noop', why: 'is_kfence_address(start)' };
    if (!systemSupportsBbml2Noabort(cfg, phase)) {
      if (phase.finalised) return { kind: 'noop', why: 'finalised without BBML2_NOABORT (repainted)' };
      if (!phase.memInit) return { kind: 'busy', why: '!page_alloc_available' };
      if (phase.online.length > 1) return { kind: 'busy', why: 'num_online_cpus() > 1 before finalisation' };
    }
  }
  return aligned ? { kind: 'split' } : { kind: 'einval' };
}

/**
 * Whether `set_memory_ro()`/`set_memory_rw()` on a vmalloc area also change the linear alias of
 * its pages (nx/x never do).
 * @see arch/arm64/mm/pageattr.c: change_memory_common() — `rodata_full && (set_mask == PTE_RDONLY
 *   || clear_mask == PTE_RDONLY)`
 * @param cfg - the configuration
 * @param which - the change
 * @returns whether the alias follows
 */
export function aliasFollows(cfg: SutConfig, which: 'ro' | 'rw' | 'nx' | 'x'): boolean {
  return rodataFull(cfg) && (which === 'ro' || which === 'rw');
}

/**
 * Which pages of a vmalloc area have their linear alias changed by a change of `n` pages from page
 * `idx`: only those (37cb0aab9068, v6.19), or every page of the area (v6.18).
 * @see arch/arm64/mm/pageattr.c: change_memory_common()
 * @param cfg - the configuration
 * @param areaPages - the area's backing pages
 * @param idx - first page of the change
 * @param n - pages
 * @returns the backing pages whose alias changes
 */
export function aliasPages(cfg: SutConfig, areaPages: readonly bigint[], idx: number, n: number): bigint[] {
  return cfg.variant === 'v6.18' ? [...areaPages] : areaPages.slice(idx, idx + n);
}

/**
 * Whether `kfence_init_late()` → `arch_kfence_init_pool()` can be called: only with a late pool,
 * once, after boot (the `kfence.sample_interval` parameter is set at run time, system_state ==
 * SYSTEM_RUNNING).
 * @see mm/kfence/core.c: param_set_sample_interval(), kfence_enable_late(), kfence_init_late()
 * @param cfg - the configuration
 * @param phase - the boot phase
 * @returns whether the call is reachable now
 */
export function kfenceLateInitReachable(cfg: SutConfig, phase: BootPhase): boolean {
  return cfg.kfence === 'late' && cfg.memblock.kfence_pool !== undefined && phase.finalised && phase.kfence === 'none';
}
