/**
 * The bundled port as a plug-in: wires the kernel context to the {@link KernelOps} of the SUT
 * contract. `createSut` is the default {@link SutFactory}; `createPortSut` lets another
 * implementation of split_kernel_leaf_mapping() replace the port's (see impl/alt/), or replaces
 * entries of the port's function table {@link PORT_FNS} (the seeded bugs of impl/mutants/).
 *
 * Layer: impl (the port's entry point).
 */
import type { KernelOps, KGen, Primitives, SutConfig, SutFactory } from './contract.ts';
import {
  secondary_start_kernel,
  setup_boot_cpu_capabilities,
  setup_system_capabilities,
  system_supports_bbml2_noabort,
} from './cpufeature.ts';
import { __phys_to_virt, createKern } from './kernel.ts';
import type { Kern, KernelFns } from './kernel.ts';
import { arch_kfence_init_pool, map_mem } from './mmu-map-mem.ts';
import { linear_map_maybe_split_to_ptes, linear_map_split_to_ptes, split_to_ptes_ops } from './mmu-repaint.ts';
import {
  pgd_pgtable_alloc_init_mm_gfp,
  split_contpmd,
  split_contpte,
  split_kernel_leaf_mapping,
  split_kernel_leaf_mapping_locked,
  split_pmd,
  split_pud,
} from './mmu-split.ts';
import {
  __change_memory_common,
  change_memory_common,
  kernel_page_present,
  pageattr_ops,
  set_direct_map_default_noflush,
  set_direct_map_invalid_noflush,
  set_direct_map_valid_noflush,
  set_memory_nx,
  set_memory_ro,
  set_memory_rw,
  set_memory_valid,
  set_memory_x,
} from './pageattr.ts';
import { collect_to_split_ops } from './prealloc.ts';
import { vmalloc_area } from './vmalloc.ts';

/** The faithful port's function table: every entry is the ported kernel function itself. */
export const PORT_FNS: Readonly<KernelFns> = Object.freeze({
  split_kernel_leaf_mapping,
  split_kernel_leaf_mapping_locked,
  split_contpte,
  split_pmd,
  split_contpmd,
  split_pud,
  pgd_pgtable_alloc_init_mm_gfp,
  split_to_ptes_ops,
  linear_map_split_to_ptes,
  collect_to_split_ops,
  pageattr_ops,
  __change_memory_common,
  change_memory_common,
  set_direct_map_invalid_noflush,
  set_direct_map_default_noflush,
  map_mem,
  arch_kfence_init_pool,
});

/**
 * A replacement for split_kernel_leaf_mapping(): given the port's own operations (for
 * `inspect()`), returns the split that both `KernelOps.split_kernel_leaf_mapping` and pageattr.c's
 * update_range_prot() will call. It sees only the contract (primitives, config, SutState).
 */
export type SplitImpl = (base: KernelOps) => (start: bigint, end: bigint) => KGen<number>;

/**
 * Builds the port's kernel operations, optionally with another split_kernel_leaf_mapping() (a
 * {@link SplitImpl} that sees only the contract) or with entries of the function table replaced
 * (functions with the port's own signatures, e.g. a buggy `split_pmd`).
 * @param hw - the machine primitives
 * @param config - the run's configuration
 * @param custom - the split implementation, or the function-table overrides (default: the port)
 * @param name - the name reported
 * @returns the kernel operations
 */
export function createPortSut(
  hw: Primitives,
  config: SutConfig,
  custom?: SplitImpl | Partial<KernelFns>,
  name = `linux-arm64-port@${config.variant}`,
): KernelOps {
  let replacement: ((start: bigint, end: bigint) => KGen<number>) | undefined;
  const overrides = typeof custom === 'function' ? {} : (custom ?? {});
  const split = typeof custom === 'function' ? custom : undefined;
  const fns: KernelFns = { ...PORT_FNS, ...overrides };
  const k = createKern(hw, config, {
    ...fns,
    split_kernel_leaf_mapping: (kk: Kern, start: bigint, end: bigint) =>
      replacement === undefined ? fns.split_kernel_leaf_mapping(kk, start, end) : replacement(start, end),
  });
  const ops: KernelOps = {
    name,
    // setup_arch() → paging_init() → map_mem() runs before smp_prepare_boot_cpu() probes the
    // boot CPU's capabilities; map_mem() reads the MIDR directly (force_pte_mapping()).
    *boot() {
      yield* k.fn.map_mem(k);
      setup_boot_cpu_capabilities(k);
    },
    // eslint-disable-next-line require-yield
    *mem_init() {
      k.s.page_alloc_available = true;
    },
    secondary_start_kernel: () => secondary_start_kernel(k),
    *setup_system_features() {
      setup_system_capabilities(k);
      yield* linear_map_maybe_split_to_ptes(k);
    },
    split_kernel_leaf_mapping: (start, end) => k.fn.split_kernel_leaf_mapping(k, start, end),
    vmalloc: (pages) => vmalloc_area(k, pages),
    set_memory_ro: (addr, n) => set_memory_ro(k, addr, n),
    set_memory_rw: (addr, n) => set_memory_rw(k, addr, n),
    set_memory_nx: (addr, n) => set_memory_nx(k, addr, n),
    set_memory_x: (addr, n) => set_memory_x(k, addr, n),
    set_memory_valid: (addr, n, enable) => set_memory_valid(k, addr, n, enable),
    set_direct_map_invalid_noflush: (page) => k.fn.set_direct_map_invalid_noflush(k, page),
    set_direct_map_default_noflush: (page) => k.fn.set_direct_map_default_noflush(k, page),
    set_direct_map_valid_noflush: (page, nr, valid) => set_direct_map_valid_noflush(k, page, nr, valid),
    // DEVIATION: kfence_init_late() is reduced to setting __kfence_pool from the layout before
    // arch_kfence_init_pool(), and clearing it again when that fails (mm/kfence/core.c
    // kfence_init_pool_late(): the pool is freed and `__kfence_pool = NULL`).
    *arch_kfence_init_pool() {
      const pool = k.cfg.memblock.kfence_pool;
      if (k.s.__kfence_pool === null && pool !== undefined && k.s.kfence_enabled)
        k.s.__kfence_pool = __phys_to_virt(k, pool);
      const ok = yield* k.fn.arch_kfence_init_pool(k);
      if (!ok && !k.s.kfence_early_init) k.s.__kfence_pool = null;
      return ok;
    },
    kernel_page_present: (page) => kernel_page_present(k, page),
    inspect: () => ({
      linear_map_requires_bbml2: k.s.linear_map_requires_bbml2,
      capabilities_finalized: k.s.capabilities_finalized,
      cap_bbml2_noabort: k.s.cap_bbml2_noabort,
      system_supports_bbml2_noabort: system_supports_bbml2_noabort(k),
      page_alloc_available: k.s.page_alloc_available,
      kfence_early_init: k.s.kfence_early_init,
      kfence_pool_va: k.s.__kfence_pool,
      idmap_kpti_bbml2_flag: k.s.idmap_kpti_bbml2_flag,
      refused_cpus: [...k.s.refused_cpus],
    }),
  };
  if (split !== undefined) replacement = split(ops);
  return ops;
}

/**
 * The bundled port of arch/arm64/mm/{mmu,pageattr}.c as a {@link SutFactory}.
 * @param hw - the machine primitives
 * @param config - the run's configuration
 * @returns the kernel operations
 */
export const createSut: SutFactory = (hw, config) => createPortSut(hw, config);
