/**
 * Generated, shrinkable SUT configurations: granule, memblock layout (banks with holes, the kernel
 * image inside the first bank), CPUs with their BBM level and noabort, and the kernel knobs.
 * Shrinking heads toward 4K, one bank, one CPU, v7.2-rc, rodata=full, KFENCE off; a configuration
 * without its generation context (a saved one, one from another `oneof` alternative) shrinks by
 * the neighbours of configSpace.ts ({@link configNeighbours}).
 *
 * Layer: properties/arbitraries.
 */
import fc from 'fast-check';
import type { ConfigRecord } from './configSpace.ts';
import { ConfigArbitrary, GIB_BANK, simplerRecords, unmapConfig } from './configSpace.ts';
import type {
  BBMLevel,
  CpuSpec,
  GranuleName,
  KfenceMode,
  MemblockLayout,
  RodataMode,
  SutConfig,
  Variant,
} from '../../impl/index.ts';

const M = 1n << 20n;
const G = 1n << 30n;

/** Every kernel variant of the port (impl/README.md says which upstream commits each follows). */
export const ALL_VARIANTS: readonly Variant[] = ['v7.2-rc', 'v7.1', 'v7.3', 'v6.18', 'prealloc'];

/** `KFENCE_POOL_SIZE` in bytes per granule: 512 pages (255 objects). */
const KFENCE_POOL_BYTES: Readonly<Record<GranuleName, bigint>> = { '4K': 2n * M, '16K': 8n * M, '64K': 32n * M };

/** Knobs a property may pin. */
export interface ConfigConstraints {
  readonly granules?: readonly GranuleName[];
  readonly variants?: readonly Variant[];
  /** Whether every CPU has BBML2-noabort (`true`), none of the secondaries (`false`), or any. */
  readonly secondariesNoabort?: boolean;
  readonly maxCpus?: number;
  /** CPUs at least, the boot CPU included (default 1). */
  readonly minCpus?: number;
  readonly preemptRt?: boolean;
  /** Add a 1 GiB bank at 2 GiB, so that 4K layouts hold a PUD block (slow to repaint). */
  readonly large?: boolean;
  /** Whether the boot CPU has BBML2-noabort (default: nine times in ten). */
  readonly bootNoabort?: boolean;
  /** The `rodata=` settings to draw from (default: all, full most often). */
  readonly rodata?: readonly RodataMode[];
  /** Pin `debug_pagealloc` (default: on one time in ten). */
  readonly debugPagealloc?: boolean;
}

/** One RAM bank as generated: offset from the previous bank's end and size, in MiB. */
const bankArb: fc.Arbitrary<{ gapMiB: number; sizeMiB: number }> = fc.record({
  gapMiB: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 700 }) },
  ),
  sizeMiB: fc.integer({ min: 40, max: 160 }),
});

/**
 * Builds a memblock layout from generated banks: the first bank at 1 GiB (plus a page-aligned
 * offset), the kernel image 2 MiB into it, the KFENCE pool (`KFENCE_POOL_SIZE`, page aligned) in
 * RAM: 16 MiB into the first bank, else at the start of the first later bank it fits in, else none
 * (under `early` a failed `memblock_phys_alloc()`: kfence_early_init is cleared; under `late` the
 * buddy allocation of `kfence_init_late()` failed). The pool is never outside a bank: the kernel
 * takes it from memblock.memory or the buddy allocator (arch/arm64/mm/mmu.c
 * arm64_kfence_alloc_pool(), mm/kfence/core.c kfence_init_late()).
 */
function layout(
  banks: readonly { gapMiB: number; sizeMiB: number }[],
  firstOffsetPages: number,
  kfence: KfenceMode,
  granule: GranuleName,
): MemblockLayout {
  let base = G + BigInt(firstOffsetPages) * 0x10000n;
  const out = banks.map((b, i) => {
    if (i > 0) base = b.gapMiB < 0 ? ((base + G - 1n) / G) * G : base + BigInt(b.gapMiB) * M;
    const bank = { base, size: BigInt(b.sizeMiB) * M };
    base += bank.size;
    return bank;
  });
  const first = out[0] ?? { base: G, size: 64n * M };
  const text = ((first.base + 2n * M + (2n * M - 1n)) / (2n * M)) * (2n * M);
  const kernel = { text, stext: text, init_begin: text + 8n * M, init_end: text + 10n * M, end: text + 14n * M };
  const poolBytes = KFENCE_POOL_BYTES[granule];
  const fits = (b: { base: bigint; size: bigint }, at: bigint): boolean =>
    at >= b.base && at + poolBytes <= b.base + b.size;
  const candidates = [text + 16n * M, ...out.slice(1).map((b) => b.base)];
  const pool = kfence === 'off' ? undefined : candidates.find((at, i) => fits(i === 0 ? first : (out[i] ?? first), at));
  return { banks: out, kernel, ...(pool === undefined ? {} : { kfence_pool: pool }) };
}

/**
 * The configuration arbitrary.
 * @param c - constraints
 * @returns an arbitrary of SUT configurations
 */
export function configArb(c: ConfigConstraints = {}): fc.Arbitrary<SutConfig> {
  const granules = narrow<GranuleName>(c.granules ?? ['4K', '16K', '64K'], process.env['BBM_GRANULES']);
  const variants = narrow<Variant>(c.variants ?? ALL_VARIANTS, process.env['BBM_VARIANTS']);
  const large = c.large ?? false;
  const record: fc.Arbitrary<ConfigRecord> = fc.record({
    granule: fc.constantFrom<GranuleName>(...granules),
    variant: fc.constantFrom<Variant>(...variants),
    banks: large ? bankArb.map((first) => [first, GIB_BANK]) : fc.array(bankArb, { minLength: 1, maxLength: 3 }),
    firstOffsetPages: large
      ? fc.constant(0)
      : fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }) }),
    secondaries: fc.array(fc.record({ bbm: fc.constantFrom<BBMLevel>(0, 1, 2, 3), noabort: fc.boolean() }), {
      minLength: Math.max(0, (c.minCpus ?? 1) - 1),
      maxLength: Math.max(0, (c.maxCpus ?? 4) - 1),
    }),
    kfence: fc.constantFrom<KfenceMode>('off', 'early', 'late'),
    // rodata=full is the default and the case the code exists for; noalias/off (where a split
    // is a no-op unless KFENCE, realm or debug_pagealloc want page granularity) are drawn too.
    rodata:
      c.rodata !== undefined
        ? fc.constantFrom<RodataMode>(...c.rodata)
        : fc.oneof(
            { weight: 5, arbitrary: fc.constant<RodataMode>('full') },
            { weight: 1, arbitrary: fc.constant<RodataMode>('on') },
            { weight: 2, arbitrary: fc.constantFrom<RodataMode>('noalias', 'off') },
          ),
    // A boot CPU without BBML2-noabort maps the linear map with PTEs from the start.
    bootNoabort:
      c.bootNoabort === undefined
        ? fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })
        : fc.constant(c.bootNoabort),
    // Under v7.3, a noabort boot CPU that advertises FEAT_BBML3 (ID_AA64MMFR2_EL1.BBM = 3) with a
    // MIDR on no allow list: only cpu_supports_bbml3()'s ID-register test sees it
    // (impl/testing/memory-machine.ts defaultMidr()). Older kernels would page-map the linear map
    // on it, which a boot CPU without the capability already covers, at the price of a PTE boot.
    bootBbml3: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    debug_pagealloc:
      c.debugPagealloc === undefined
        ? fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
        : fc.constant(c.debugPagealloc),
    realm: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    preempt_rt: c.preemptRt === undefined ? fc.boolean() : fc.constant(c.preemptRt),
  });
  const domain = {
    granules,
    variants,
    large,
    minCpus: c.minCpus ?? 1,
    maxCpus: c.maxCpus ?? 4,
    secondariesNoabort: c.secondariesNoabort,
    bootNoabort: c.bootNoabort,
    rodata: c.rodata ?? (['full', 'on', 'noalias', 'off'] as const),
    debugPagealloc: c.debugPagealloc,
    preemptRt: c.preemptRt,
  };
  const build = (r: ConfigRecord): SutConfig => toConfig(r, c.secondariesNoabort);
  return new ConfigArbitrary(record.map(build), domain, build);
}

/**
 * Lays out a drawn record: the CPUs (boot CPU first) and the memblock layout.
 * @param r - the record
 * @param secondariesNoabort - the constraint of the same name
 * @returns the configuration
 */
export function toConfig(r: ConfigRecord, secondariesNoabort?: boolean): SutConfig {
  const cpus: CpuSpec[] = [
    r.bootNoabort
      ? { id: 0, bbm: r.bootBbml3 && r.variant === 'v7.3' ? 3 : 2, noabort: true }
      : { id: 0, bbm: 2, noabort: false },
  ];
  r.secondaries.forEach((s, i) => {
    // FEAT_BBML3 never raises a TLB conflict abort (arm-bbm-rules.md §3.2): level 3 has noabort.
    // A property that wants every CPU noabort (secondariesNoabort) gets allow-listed level-2 CPUs.
    // Drawn under v7.3 only, like the boot CPU's: to an older kernel such a CPU is one without
    // the capability (a repaint on hardware that needs none), which level-2 CPUs already cover.
    if (secondariesNoabort === undefined && s.bbm === 3 && r.variant === 'v7.3')
      cpus.push({ id: i + 1, bbm: 3, noabort: true });
    else {
      const noabort = secondariesNoabort ?? s.noabort;
      cpus.push({ id: i + 1, bbm: noabort ? 2 : s.bbm === 3 ? 2 : s.bbm, noabort });
    }
  });
  return {
    granule: r.granule,
    variant: r.variant,
    // PREEMPT_RT goes with prealloc only: upstream (v7.1, v6.18) allocates inside stop_machine(),
    // the known bug that series fixes (recordedTraces.test.ts shows the model flagging it).
    preempt_rt: r.preempt_rt && r.variant === 'prealloc',
    rodata: r.rodata,
    debug_pagealloc: r.debug_pagealloc,
    kfence: r.kfence,
    realm: r.realm,
    memblock: layout(r.banks, r.firstOffsetPages, r.kfence, r.granule),
    cpus,
  };
}

/**
 * The simpler neighbours of any configuration (configSpace.ts `simplerRecords`), laid out; NOMAP
 * regions are kept as they are. Which of them a property may try is its input arbitrary's
 * `canShrinkWithoutContext` (shrinks/domainShrink.ts).
 * @param cfg - the configuration
 * @returns the neighbours, with the CPU id a neighbour dropped
 */
export function configNeighbours(cfg: SutConfig): { config: SutConfig; droppedCpu?: number }[] {
  const r = unmapConfig(cfg);
  if (r === undefined) return [];
  const nomap = cfg.memblock.nomap;
  return simplerRecords(r).map((n) => {
    const built = toConfig(n.record);
    const config = nomap === undefined ? built : { ...built, memblock: { ...built.memblock, nomap } };
    return n.droppedCpu === undefined ? { config } : { config, droppedCpu: n.droppedCpu };
  });
}

/**
 * Narrows a property's own choices to those an environment list allows (`BBM_GRANULES`,
 * `BBM_VARIANTS`, set by `bbm-verify verify --granule/--variant`); a property whose choices do not
 * meet the list keeps its own.
 * @param own - the property's choices
 * @param env - a comma-separated list, or undefined
 * @returns the choices to draw from
 */
function narrow<T extends string>(own: readonly T[], env: string | undefined): T[] {
  if (env === undefined || env === '') return [...own];
  const allowed = env.split(',');
  const both = own.filter((x) => allowed.includes(x));
  return both.length > 0 ? both : [...own];
}

/**
 * A one-line description of a configuration for reports.
 * @param cfg - the configuration
 * @returns e.g. `4K v7.2-rc cpus=[cpu0 BBML2_NOABORT, cpu1 BBM level 0] banks=[0x40000000+64M] kfence=off`
 */
export function describeConfig(cfg: SutConfig): string {
  // As the kernel sees them: BBML2_NOABORT (ARM64_HAS_BBML2_NOABORT: BBM level 2 and on the
  // allow list), BBML3 (ID_AA64MMFR2_EL1.BBM = 3, on no allow list: only v7.3 sees it), or the
  // BBM level the CPU reports without the capability.
  const cpus = cfg.cpus
    .map(
      (c) =>
        `cpu${c.id} ${c.bbm === 3 ? 'BBML3' : c.noabort ? 'BBML2_NOABORT' : `BBM level ${c.bbm}${c.bbm === 2 ? ' (not noabort)' : ''}`}`,
    )
    .join(', ');
  const banks = cfg.memblock.banks.map((b) => `0x${b.base.toString(16)}+${b.size / M}M`).join(',');
  const knobs = `${cfg.rodata === 'full' ? '' : ` rodata=${cfg.rodata}`}${cfg.debug_pagealloc ? ' debug_pagealloc' : ''}${cfg.realm ? ' realm' : ''}`;
  return `${cfg.granule} ${cfg.variant}${cfg.preempt_rt ? ' PREEMPT_RT' : ''} cpus=[${cpus}] banks=[${banks}] kfence=${cfg.kfence}${knobs}`;
}
