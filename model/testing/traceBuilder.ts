/**
 * A small builder for event sequences in tests: named CPUs, table pages, and helpers for the
 * common shapes (link a table, write a block, the BBM steps). It produces model events, and can
 * print them as `bbm-trace/1` lines.
 *
 * Layer: model (helpers; no fast-check).
 */
import type { Descriptor } from '../arch/bits.ts';
import { asDescriptor, asPA, asVA, hex } from '../arch/bits.ts';
import type { CpuSpec, DSBDomain, GranuleName, ModelEvent, TLBIKind } from '../events.ts';

/** Builds an event list. */
export class TraceBuilder {
  readonly events: ModelEvent[] = [];

  /**
   * @param granule - the granule
   * @param root - PA of the root table
   * @param cpus - the CPUs of the header
   * @param preemptRt - PREEMPT_RT
   */
  constructor(
    readonly granule: GranuleName,
    readonly root: bigint,
    readonly cpus: readonly CpuSpec[],
    readonly preemptRt = false,
  ) {}

  /** Appends an `alloc`. */
  alloc(pa: bigint, level: number): this {
    this.events.push({ op: 'alloc', pa: asPA(pa), level });
    return this;
  }
  /** Appends a `free`. */
  free(pa: bigint): this {
    this.events.push({ op: 'free', pa: asPA(pa) });
    return this;
  }
  /** Appends a `write`. */
  write(cpu: number, pa: bigint, val: Descriptor | bigint): this {
    this.events.push({ op: 'write', cpu, pa: asPA(pa), val: asDescriptor(val) });
    return this;
  }
  /** Appends a `dsb`. */
  dsb(cpu: number, dom: DSBDomain): this {
    this.events.push({ op: 'dsb', cpu, dom });
    return this;
  }
  /** Appends an `isb`. */
  isb(cpu: number): this {
    this.events.push({ op: 'isb', cpu });
    return this;
  }
  /** Appends a `tlbi`; `va` is a full TTBR1 VA. */
  tlbi(cpu: number, kind: TLBIKind, va?: bigint, size?: bigint): this {
    this.events.push({
      op: 'tlbi',
      cpu,
      kind,
      ...(va !== undefined ? { va: asVA(va) } : {}),
      ...(size !== undefined ? { size } : {}),
    });
    return this;
  }
  /** Appends a `park`, `unpark`, `stop` or `resume`. */
  cpuOp(op: 'park' | 'unpark' | 'stop' | 'resume', cpu: number): this {
    this.events.push({ op, cpu });
    return this;
  }
  /** Appends an `online`. */
  online(cpu: number, bbm: 0 | 1 | 2, noabort: boolean): this {
    this.events.push({ op: 'online', cpu, bbm, noabort });
    return this;
  }

  /** The trace as `bbm-trace/1` lines, header first. */
  lines(): string[] {
    const header = {
      format: 'bbm-trace/1',
      granule: this.granule,
      va_bits: 48,
      root: hex(this.root),
      preempt_rt: this.preemptRt,
      cpus: this.cpus,
    };
    return [JSON.stringify(header), ...this.events.map(eventLine)];
  }
}

/**
 * One event as a trace line.
 * @param e - the event
 * @returns the JSON line
 */
export function eventLine(e: ModelEvent): string {
  return JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? hex(v) : v));
}
