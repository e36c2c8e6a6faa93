/**
 * Port of the BBML2-noabort capability of arch/arm64/kernel/cpufeature.c (v6.18 to v7.2): the MIDR
 * allow list, the MATCH_ALL_EARLY_CPUS semantics (set while probing the boot CPU, cleared by an
 * early secondary that lacks it), finalisation, and the late-CPU check; and its v7.3-cycle form,
 * `ARM64_HAS_BBML3` (variant `v7.3`): 94104e3cfa80 "arm64: cpufeature: Rename BBML2_NOABORT as
 * BBML3", 879aca5119cd "arm64: cpufeature: Detect BBML3 based on ID_AA64MMFR2_EL1.BBM",
 * a7ac60414475 "arm64: cpufeature: Extend bbml2_noabort support list", e4fa24624308 "arm64: sysreg:
 * Add BBM_3" (git-log subjects; the code as described by two write-ups of a v7.2-rc7 + BBML3 tree,
 * kernel-split-repaint.md §3.2, arm-bbm-rules.md §3.2). The old names stay for v6.18 to v7.2.
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
/** `MIDR_CORTEX_A715` (asm/cputype.h, part 0xD4D). */
export const MIDR_CORTEX_A715 = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd4d);
/** `MIDR_CORTEX_A725` (asm/cputype.h, part 0xD87). */
export const MIDR_CORTEX_A725 = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd87);
/** `MIDR_CORTEX_A520AE` (asm/cputype.h, part 0xD88). */
export const MIDR_CORTEX_A520AE = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd88);
/** `MIDR_CORTEX_A720AE` (asm/cputype.h, part 0xD89). */
export const MIDR_CORTEX_A720AE = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd89);
/** `MIDR_C1_NANO` (asm/cputype.h, part 0xD8A). */
export const MIDR_C1_NANO = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd8a);
/** `MIDR_C1_PRO` (asm/cputype.h, part 0xD8B). */
export const MIDR_C1_PRO = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd8b);
/** `MIDR_C1_ULTRA` (asm/cputype.h, part 0xD8C). */
export const MIDR_C1_ULTRA = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd8c);
/** `MIDR_NEOVERSE_N3` (asm/cputype.h, part 0xD8E). */
export const MIDR_NEOVERSE_N3 = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd8e);
/** `MIDR_C1_PREMIUM` (asm/cputype.h, part 0xD90). */
export const MIDR_C1_PREMIUM = MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, 0xd90);

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
/** `MIDR_RANGE(m, v_min, r_min, v_max, r_max)` */
export const MIDR_RANGE = (m: number, vmin: number, rmin: number, vmax: number, rmax: number): midr_range => ({
  model: m,
  rv_min: MIDR_CPU_VAR_REV(vmin, rmin),
  rv_max: MIDR_CPU_VAR_REV(vmax, rmax),
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
 * `supports_bbml3_list` (v7.3 cycle): CPUs that behave as FEAT_BBML3 without advertising it in
 * `ID_AA64MMFR2_EL1`: the BBML2-noabort list plus Cortex-A520AE, A715, A720AE, A725, Neoverse-N3,
 * C1-Nano, C1-Pro, and C1-Ultra / C1-Premium from r1p1 (erratum 3683289: earlier revisions must
 * keep full break-before-make).
 * @see arch/arm64/kernel/cpufeature.c: cpu_supports_bbml3() (a7ac60414475, 94104e3cfa80)
 */
export const supports_bbml3_list: readonly midr_range[] = [
  ...supports_bbml2_noabort_list,
  MIDR_ALL_VERSIONS(MIDR_CORTEX_A520AE),
  MIDR_ALL_VERSIONS(MIDR_CORTEX_A715),
  MIDR_ALL_VERSIONS(MIDR_CORTEX_A720AE),
  MIDR_ALL_VERSIONS(MIDR_CORTEX_A725),
  MIDR_ALL_VERSIONS(MIDR_NEOVERSE_N3),
  MIDR_ALL_VERSIONS(MIDR_C1_NANO),
  MIDR_ALL_VERSIONS(MIDR_C1_PRO),
  MIDR_RANGE(MIDR_C1_ULTRA, 1, 1, 0xf, 0xf),
  MIDR_RANGE(MIDR_C1_PREMIUM, 1, 1, 0xf, 0xf),
];

/** `ID_AA64MMFR2_EL1_BBM_3` (arch/arm64/tools/sysreg, e4fa24624308): FEAT_BBML3. */
export const ID_AA64MMFR2_EL1_BBM_3 = 3;

/**
 * `cpu_supports_bbml3()` (v7.3 cycle): the *current* CPU's `ID_AA64MMFR2_EL1.BBM`, read raw
 * (`__read_sysreg_by_encoding()`, not the sanitised value), is at least `BBM_3`; else its MIDR is
 * on `supports_bbml3_list`.
 * @param k - kernel context
 * @returns whether this CPU has BBML3 (no TLB conflict aborts for size changes)
 * @see arch/arm64/kernel/cpufeature.c: cpu_supports_bbml3() (879aca5119cd)
 */
export function cpu_supports_bbml3(k: Kern): boolean {
  const regs = k.hw.readCpuIdRegs();
  if (regs.ID_AA64MMFR2_EL1_BBM >= ID_AA64MMFR2_EL1_BBM_3) return true;
  return is_midr_in_range_list(regs.MIDR_EL1, supports_bbml3_list);
}

/** @param k - kernel context @returns `has_bbml3()` (the `matches` of `ARM64_HAS_BBML3`) */
export const has_bbml3 = (k: Kern): boolean => cpu_supports_bbml3(k);

/**
 * The `matches` of the capability this variant defines: `ARM64_HAS_BBML3` (`has_bbml3()`) under
 * `v7.3`, `ARM64_HAS_BBML2_NOABORT` (`has_bbml2_noabort()`) before.
 * @param k - kernel context
 * @returns whether the current CPU matches
 */
function cap_matches(k: Kern): boolean {
  return k.cfg.variant === 'v7.3' ? has_bbml3(k) : has_bbml2_noabort(k);
}

/**
 * The calling CPU's own test, by the variant's name: `cpu_supports_bbml3()` under `v7.3`,
 * `cpu_supports_bbml2_noabort()` before (what `force_pte_mapping()` calls before finalisation).
 * @param k - kernel context
 * @returns whether the current CPU has the capability
 */
export function cpu_supports_cap(k: Kern): boolean {
  return k.cfg.variant === 'v7.3' ? cpu_supports_bbml3(k) : cpu_supports_bbml2_noabort(k);
}

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
 * `system_supports_bbml3()` = `alternative_has_cap_unlikely(ARM64_HAS_BBML3)` (v7.3 cycle): the
 * renamed {@link system_supports_bbml2_noabort}, same body. DEVIATION: one global,
 * `cap_bbml2_noabort`, holds either capability.
 * @param k - kernel context
 * @returns the patched alternative
 */
export const system_supports_bbml3 = (k: Kern): boolean => system_supports_bbml2_noabort(k);

/**
 * `setup_boot_cpu_capabilities()` for this capability: SCOPE_LOCAL_CPU probed on the boot CPU
 * sets it when the boot CPU matches.
 * @param k - kernel context
 */
export function setup_boot_cpu_capabilities(k: Kern): void {
  k.s.cap_bbml2_noabort = cap_matches(k);
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
  const matches = cap_matches(k);
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
