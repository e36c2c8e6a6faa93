/**
 * The space of configurations a `configArb` draws from, as a value: which configurations it can
 * draw (`admits`, its `canShrinkWithoutContext`) and the simpler neighbours of any configuration
 * (`simplerRecords`) — toward 4K, fewer CPUs, lower BBM levels, fewer and smaller banks, the
 * default knobs. fast-check shrinks a configuration inside the weighted `oneof` alternative it was
 * drawn from, and regenerates the operations of a `chain` when it does; the domain shrinker
 * (shrinks/domainShrink.ts) instead proposes these neighbours for the configuration of any value —
 * a corpus value, one drawn from any alternative — keeping everything else, and keeps those the
 * property's input arbitrary admits (`canShrinkWithoutContext`: fast-check's `oneof` admits what
 * any alternative admits, `filter` adds its predicate, `record` asks every field).
 *
 * Every neighbour is strictly smaller by {@link configWeight}, so shrinking ends.
 *
 * Layer: properties/arbitraries.
 */
import fc from 'fast-check';
import type { BBMLevel, GranuleName, KfenceMode, RodataMode, SutConfig, Variant } from '../../impl/index.ts';

const M = 1n << 20n;
const G = 1n << 30n;
/** The unit of the first bank's offset from 1 GiB (a 64K page, so that every granule is aligned). */
const OFFSET_UNIT = 0x10000n;
/** The gap of the 1 GiB bank of `large` layouts: "at the next 1 GiB boundary". */
export const NEXT_GIB = -1;
const MIN_BANK_MIB = 40;
const MAX_BANK_MIB = 160;
const GRANULE_RANK: Readonly<Record<GranuleName, number>> = { '4K': 0, '16K': 1, '64K': 2 };
/** The variant a configuration shrinks toward: the default, first of properties/arbitraries/config.ts ALL_VARIANTS. */
const DEFAULT_VARIANT: Variant = 'v7.2-rc';

/** One RAM bank as generated: offset from the previous bank's end and size, in MiB. */
export interface BankRecord {
  readonly gapMiB: number;
  readonly sizeMiB: number;
}

/** A configuration as `configArb` draws it, before it is laid out (config.ts `toConfig`). */
export interface ConfigRecord {
  readonly granule: GranuleName;
  readonly variant: Variant;
  readonly banks: readonly BankRecord[];
  readonly firstOffsetPages: number;
  readonly secondaries: readonly { readonly bbm: BBMLevel; readonly noabort: boolean }[];
  readonly kfence: KfenceMode;
  readonly rodata: RodataMode;
  readonly bootNoabort: boolean;
  readonly bootBbml3: boolean;
  readonly debug_pagealloc: boolean;
  readonly realm: boolean;
  readonly preempt_rt: boolean;
}

/** What one `configArb(constraints)` can draw (its constraints, after `BBM_GRANULES`/`BBM_VARIANTS`). */
export interface ConfigDomain {
  readonly granules: readonly GranuleName[];
  readonly variants: readonly Variant[];
  readonly large: boolean;
  readonly minCpus: number;
  readonly maxCpus: number;
  readonly secondariesNoabort: boolean | undefined;
  readonly bootNoabort: boolean | undefined;
  readonly rodata: readonly RodataMode[];
  readonly debugPagealloc: boolean | undefined;
  readonly preemptRt: boolean | undefined;
}

/**
 * The second bank of a `large` configuration: 1024 MiB at the next 1 GiB boundary after the first
 * bank (2 GiB: the first bank starts at 1 GiB and is at most 160 MiB), clear of the kernel image:
 * at 4K one PUD block (1 GiB), at 16K one contiguous PMD group (CONT_PMDS = 32 × 32 MiB), at 64K
 * two PMD blocks (2 × 512 MiB; a 64K contiguous PMD group is 16 GiB) — the largest leaf of each
 * granule but 64K's contiguous PMD.
 */
export const GIB_BANK: BankRecord = { gapMiB: NEXT_GIB, sizeMiB: 1024 };

/**
 * The record a configuration was laid out from (the canonical one where several give it): the
 * first bank's offset, the gaps and sizes in MiB, the boot CPU's capability. NOMAP regions (drawn
 * by boot.linear-map-complete over a configuration) are not part of it.
 * @param cfg - the configuration
 * @returns the record, or undefined when no record lays out to these banks
 */
export function unmapConfig(cfg: SutConfig): ConfigRecord | undefined {
  const banks = cfg.memblock.banks;
  const first = banks[0];
  const boot = cfg.cpus[0];
  if (first === undefined || boot === undefined) return undefined;
  const offset = first.base - G;
  if (offset < 0n || offset % OFFSET_UNIT !== 0n) return undefined;
  const out: BankRecord[] = [];
  let end = first.base;
  for (const [i, b] of banks.entries()) {
    if (b.size % M !== 0n) return undefined;
    const sizeMiB = Number(b.size / M);
    const nextGib = ((end + G - 1n) / G) * G;
    let gapMiB: number;
    if (i === 0) gapMiB = 0;
    else if (sizeMiB === GIB_BANK.sizeMiB && b.base === nextGib) gapMiB = NEXT_GIB;
    else if (b.base >= end && (b.base - end) % M === 0n) gapMiB = Number((b.base - end) / M);
    else return undefined;
    out.push({ gapMiB, sizeMiB });
    end = b.base + b.size;
  }
  return {
    granule: cfg.granule,
    variant: cfg.variant,
    banks: out,
    firstOffsetPages: Number(offset / OFFSET_UNIT),
    secondaries: cfg.cpus.slice(1).map((c) => ({ bbm: c.bbm, noabort: c.noabort })),
    kfence: cfg.kfence,
    rodata: cfg.rodata,
    bootNoabort: boot.noabort,
    bootBbml3: boot.bbm === 3,
    debug_pagealloc: cfg.debug_pagealloc,
    realm: cfg.realm,
    preempt_rt: cfg.preempt_rt,
  };
}

const bankOk = (b: BankRecord): boolean =>
  Number.isInteger(b.sizeMiB) &&
  b.sizeMiB >= MIN_BANK_MIB &&
  b.sizeMiB <= MAX_BANK_MIB &&
  Number.isInteger(b.gapMiB) &&
  b.gapMiB >= 0 &&
  b.gapMiB <= 700;

/**
 * Whether a record is one the domain draws (config.ts `configArb`'s record, field by field).
 * @param r - the record
 * @param d - the domain
 * @returns whether it can be drawn
 */
export function inDomain(r: ConfigRecord, d: ConfigDomain): boolean {
  const [first, second, ...rest] = r.banks;
  const banks = d.large
    ? first !== undefined &&
      bankOk(first) &&
      second?.gapMiB === GIB_BANK.gapMiB &&
      second.sizeMiB === GIB_BANK.sizeMiB &&
      rest.length === 0 &&
      r.firstOffsetPages === 0
    : r.banks.length >= 1 &&
      r.banks.length <= 3 &&
      r.banks.every(bankOk) &&
      Number.isInteger(r.firstOffsetPages) &&
      r.firstOffsetPages >= 0 &&
      r.firstOffsetPages <= 64;
  const n = r.secondaries.length;
  return (
    banks &&
    d.granules.includes(r.granule) &&
    d.variants.includes(r.variant) &&
    n >= Math.max(0, d.minCpus - 1) &&
    n <= Math.max(0, d.maxCpus - 1) &&
    r.secondaries.every((s) => [0, 1, 2, 3].includes(s.bbm)) &&
    d.rodata.includes(r.rodata) &&
    (d.bootNoabort === undefined || d.bootNoabort === r.bootNoabort) &&
    (d.debugPagealloc === undefined || d.debugPagealloc === r.debug_pagealloc) &&
    (d.preemptRt === undefined || d.preemptRt === r.preempt_rt)
  );
}

/**
 * A configuration as comparable text: keys sorted, bigints in hex, what a run ignores left out
 * (the NOMAP regions drawn over it; a KFENCE pool address with KFENCE off).
 * @param cfg - the configuration
 * @returns the text
 */
export function configKey(cfg: SutConfig): string {
  const { nomap: _nomap, kfence_pool, ...memblock } = cfg.memblock;
  const norm = { ...cfg, memblock: cfg.kfence === 'off' ? memblock : { ...memblock, kfence_pool } };
  const canon = (v: unknown): unknown =>
    typeof v === 'bigint'
      ? `0x${v.toString(16)}`
      : Array.isArray(v)
        ? v.map(canon)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([, x]) => x !== undefined)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([k, x]) => [k, canon(x)]),
            )
          : v;
  return JSON.stringify(canon(norm));
}

/**
 * How far a configuration is from the simplest one (4K, one CPU with BBML2-noabort, v7.2-rc, one
 * smallest bank at 1 GiB, default knobs): every neighbour of {@link simplerRecords} is smaller.
 * @param r - the record
 * @returns a natural number
 */
export function configWeight(r: ConfigRecord): number {
  const flag = (b: boolean): number => (b ? 1 : 0);
  return (
    GRANULE_RANK[r.granule] +
    r.secondaries.reduce((a, s) => a + 1 + (s.bbm === 3 ? 1 : 0) + (s.noabort ? 0 : s.bbm), 0) +
    flag(r.variant !== DEFAULT_VARIANT) +
    flag(r.kfence !== 'off') +
    flag(r.rodata !== 'full') +
    flag(r.debug_pagealloc) +
    flag(r.realm) +
    flag(r.preempt_rt) +
    flag(!r.bootNoabort) +
    flag(r.bootBbml3) +
    flag(r.firstOffsetPages !== 0) +
    r.banks.reduce((a, b, i) => a + 1 + flag(i > 0 && b.gapMiB !== 0) + Math.max(0, b.sizeMiB - MIN_BANK_MIB), 0)
  );
}

/**
 * The one-step simplifications of a record, simplest first: a smaller granule; one secondary CPU
 * fewer; the default variant; each knob to its default (KFENCE off, rodata=full, no
 * debug_pagealloc, realm or PREEMPT_RT, a boot CPU with BBML2-noabort and no BBML3); a BBML3
 * secondary to BBML2-noabort; one bank fewer, a gap closed, a bank smaller, the first bank at
 * 1 GiB; a secondary without the capability one BBM level lower.
 * @param r - the record
 * @returns the neighbours, each with the secondary it dropped (its CPU id), if any
 */
export function simplerRecords(r: ConfigRecord): { record: ConfigRecord; droppedCpu?: number }[] {
  const out: { record: ConfigRecord; droppedCpu?: number }[] = [];
  const push = (changes: Partial<ConfigRecord>): void => void out.push({ record: { ...r, ...changes } });
  for (const g of ['4K', '16K'] as const) if (GRANULE_RANK[g] < GRANULE_RANK[r.granule]) push({ granule: g });
  for (let k = r.secondaries.length; k >= 1; k--)
    out.push({ record: { ...r, secondaries: r.secondaries.filter((_s, i) => i !== k - 1) }, droppedCpu: k });
  if (r.variant !== DEFAULT_VARIANT) push({ variant: DEFAULT_VARIANT });
  if (r.kfence !== 'off') push({ kfence: 'off' });
  if (r.rodata !== 'full') push({ rodata: 'full' });
  if (r.debug_pagealloc) push({ debug_pagealloc: false });
  if (r.realm) push({ realm: false });
  if (r.preempt_rt) push({ preempt_rt: false });
  if (!r.bootNoabort) push({ bootNoabort: true });
  if (r.bootBbml3) push({ bootBbml3: false });
  const withSecondary = (i: number, s: ConfigRecord['secondaries'][number]): ConfigRecord['secondaries'] =>
    r.secondaries.map((x, j) => (j === i ? s : x));
  r.secondaries.forEach((s, i) => {
    if (s.bbm === 3) push({ secondaries: withSecondary(i, { bbm: 2, noabort: true }) });
  });
  const withBank = (i: number, b: BankRecord | undefined): readonly BankRecord[] =>
    b === undefined ? r.banks.filter((_b, j) => j !== i) : r.banks.map((x, j) => (j === i ? b : x));
  for (let i = r.banks.length - 1; i >= 1; i--) push({ banks: withBank(i, undefined) });
  r.banks.forEach((b, i) => {
    if (i > 0 && b.gapMiB > 0) push({ banks: withBank(i, { ...b, gapMiB: 0 }) });
    if (b.sizeMiB > MIN_BANK_MIB && b.sizeMiB <= MAX_BANK_MIB) {
      push({ banks: withBank(i, { ...b, sizeMiB: MIN_BANK_MIB }) });
      const half = Math.floor((b.sizeMiB + MIN_BANK_MIB) / 2);
      if (half > MIN_BANK_MIB) push({ banks: withBank(i, { ...b, sizeMiB: half }) });
    }
  });
  if (r.firstOffsetPages !== 0) push({ firstOffsetPages: 0 });
  r.secondaries.forEach((s, i) => {
    if (!s.noabort && s.bbm > 0)
      push({ secondaries: withSecondary(i, { bbm: (s.bbm - 1) as BBMLevel, noabort: false }) });
  });
  return out;
}

/**
 * The arbitrary `configArb` returns: it draws and shrinks (with its context) exactly as the mapped
 * record it wraps, so seeds and replay paths are unchanged; it also knows which configurations it
 * can draw, and shrinks a configuration without context (a saved one) to its admitted neighbours.
 */
export class ConfigArbitrary extends fc.Arbitrary<SutConfig> {
  /**
   * @param inner - the record arbitrary, laid out
   * @param domain - what it draws
   * @param build - the layout of a record (config.ts `toConfig` with these constraints)
   */
  constructor(
    private readonly inner: fc.Arbitrary<SutConfig>,
    readonly domain: ConfigDomain,
    private readonly build: (r: ConfigRecord) => SutConfig,
  ) {
    super();
  }

  /** @returns the inner draw */
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<SutConfig> {
    return this.inner.generate(mrng, biasFactor);
  }

  /** @returns whether this arbitrary can draw the configuration (NOMAP regions aside) */
  canShrinkWithoutContext(v: unknown): v is SutConfig {
    if (typeof v !== 'object' || v === null || !('memblock' in v) || !('cpus' in v)) return false;
    const cfg = v as SutConfig;
    const r = unmapConfig(cfg);
    if (r === undefined) return false;
    // PREEMPT_RT is drawn for every variant and kept with prealloc only: either draw gives the rest.
    const canon = cfg.variant === 'prealloc' ? r : { ...r, preempt_rt: this.domain.preemptRt ?? false };
    return inDomain(canon, this.domain) && configKey(this.build(canon)) === configKey(cfg);
  }

  /** @returns with context the inner candidates; without, the admitted simpler neighbours */
  shrink(v: SutConfig, context: unknown): fc.Stream<fc.Value<SutConfig>> {
    if (context !== undefined) return this.inner.shrink(v, context);
    const r = this.canShrinkWithoutContext(v) ? unmapConfig(v) : undefined;
    if (r === undefined) return fc.Stream.nil();
    const admitted = simplerRecords(r)
      .map((n) => this.build(n.record))
      .filter((c) => this.canShrinkWithoutContext(c));
    return fc.Stream.of(...admitted.map((c) => new fc.Value(c, undefined)));
  }
}

/** See {@link admitting}. */
class AdmittingArbitrary<T> extends fc.Arbitrary<T> {
  /**
   * @param inner - the arbitrary
   * @param admits - which values it can draw
   */
  constructor(
    private readonly inner: fc.Arbitrary<T>,
    private readonly admits: (v: unknown) => boolean,
  ) {
    super();
  }

  /** @returns the inner draw */
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    return this.inner.generate(mrng, biasFactor);
  }

  /** @returns the predicate's answer */
  canShrinkWithoutContext(v: unknown): v is T {
    return this.admits(v);
  }

  /** @returns the inner candidates (none without context for a `chain`) */
  shrink(v: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.inner.shrink(v, context);
  }
}

/**
 * An arbitrary that draws and shrinks as `arb` does and says which values it can draw: for a
 * `chain`, whose `canShrinkWithoutContext` is always false, the predicate states what the chained
 * part requires of the configuration (e.g. no early-window operation under v6.18). The domain
 * shrinker tries a simpler configuration only where it holds.
 * @param arb - the arbitrary
 * @param admits - whether a value is one `arb` can draw
 * @returns the same draws, with `canShrinkWithoutContext` = `admits`
 */
export function admitting<T>(arb: fc.Arbitrary<T>, admits: (v: unknown) => boolean): fc.Arbitrary<T> {
  return new AdmittingArbitrary(arb, admits);
}

/**
 * Whether an operation-sequence input (`{ config, preMemInit?, alone?, preFinal, … }`) is one its
 * chained generator draws for its configuration: the configuration is one `configs` draws, and
 * under v6.18 the early windows are empty (that kernel refuses every split before finalisation:
 * bbm/sequenceCase.ts, answers/answersCase.ts draw none there).
 * @param configs - the configuration arbitrary the input's chain starts from
 * @param v - the input
 * @returns whether it can be drawn
 */
export function earlyWindowsFit(configs: fc.Arbitrary<SutConfig>, v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  if (!configs.canShrinkWithoutContext(d['config'])) return false;
  const empty = (w: unknown): boolean => w === undefined || (Array.isArray(w) && w.length === 0);
  return (
    (d['config'] as SutConfig).variant !== 'v6.18' || ['preMemInit', 'alone', 'preFinal'].every((w) => empty(d[w]))
  );
}
