/**
 * The SUT contract: what any implementation under test receives (the machine primitives and a
 * configuration) and what it must return (the kernel operations). The bundled port of
 * arch/arm64/mm/{mmu,pageattr}.c is one plug-in among others; see CONTRACT.md.
 *
 * Layer: impl (imports nothing outside impl/). Types here are duplicated on purpose from the event
 * vocabulary of the model, which impl/ must never import.
 */

/** A CPU number, as the trace names it. */
export type CpuId = number;

/** Translation granule of the kernel's TTBR1 tables. */
export type GranuleName = '4K' | '16K' | '64K';

/**
 * FEAT_BBM support level, `ID_AA64MMFR2_EL1.BBM`: 0, 1, 2, or 3 = FEAT_BBML3 (2025 extensions:
 * level 2 and never a TLB conflict abort, so a CPU of level 3 has `noabort`).
 */
export type BBMLevel = 0 | 1 | 2 | 3;

/** A CPU as the trace header or an `online` event describes it. */
export interface CpuSpec {
  /** The CPU number. */
  readonly id: CpuId;
  /** Its FEAT_BBM level. */
  readonly bbm: BBMLevel;
  /** Whether it never raises TLB conflict aborts (Linux `BBML2_NOABORT`). */
  readonly noabort: boolean;
}

/** The CPU identification registers the capability code reads (`read_cpuid_id()` and friends). */
export interface CpuIdRegs {
  /** `MIDR_EL1` (implementer, variant, architecture, part number, revision). */
  readonly MIDR_EL1: number;
  /** `ID_AA64MMFR2_EL1.BBM`. */
  readonly ID_AA64MMFR2_EL1_BBM: BBMLevel;
}

/** `DSB <option>`. */
export type DsbDomain = 'ish' | 'ishst' | 'nsh' | 'nshst' | 'sy';

/** TLBI operations by VA. */
export type TlbiByVaKind = 'vae1is' | 'vale1is' | 'vaae1is' | 'vaale1is' | 'vae1' | 'vale1' | 'vaae1' | 'vaale1';
/** TLBI range operations (FEAT_TLBIRANGE): take `va` and `size`. */
export type TlbiRangeKind = 'rvae1is' | 'rvaae1is' | 'rvale1is' | 'rvaale1is';
/** TLBI operations without an address. */
export type TlbiAllKind = 'vmalle1is' | 'vmalle1';
/** Every TLBI operation of the trace format. */
export type TlbiKind = TlbiByVaKind | TlbiRangeKind | TlbiAllKind;

/**
 * Allocation flags of a table-page allocation. `MEMBLOCK` is the boot allocator
 * (`early_pgtable_alloc()`), which has no gfp flags in the kernel.
 */
export type Gfp = 'GFP_PGTABLE_KERNEL' | 'GFP_ATOMIC' | 'GFP_KERNEL' | 'MEMBLOCK';

/** The calling context of an allocation: process (may sleep), atomic, or inside stop_machine(). */
export type AllocContext = 'process' | 'atomic' | 'stopped';

/** Which primitive a scheduling point announces. */
export type PrimName =
  | 'read'
  | 'write'
  | 'dsb'
  | 'isb'
  | 'tlbi'
  | 'alloc'
  | 'free'
  | 'lock'
  | 'unlock'
  | 'park'
  | 'unpark'
  | 'online'
  | 'mmu_on'
  | 'stop'
  | 'resume'
  | 'relax'
  | 'walk';

/**
 * One scheduling point: a generator primitive yields it *before* performing its effect, so the
 * scheduler may run other CPUs between the announcement and the effect. Plain code between two
 * primitives runs atomically with the preceding primitive's effect.
 */
export interface SchedPoint {
  /** The CPU that is about to perform the primitive. */
  readonly cpu: CpuId;
  /** The primitive. */
  readonly prim: PrimName;
  /** The table-entry address of a `read`/`write`, the page of an `alloc`/`free`. */
  readonly pa?: bigint;
  /** The task is spinning on a condition (lock, flag); prefer running someone else. */
  readonly blocked?: boolean;
  /** The task owns the machine (inside stop_machine()); the driver must keep advancing it. */
  readonly exclusive?: boolean;
}

/**
 * A kernel computation that can be interleaved at every primitive. The value passed to `next()`
 * is the scheduler's next choice (a non-negative integer) or undefined; only primitives that
 * choose among CPUs themselves (stop_machine()) use it.
 */
export type KGen<T> = Generator<SchedPoint, T, number | undefined>;

/** The callback of stop_machine(): run once on every online CPU, with that CPU current. */
export type StopFn = (cpu: CpuId) => KGen<number>;

/**
 * The machine primitives: the only way an implementation may touch page tables or hardware.
 * Generator primitives are one scheduling point each (and one trace event where the trace format
 * has one); the plain functions are not scheduling points.
 */
export interface Primitives {
  /** `smp_processor_id()`: the CPU running the current step. */
  currentCpu(): CpuId;
  /** `cpu_online_mask`: the CPUs currently online, boot CPU first. */
  onlineCpus(): readonly CpuId[];
  /** `swapper_pg_dir`: PA of the top-level kernel table (level 0 for 4K/16K, level 1 for 64K). */
  rootTable(): bigint;
  /** The identification registers of the current CPU. */
  readCpuIdRegs(): CpuIdRegs;

  /** `READ_ONCE(*p)` of the 64-bit table entry at `pa` (a scheduling point, no trace event). */
  readDesc(pa: bigint): KGen<bigint>;
  /** `WRITE_ONCE(*p, val)`: trace event `write`. */
  writeDesc(pa: bigint, val: bigint): KGen<void>;
  /** `DSB <dom>`: trace event `dsb`. */
  dsb(dom: DsbDomain): KGen<void>;
  /** `ISB`: trace event `isb`. */
  isb(): KGen<void>;
  /** `TLBI <kind>[, va]`: trace event `tlbi` (`size` for range forms only). */
  tlbi(kind: TlbiKind, va?: bigint, size?: bigint): KGen<void>;
  /**
   * Allocate one page as a zeroed table page of level-`level` entries (trace event `alloc`).
   * @returns its PA, or null when the allocation fails (failure injection)
   */
  allocTable(level: number, gfp: Gfp, context: AllocContext): KGen<bigint | null>;
  /** Return a table page (trace event `free`). */
  freeTable(pa: bigint): KGen<void>;
  /** Take a lock (mutex or spinlock); spins with blocked points while another CPU holds it. */
  lock(name: string): KGen<void>;
  /** Release a lock. */
  unlock(name: string): KGen<void>;
  /** The current CPU stops walking the kernel tables (TTBR1 := reserved): trace event `park`. */
  park(): KGen<void>;
  /** The current CPU walks the kernel tables again: trace event `unpark`. */
  unpark(): KGen<void>;
  /**
   * The current CPU, still starting, turns its MMU on with TTBR1 = `swapper_pg_dir`
   * (`__secondary_switched`): from now on it walks the kernel tables (its stack, per-CPU data),
   * though the kernel has not marked it online. Trace event `online` (the model's "starts
   * walking").
   */
  mmuOn(): KGen<void>;
  /** The current CPU is marked online (`set_cpu_online()`): trace event `online`, unless `mmuOn()` already announced it. */
  cpuOnline(): KGen<void>;
  /**
   * stop_machine(fn, NULL, cpu_online_mask): trace events `stop` … `resume`; runs `fn` on every
   * online CPU, interleaved, while nothing else runs.
   * @returns 0 if every call returned 0, else one of the non-zero results
   */
  stopMachine(fn: StopFn): KGen<number>;
  /** `cpu_relax()`/`wfe` in a spin loop: a blocked scheduling point with no effect. */
  cpuRelax(): KGen<void>;
  /** An explicit translation-table walk by the current CPU: trace event `walk`. */
  walk(va: bigint): KGen<void>;

  /** Lazy MMU mode entered on the current CPU (recorded, no trace event). */
  lazyMmuEnter(): void;
  /** Lazy MMU mode left on the current CPU (recorded, no trace event). */
  lazyMmuLeave(): void;
  /** `WARN()`: recorded; execution continues. */
  warn(message: string): void;
  /** `BUG()`: recorded; the current task stops (throws {@link KernelBug}). */
  bug(message: string): never;
  /** `panic()`: recorded; the whole run stops (throws {@link KernelPanic}). */
  panic(message: string): never;
}

/** Thrown by `Primitives.bug()`: the task dies, the run goes on. */
export class KernelBug extends Error {
  /** @param message - the BUG message */
  constructor(message: string) {
    super(message);
    this.name = 'KernelBug';
  }
}

/** Thrown by `Primitives.panic()`: the machine halts. */
export class KernelPanic extends Error {
  /** @param message - the panic message */
  constructor(message: string) {
    super(message);
    this.name = 'KernelPanic';
  }
}

/**
 * The kernel version whose behaviour the implementation follows (impl/README.md names the upstream
 * commits of each): `v7.2-rc` (the default: v7.1's fixes plus Ard Biesheuvel's 2026 map_mem()
 * series), `v7.1` (v7.1's own map_mem(), table helpers and pgattr_change_is_safe()), `v7.3` (the
 * v7.3 cycle's BBML3 rename and ID-register-first detection, on top of v7.2-rc), `v6.18`, and
 * `prealloc` (the proposed PREEMPT_RT pre-allocation series on top of v7.2-rc).
 */
export type Variant = 'v7.2-rc' | 'v7.1' | 'v7.3' | 'v6.18' | 'prealloc';
/** `rodata=`: `on`/`full` keep `rodata_full`, `noalias`/`off` clear it. */
export type RodataMode = 'full' | 'on' | 'noalias' | 'off';
/** KFENCE: pool taken from memblock at boot, pool initialised late, or no KFENCE. */
export type KfenceMode = 'early' | 'late' | 'off';

/** A physical range `[base, base + size)`. */
export interface PhysRange {
  readonly base: bigint;
  readonly size: bigint;
}

/** Physical addresses of the kernel image sections that map_mem() and the repaint use. */
export interface KernelImageLayout {
  /** `_text` */
  readonly text: bigint;
  /** `_stext` (the repaint keeps `[lm_alias(_stext), lm_alias(__init_begin))`) */
  readonly stext: bigint;
  /** `__init_begin` */
  readonly init_begin: bigint;
  /** `__init_end` */
  readonly init_end: bigint;
  /** `__bss_stop` */
  readonly end: bigint;
}

/** The memblock layout at map_mem() time. */
export interface MemblockLayout {
  /** RAM banks (memblock.memory), sorted, not overlapping; holes between them stay unmapped. */
  readonly banks: readonly PhysRange[];
  /** Firmware NOMAP regions, never mapped. */
  readonly nomap?: readonly PhysRange[];
  /** The kernel image, inside a bank. */
  readonly kernel: KernelImageLayout;
  /** PA of the KFENCE pool (early: taken from memblock; late: handed over by the buddy). */
  readonly kfence_pool?: bigint;
}

/** Configuration of one run. */
export interface SutConfig {
  readonly granule: GranuleName;
  readonly variant: Variant;
  readonly preempt_rt: boolean;
  readonly rodata: RodataMode;
  readonly debug_pagealloc: boolean;
  readonly kfence: KfenceMode;
  /** `is_realm_world()` */
  readonly realm: boolean;
  readonly memblock: MemblockLayout;
  /** Every CPU of the machine, boot CPU first. */
  readonly cpus: readonly CpuSpec[];
}

/**
 * Observable kernel globals, for properties and reports. The fields keep the BBML2 names of v6.18 to
 * v7.2; under `v7.3` they hold the renamed globals (`linear_map_requires_bbml3`,
 * `ARM64_HAS_BBML3`, `system_supports_bbml3()`, `idmap_kpti_bbml3_flag`).
 */
export interface SutState {
  readonly linear_map_requires_bbml2: boolean;
  readonly capabilities_finalized: boolean;
  /** `cpus_have_cap(ARM64_HAS_BBML2_NOABORT)` (may go true → false before finalisation). */
  readonly cap_bbml2_noabort: boolean;
  /** `system_supports_bbml2_noabort()` (the alternative: false until finalised). */
  readonly system_supports_bbml2_noabort: boolean;
  readonly page_alloc_available: boolean;
  readonly kfence_early_init: boolean;
  /** `__kfence_pool` (linear VA) or null. */
  readonly kfence_pool_va: bigint | null;
  readonly idmap_kpti_bbml2_flag: number;
  /** CPUs refused at bring-up (late CPUs lacking the capability). */
  readonly refused_cpus: readonly CpuId[];
}

/**
 * The kernel operations. Each returns a generator to be run on the CPU it is called for (the
 * driver makes that CPU current). Error returns are the kernel's: 0 or a negative errno.
 */
export interface KernelOps {
  /** A name for reports. */
  readonly name: string;
  /** Boot CPU: probe its capabilities, then paging_init() → map_mem(). */
  boot(): KGen<void>;
  /** mem_init(): the page allocator is available from here on (v7.1 `page_alloc_available`). */
  mem_init(): KGen<void>;
  /** secondary_start_kernel() on the current CPU (early before finalisation, late after). */
  secondary_start_kernel(): KGen<boolean>;
  /** setup_system_features(): finalise capabilities, then linear_map_maybe_split_to_ptes(). */
  setup_system_features(): KGen<void>;
  /** split_kernel_leaf_mapping(start, end) */
  split_kernel_leaf_mapping(start: bigint, end: bigint): KGen<number>;
  /** A VM_ALLOC vmalloc area backed by the given physical pages. @returns its VA, or 0n */
  vmalloc(pages: readonly bigint[]): KGen<bigint>;
  set_memory_ro(addr: bigint, numpages: number): KGen<number>;
  set_memory_rw(addr: bigint, numpages: number): KGen<number>;
  set_memory_nx(addr: bigint, numpages: number): KGen<number>;
  set_memory_x(addr: bigint, numpages: number): KGen<number>;
  set_memory_valid(addr: bigint, numpages: number, enable: boolean): KGen<number>;
  /** `page` is the page's physical address (`page_to_phys(page)`). */
  set_direct_map_invalid_noflush(page: bigint): KGen<number>;
  set_direct_map_default_noflush(page: bigint): KGen<number>;
  set_direct_map_valid_noflush(page: bigint, nr: number, valid: boolean): KGen<number>;
  /** kfence_init_late() → arch_kfence_init_pool(). */
  arch_kfence_init_pool(): KGen<boolean>;
  /** kernel_page_present(page) */
  kernel_page_present(page: bigint): KGen<boolean>;
  /** Snapshot of the kernel globals. */
  inspect(): SutState;
}

/** What a plug-in module exports (as `createSut` or as its default export). */
export type SutFactory = (primitives: Primitives, config: SutConfig) => KernelOps;
