/**
 * The kernel context of the port: the machine primitives, the configuration, the geometry and
 * the kernel globals that the C code keeps in static variables. Every ported function takes it as
 * its first argument (DEVIATION: the kernel uses globals and per-CPU/thread state).
 *
 * Layer: impl (the port).
 */
import type { AllocContext, CpuId, Gfp, KGen, Primitives, SutConfig } from './contract.ts';
import type { page_change_data } from './pageattr.ts';
import type { mm_walk_ops } from './pagewalk.ts';
import type { split_pgtables_count } from './prealloc.ts';
import { arm64_geometry, CONFIG_KFENCE_NUM_OBJECTS, PAGE_OFFSET } from './shims/dup.ts';
import type { Arm64Geometry, pgtable_level } from './shims/dup.ts';

/** A vmalloc area (`struct vm_struct`, the fields pageattr.c reads). */
export interface vm_struct {
  /** Start VA. */
  readonly addr: bigint;
  /** Size in bytes, guard page included. */
  readonly size: bigint;
  /** `VM_ALLOC` etc. */
  readonly flags: number;
  /** Backing pages (physical addresses). */
  readonly pages: readonly bigint[];
}

/** `VM_ALLOC` */
export const VM_ALLOC = 0x2;

/**
 * Whether `map_mem()`, the table-creation helpers and `pgattr_change_is_safe()` have their shape
 * from before Ard Biesheuvel's 2026 series ("Preserve non-contiguous descriptors when mapping
 * DRAM", map the kernel alias and data/bss first; ≈ v7.2-rc, kernel-split-repaint.md §1, §2.2,
 * §9): true for `v6.18` and `v7.1`, false for `v7.2-rc`, `v7.3` and `prealloc`.
 * @param k - kernel context
 * @returns whether the pre-2026 boot mapping code applies
 */
export function oldMapMemShape(k: { readonly cfg: SutConfig }): boolean {
  return k.cfg.variant === 'v6.18' || k.cfg.variant === 'v7.1';
}
/** `VM_ALLOW_HUGE_VMAP` */
export const VM_ALLOW_HUGE_VMAP = 0x400;

/** Per-task lazy MMU state (`TIF_LAZY_MMU`, `TIF_LAZY_MMU_PENDING`, the enable count). */
export interface LazyMmuState {
  depth: number;
  pending: boolean;
}

/** The kernel's mutable globals, by their C names where they have one. */
export interface KernelGlobals {
  /** mmu.c `linear_map_requires_bbml2` */
  linear_map_requires_bbml2: boolean;
  /** mmu.c `idmap_kpti_bbml2_flag` */
  idmap_kpti_bbml2_flag: number;
  /** pageattr.c `rodata_full` */
  rodata_full: boolean;
  /** cpufeature.c: `cpus_have_cap(ARM64_HAS_BBML2_NOABORT)` */
  cap_bbml2_noabort: boolean;
  /** cpufeature.c: `system_capabilities_finalized()` (alternatives patched) */
  capabilities_finalized: boolean;
  /** mm: `page_alloc_available` (v7.1) */
  page_alloc_available: boolean;
  /** `CONFIG_KFENCE` */
  kfence_enabled: boolean;
  /** mmu.c `kfence_early_init` */
  kfence_early_init: boolean;
  /** mm/kfence `__kfence_pool` (linear VA) */
  __kfence_pool: bigint | null;
  /** CPUs refused at bring-up. */
  refused_cpus: CpuId[];
  /** `WARN_ON_ONCE` sites that already fired. */
  warned: Set<string>;
  /** Lazy MMU state per CPU (one task per CPU at a time). */
  lazy: Map<CpuId, LazyMmuState>;
  /** Calling context per CPU (process unless inside the stop_machine() callback). */
  context: Map<CpuId, AllocContext>;
  /** vmalloc areas. */
  vm_areas: vm_struct[];
  /** Next free vmalloc VA. */
  vmalloc_next: bigint;
  /** prealloc variant: tables allocated before stop_machine(), per Arm level, or null. */
  split_pgtables: Map<number, bigint[]> | null;
}

/**
 * The port's replaceable functions, called through this table like kernel function pointers
 * (DEVIATION: the kernel calls them directly; the walk ops are the kernel's own `mm_walk_ops`
 * structs). The default table is the faithful port (`PORT_FNS` in sut.ts); a plug-in or a seeded
 * bug (impl/mutants/) replaces entries through `createPortSut(hw, config, overrides)`.
 */
export interface KernelFns {
  /** mmu.c `split_kernel_leaf_mapping()` (also what pageattr.c's update_range_prot() calls). */
  split_kernel_leaf_mapping: (k: Kern, start: bigint, end: bigint) => KGen<number>;
  /** mmu.c `split_kernel_leaf_mapping_locked()` */
  split_kernel_leaf_mapping_locked: (k: Kern, addr: bigint) => KGen<number>;
  /** mmu.c `split_contpte()` */
  split_contpte: (k: Kern, ptep: bigint) => KGen<void>;
  /** mmu.c `split_pmd()` */
  split_pmd: (k: Kern, pmdp: bigint, pmd: bigint, gfp: Gfp, to_cont: boolean) => KGen<number>;
  /** mmu.c `split_contpmd()` */
  split_contpmd: (k: Kern, pmdp: bigint) => KGen<void>;
  /** mmu.c `split_pud()` */
  split_pud: (k: Kern, pudp: bigint, pud: bigint, gfp: Gfp, to_cont: boolean) => KGen<number>;
  /** mmu.c `pgd_pgtable_alloc_init_mm_gfp()` (the split's table allocator) */
  pgd_pgtable_alloc_init_mm_gfp: (k: Kern, level: pgtable_level, gfp: Gfp) => KGen<bigint>;
  /** mmu.c `split_to_ptes_ops` (the repaint's and the KFENCE pool's walk) */
  split_to_ptes_ops: mm_walk_ops<Gfp>;
  /** mmu.c `linear_map_split_to_ptes()` (the stop_machine() callback) */
  linear_map_split_to_ptes: (k: Kern) => KGen<number>;
  /** the prealloc series' `collect_to_split_ops` (the count walk) */
  collect_to_split_ops: mm_walk_ops<split_pgtables_count>;
  /** pageattr.c `pageattr_ops` */
  pageattr_ops: mm_walk_ops<page_change_data>;
  /** pageattr.c `__change_memory_common()` */
  __change_memory_common: (k: Kern, start: bigint, size: bigint, set_mask: bigint, clear_mask: bigint) => KGen<number>;
  /** pageattr.c `change_memory_common()` (set_memory_ro/rw/nx/x: range check, linear alias, vmalloc range) */
  change_memory_common: (k: Kern, addr: bigint, numpages: number, set_mask: bigint, clear_mask: bigint) => KGen<number>;
  /** pageattr.c `set_direct_map_invalid_noflush()` (page: its PA) */
  set_direct_map_invalid_noflush: (k: Kern, page: bigint) => KGen<number>;
  /** pageattr.c `set_direct_map_default_noflush()` (page: its PA) */
  set_direct_map_default_noflush: (k: Kern, page: bigint) => KGen<number>;
  /** mmu.c `map_mem()` (the boot linear map) */
  map_mem: (k: Kern) => KGen<void>;
  /** mmu.c `arch_kfence_init_pool()` (the late KFENCE pool's split, ce2b3a50ad92) */
  arch_kfence_init_pool: (k: Kern) => KGen<boolean>;
}

/** The context passed to every ported function. */
export interface Kern {
  readonly hw: Primitives;
  readonly cfg: SutConfig;
  readonly g: Arm64Geometry;
  readonly s: KernelGlobals;
  /** `PHYS_OFFSET` (memstart_addr). */
  readonly PHYS_OFFSET: bigint;
  /** `KFENCE_POOL_SIZE` */
  readonly KFENCE_POOL_SIZE: bigint;
  /** The replaceable functions (DEVIATION: function pointers instead of direct calls). */
  readonly fn: KernelFns;
}

/**
 * Creates the kernel context for a configuration.
 * @param hw - the machine primitives
 * @param cfg - the configuration
 * @param fn - the function table (the faithful port's, or with entries replaced)
 * @returns the context, globals at their boot values
 */
export function createKern(hw: Primitives, cfg: SutConfig, fn: KernelFns): Kern {
  const g = arm64_geometry(cfg.granule);
  const first = cfg.memblock.banks[0]?.base ?? 0n;
  return {
    hw,
    cfg,
    g,
    // memstart_addr; DEVIATION: no KASLR randomisation of the linear map.
    PHYS_OFFSET: first & ~(g.ARM64_MEMSTART_ALIGN - 1n),
    KFENCE_POOL_SIZE: (CONFIG_KFENCE_NUM_OBJECTS + 1n) * 2n * g.PAGE_SIZE,
    fn,
    s: {
      linear_map_requires_bbml2: false,
      idmap_kpti_bbml2_flag: 0,
      // DEVIATION: `rodata=full` is accepted as the old spelling of `rodata=on`.
      rodata_full: cfg.rodata === 'full' || cfg.rodata === 'on',
      cap_bbml2_noabort: false,
      capabilities_finalized: false,
      page_alloc_available: false,
      kfence_enabled: cfg.kfence !== 'off',
      // DEVIATION: `kfence` stands for CONFIG_KFENCE plus kfence.sample_interval at boot.
      kfence_early_init: cfg.kfence === 'early',
      __kfence_pool: null,
      refused_cpus: [],
      warned: new Set(),
      lazy: new Map(),
      context: new Map(),
      vm_areas: [],
      vmalloc_next: 0xffff800080000000n,
      split_pgtables: null,
    },
  };
}

/**
 * `__phys_to_virt(pa)`: the linear-map VA of a physical address.
 * @param k - kernel context
 * @param pa - the physical address
 * @returns `(pa - PHYS_OFFSET) | PAGE_OFFSET`
 */
export function __phys_to_virt(k: Kern, pa: bigint): bigint {
  return (pa - k.PHYS_OFFSET) | PAGE_OFFSET;
}

/**
 * `__lm_to_phys(va)`: the physical address behind a linear-map VA.
 * @param k - kernel context
 * @param va - a linear-map VA
 * @returns `va - PAGE_OFFSET + PHYS_OFFSET`
 */
export function __lm_to_phys(k: Kern, va: bigint): bigint {
  return va - PAGE_OFFSET + k.PHYS_OFFSET;
}

/**
 * The calling context of the current CPU, as passed to the table allocator.
 * @param k - kernel context
 * @returns process, atomic or stopped
 */
export function current_context(k: Kern): AllocContext {
  return k.s.context.get(k.hw.currentCpu()) ?? 'process';
}
