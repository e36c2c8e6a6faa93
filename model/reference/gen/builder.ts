/**
 * Trace generator — the builder every scenario writes through: the header's CPUs, a page
 * allocator for table pages (from the root at 0x80000000 up), tables created on demand along a
 * linear-map region (VA = 0xffff000000000000 + OA, memory at OA 16 GiB so that every block and
 * contiguous group of every granule is aligned), and the events in order, with the boundary
 * between the correct set-up and the operation under test (where mutations are aimed).
 *
 * Layer: model/reference/gen (tests only).
 */
import type { CpuId, DSBDomain, GranuleName, TLBIKind } from '../../events.ts';
import { TTBR1_BASE, entryBytes, geometryOf } from '../geometry.ts';
import type { RefGeometry } from '../geometry.ts';
import { table } from './encode.ts';
import type { RawEvent } from './encode.ts';

/** A CPU of the generated header. */
export interface GenCpu {
  readonly id: CpuId;
  readonly bbm: 0 | 1 | 2;
  readonly noabort: boolean;
}

/** The root table page. */
export const ROOT = 0x80000000n;
/** OA of the first byte of the main region. */
export const OA_BASE = 0x400000000n;

/** Builds one trace. */
export class Builder {
  readonly g: RefGeometry;
  readonly events: RawEvent[] = [];
  /** Index in `events` where the operation under test starts. */
  bodyStart = 0;
  private nextPage: bigint;
  /** Linked tables by `level:vaBase`. */
  private readonly tables = new Map<string, bigint>();

  /**
   * @param granule - the granule
   * @param cpus - the header's CPUs
   * @param actor - the CPU that runs the operation
   * @param preemptRt - the header's PREEMPT_RT flag
   * @param light - keep the trace short (no 128-entry contiguous groups)
   */
  constructor(
    readonly granule: GranuleName,
    readonly cpus: readonly GenCpu[],
    readonly actor: CpuId,
    readonly preemptRt: boolean,
    readonly light = false,
  ) {
    this.g = geometryOf(granule);
    this.nextPage = ROOT + this.g.pageBytes;
    this.tables.set(`${this.g.rootLevel}:${TTBR1_BASE}`, ROOT);
  }

  /** The VA of an OA in the linear map. */
  va(oa: bigint): bigint {
    return TTBR1_BASE + oa;
  }

  /** The span of an entry at `level`. */
  size(level: number): bigint {
    return entryBytes(this.g, level);
  }

  /** Appends events. */
  emit(...e: RawEvent[]): void {
    this.events.push(...e);
  }

  /** Marks the start of the operation under test. */
  beginBody(): void {
    this.bodyStart = this.events.length;
  }

  /** `alloc` of a fresh table page. */
  alloc(level: number): bigint {
    const pa = this.nextPage;
    this.nextPage += this.g.pageBytes;
    this.emit({ op: 'alloc', pa, level });
    return pa;
  }

  /** A store by `cpu` (the actor by default). */
  write(pa: bigint, val: bigint, cpu: CpuId = this.actor): void {
    this.emit({ op: 'write', cpu, pa, val });
  }

  /** A DSB. */
  dsb(dom: DSBDomain, cpu: CpuId = this.actor): void {
    this.emit({ op: 'dsb', cpu, dom });
  }

  /** An ISB. */
  isb(cpu: CpuId = this.actor): void {
    this.emit({ op: 'isb', cpu });
  }

  /** A TLBI. */
  tlbi(kind: TLBIKind, va?: bigint, size?: bigint, cpu: CpuId = this.actor): void {
    this.emit({
      op: 'tlbi',
      cpu,
      kind,
      ...(va !== undefined ? { va } : {}),
      ...(size !== undefined ? { size } : {}),
    });
  }

  /** The other CPUs than the actor. */
  others(): GenCpu[] {
    return this.cpus.filter((c) => c.id !== this.actor);
  }

  /** VA of entry 0 of the table at `level` that covers `va`. */
  tableBase(va: bigint, level: number): bigint {
    if (level === this.g.rootLevel) return TTBR1_BASE;
    const span = this.size(level - 1);
    return va - ((va - TTBR1_BASE) % span);
  }

  /** The PA of the entry at `level` that translates `va`, in the table at `tablePa`. */
  entry(tablePa: bigint, level: number, va: bigint): bigint {
    return tablePa + ((va - this.tableBase(va, level)) / this.size(level)) * 8n;
  }

  /**
   * The table at `level` covering `va`, allocated and linked (empty) with everything above it
   * if it does not exist yet.
   */
  tableFor(va: bigint, level: number): bigint {
    const key = `${level}:${this.tableBase(va, level)}`;
    const had = this.tables.get(key);
    if (had !== undefined) return had;
    const parent = this.tableFor(va, level - 1);
    const pa = this.alloc(level);
    this.write(this.entry(parent, level - 1, va), table(pa));
    this.tables.set(key, pa);
    return pa;
  }

  /** Forgets a table (after the scenario unlinked it). */
  forget(va: bigint, level: number): void {
    this.tables.delete(`${level}:${this.tableBase(va, level)}`);
  }

  /** The lines of the trace, header first. */
  header(): string {
    return JSON.stringify({
      format: 'bbm-trace/1',
      granule: this.granule,
      va_bits: 48,
      root: '0x' + ROOT.toString(16),
      preempt_rt: this.preemptRt,
      cpus: this.cpus.map((c) => ({ id: c.id, bbm: c.bbm, noabort: c.noabort })),
    });
  }
}
