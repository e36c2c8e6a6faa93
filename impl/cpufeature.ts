/**
 * Port of the BBML2-noabort capability of arch/arm64/kernel/cpufeature.c (v7.1): the MIDR allow
 * list, the MATCH_ALL_EARLY_CPUS semantics (set while probing the boot CPU, cleared by an early
 * secondary that lacks it), finalisation, and the late-CPU check.
 *
 * Layer: impl (the port).
 */
import type { KGen } from './contract.ts';
import type { Kern } from './kernel.ts';

/** `MIDR_CPU_MODEL(imp, partnum)` @param imp - implementer @param partnum - part @returns the model bits */
export const MIDR_CPU_MODEL = (imp: number, partnum: number): number =>
  ((imp << 24) | (0xf << 16) | (partnum << 4)) >>> 0;
/** `MIDR_CPU_MODEL_MASK`: implementer, architecture, part number. */
export const MIDR_CPU_MODEL_MASK = 0xff0ffff0;
/** `MIDR_CPU_VAR_REV(var, rev)` @param v - variant @param r - revision @returns the packed value */
export const MIDR_CPU_VAR_REV = (v: number, r: number): number => ((v << 20) | r) >>> 0;

/** `ARM_CPU_IMP_ARM` (asm/cputype.h). */
export const ARM_CPU_IMP_ARM = 0x41;
/** `ARM_CPU_IMP_AMPERE` (asm/cputype.h). */
export const ARM_CPU_IMP_AMPERE = 0xc0;
/** `ARM_CPU_IMP_NVIDIA` (asm/cputype.h). */
export const ARM_CPU_IMP_NVIDIA = 0x4e;
/** `MIDR_CORTEX_X4` (asm/cputype.h). */
export const MIDR_CORTEX_X4 = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd82);
/** `MIDR_NEOVERSE_V3AE` (asm/cputype.h). */
export const MIDR_NEOVERSE_V3AE = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd83);
/** `MIDR_NEOVERSE_V3` (asm/cputype.h). */
export const MIDR_NEOVERSE_V3 = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd84);
/** `MIDR_AMPERE1` (asm/cputype.h). */
export const MIDR_AMPERE1 = MIDR_CPU_MODEL(ARM_CPU_IMP_AMPERE, 0xac3);
/** `MIDR_AMPERE1A` (asm/cputype.h). */
export const MIDR_AMPERE1A = MIDR_CPU_MODEL(ARM_CPU_IMP_AMPERE, 0xac4);
/** `MIDR_NVIDIA_OLYMPUS` (asm/cputype.h). */
export const MIDR_NVIDIA_OLYMPUS = MIDR_CPU_MODEL(ARM_CPU_IMP_NVIDIA, 0x010);

/** `struct midr_range` */
export interface midr_range {
  readonly model: number;
  readonly rv_min: number;
  readonly rv_max: number;
}

/** `MIDR_REV_RANGE(m, v, r_min, r_max)` */
export const MIDR_REV_RANGE = (m: number, v: number, rmin: number, rmax: number): midr_range => ({
  model: m,
  rv_min: MIDR_CPU_VAR_REV(v, rmin),
  rv_max: MIDR_CPU_VAR_REV(v, rmax),
});
/** `MIDR_ALL_VERSIONS(m)` */
export const MIDR_ALL_VERSIONS = (m: number): midr_range => ({
  model: m,
  rv_min: 0,
  rv_max: MIDR_CPU_VAR_REV(0xf, 0xf),
});

/**
 * `supports_bbml2_noabort_list`: implementations whose vendors attest they never raise TLB
 * conflict aborts for BBML2 size changes. ID_AA64MMFR2_EL1.BBM is deliberately ignored.
 * @see arch/arm64/kernel/cpufeature.c: cpu_supports_bbml2_noabort()
 */
export const supports_bbml2_noabort_list: readonly midr_range[] = [
  MIDR_REV_RANGE(MIDR_CORTEX_X4, 0, 3, 0xf),
  MIDR_REV_RANGE(MIDR_NEOVERSE_V3, 0, 2, 0xf),
  MIDR_REV_RANGE(MIDR_NEOVERSE_V3AE, 0, 2, 0xf),
  MIDR_ALL_VERSIONS(MIDR_NVIDIA_OLYMPUS),
  MIDR_ALL_VERSIONS(MIDR_AMPERE1),
  MIDR_ALL_VERSIONS(MIDR_AMPERE1A),
];

/**
 * `is_midr_in_range_list()` for a given MIDR.
 * @param midr - MIDR_EL1
 * @param ranges - the list
 * @returns whether model matches and variant/revision is in range
 */
export function is_midr_in_range_list(midr: number, ranges: readonly midr_range[]): boolean {
  const model = (midr & MIDR_CPU_MODEL_MASK) >>> 0;
  const rv = (midr & 0x00f0000f) >>> 0;
  return ranges.some((r) => r.model === model && rv >= r.rv_min && rv <= r.rv_max);
}

/**
 * `cpu_supports_bbml2_noabort()`: the *current* CPU's MIDR is on the allow list.
 * @param k - kernel context
 * @returns whether this CPU has BBML2 without conflict aborts
 * @see arch/arm64/kernel/cpufeature.c: cpu_supports_bbml2_noabort()
 */
export function cpu_supports_bbml2_noabort(k: Kern): boolean {
  return is_midr_in_range_list(k.hw.readCpuIdRegs().MIDR_EL1, supports_bbml2_noabort_list);
}

/** @param k - kernel context @returns `has_bbml2_noabort()` (the capability's `matches`) */
export const has_bbml2_noabort = (k: Kern): boolean => cpu_supports_bbml2_noabort(k);

/**
 * `system_capabilities_finalized()`.
 * @param k - kernel context
 * @returns whether setup_system_capabilities() has run
 */
export function system_capabilities_finalized(k: Kern): boolean {
  return k.s.capabilities_finalized;
}

/**
 * `system_supports_bbml2_noabort()` = `alternative_has_cap_unlikely(ARM64_HAS_BBML2_NOABORT)`:
 * false until the alternatives are patched at finalisation.
 * @param k - kernel context
 * @returns the patched alternative
 */
export function system_supports_bbml2_noabort(k: Kern): boolean {
  return k.s.capabilities_finalized && k.s.cap_bbml2_noabort;
}

/**
 * `setup_boot_cpu_capabilities()` for this capability: SCOPE_LOCAL_CPU probed on the boot CPU
 * sets it when the boot CPU matches.
 * @param k - kernel context
 */
export function setup_boot_cpu_capabilities(k: Kern): void {
  k.s.cap_bbml2_noabort = has_bbml2_noabort(k);
}

/**
 * `check_local_cpu_capabilities()` on a secondary. Before finalisation
 * (`update_cpu_capabilities(SCOPE_LOCAL_CPU)`): a MATCH_ALL_EARLY_CPUS capability is cleared when
 * this CPU does not match, never set. After finalisation (`verify_local_cpu_capabilities()`): a
 * CPU lacking a capability the system has is refused (`cpu_die_early()`); one having a capability
 * the system lacks is allowed (PERMITTED_FOR_LATE_CPU).
 * @param k - kernel context
 * @returns false when the CPU must die early
 * @see arch/arm64/kernel/cpufeature.c: check_local_cpu_capabilities()
 */
export function check_local_cpu_capabilities(k: Kern): boolean {
  const matches = has_bbml2_noabort(k);
  if (!system_capabilities_finalized(k)) {
    if (k.s.cap_bbml2_noabort && !matches) k.s.cap_bbml2_noabort = false;
    return true;
  }
  return !(k.s.cap_bbml2_noabort && !matches);
}

/**
 * `setup_system_capabilities()`: finalise the capabilities and patch the alternatives.
 * @param k - kernel context
 */
export function setup_system_capabilities(k: Kern): void {
  k.s.capabilities_finalized = true;
}

/**
 * A secondary's bring-up (arch/arm64/kernel/head.S `secondary_startup` → `__secondary_switched`
 * → smp.c `secondary_start_kernel()`), reduced to what touches the kernel tables: the MMU comes on
 * with TTBR1 = swapper_pg_dir (`mmuOn()`: from here the CPU walks the linear map for its task
 * struct, stack and per-CPU data), the capability check, then `set_cpu_online()`. A refused CPU
 * dies early (`cpu_die_early()`); DEVIATION: its PSCI CPU_OFF is modelled as a `park` that is never
 * undone (the model has no offline event).
 * @param k - kernel context
 * @returns whether the CPU came online
 * @see arch/arm64/kernel/smp.c: secondary_start_kernel() — check_local_cpu_capabilities() before set_cpu_online()
 */
export function* secondary_start_kernel(k: Kern): KGen<boolean> {
  yield* k.hw.mmuOn();
  if (!check_local_cpu_capabilities(k)) {
    k.s.refused_cpus.push(k.hw.currentCpu());
    yield* k.hw.park();
    return false;
  }
  yield* k.hw.cpuOnline();
  return true;
}
