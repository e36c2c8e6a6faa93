/**
 * A `bbm-trace/1` trace under construction (format: `model/trace/README.md`): the header, one
 * JSON line per event, blank lines, and the one expectation a scenario states by hand — the
 * event that must be reported first (`expect`), or the line that is bad input (`errorHere`).
 * The builder only encodes descriptors, computes table indexes and numbers events and lines;
 * it never decides a verdict.
 *
 * Layer: model/scenarios (generator only).
 */
import { VIOLATIONS } from '../../bbm/violations.ts';
import type { ViolationCode } from '../../bbm/violations.ts';
import type { LeafProt, TableProt } from './descriptors.ts';
import { encodeLeaf, encodeTable } from './descriptors.ts';
import type { Geometry, Granule, Level } from './geometry.ts';
import { GEOM, VA_MASK, hex } from './geometry.ts';

/** A CPU of the header (or of an `online` event). */
export interface Cpu {
  readonly id: number;
  readonly bbm: number;
  readonly noabort: boolean;
}

/**
 * A header CPU.
 * @param id - CPU number
 * @param bbm - FEAT_BBM level (0..3)
 * @param noabort - BBML2_NOABORT
 * @returns the CPU
 */
export const cpu = (id: number, bbm: number, noabort: boolean): Cpu => ({ id, bbm, noabort });

/** What a new trace is made of. */
export interface TraceOptions {
  readonly granule?: Granule;
  readonly root?: bigint;
  readonly preempt_rt?: boolean;
  readonly cpus: readonly Cpu[];
  /** A raw header line (for the bad-header scenarios). */
  readonly header?: string;
}

/** Extra keys of an event (e.g. `fn`), which the checker must ignore. */
export type Extra = Readonly<Record<string, string>>;

/** The expectation of a scenario. */
export type Mark =
  | { readonly kind: 'violation'; readonly code: ViolationCode; readonly event: number; readonly line: number }
  | { readonly kind: 'end'; readonly code: ViolationCode; readonly event: number; readonly line: number }
  | { readonly kind: 'error'; readonly line: number };

/** The event and line of the last event pushed. */
interface Position {
  readonly event: number;
  readonly line: number;
}

const HEX = /^0x[0-9a-f]{1,16}$/;

/** A trace under construction; every event method returns `this` for chaining. */
export class Trace {
  readonly granule: Granule;
  readonly g: Geometry;
  readonly root: bigint;
  readonly lines: string[];
  events = 0;
  mark: Mark | undefined;
  private last: Position = { event: 0, line: 1 };
  /** Set by `expectAtEnd`: no line may follow. */
  private sealed = false;

  /** @param o - granule, root, PREEMPT_RT, CPUs (or a raw header) */
  constructor(o: TraceOptions) {
    this.granule = o.granule ?? '4K';
    this.g = GEOM[this.granule];
    this.root = o.root ?? 0x80000000n;
    const preempt_rt = o.preempt_rt ?? false;
    const header = { format: 'bbm-trace/1', granule: this.granule, va_bits: 48, root: hex(this.root), preempt_rt };
    this.lines = [o.header ?? JSON.stringify({ ...header, cpus: o.cpus })];
  }

  // -- geometry

  /** @returns the [shift, entries] of a level that exists in this granule */
  private lv(level: Level): readonly [bigint, bigint] {
    const l = this.g.levels[level];
    if (l === undefined) throw new Error(`no level ${level} in ${this.granule}`);
    return l;
  }
  /** @returns the VA shift of one entry at `level` */
  shift(level: Level): bigint {
    return this.lv(level)[0];
  }
  /** @returns the span of one entry at `level` */
  size(level: Level): bigint {
    return 1n << this.shift(level);
  }
  /** @returns the number of entries in a table of `level` */
  entries(level: Level): bigint {
    return this.lv(level)[1];
  }
  /** @returns the number of entries of a contiguous group at `level` */
  contN(level: Level): bigint {
    const n = this.g.cont[level];
    if (n === undefined) throw new Error(`no Contiguous bit at level ${level} in ${this.granule}`);
    return n;
  }
  /** @returns the index of `va` in a table of `level` */
  index(level: Level, va: bigint): bigint {
    const [s, n] = this.lv(level);
    return ((va & VA_MASK) >> s) & (n - 1n);
  }
  /** @returns the PA of the entry for `va` in the level-`level` table at `table` */
  ent(table: bigint, level: Level, va: bigint): bigint {
    return table + 8n * this.index(level, va);
  }
  /** @returns a leaf at `level` (a page at level 3, a block above) mapping `oa` */
  leaf(level: Level, oa: bigint, o: LeafProt = {}): bigint {
    const isPage = level === 3;
    if (!isPage && !this.g.blockLevels.includes(level)) throw new Error(`no blocks at level ${level}`);
    if (oa % this.size(level) !== 0n) throw new Error(`OA ${hex(oa)} not aligned to level ${level}`);
    if (isPage && o.nT) throw new Error('nT exists only in block descriptors');
    return encodeLeaf(isPage, oa, o);
  }
  /** @returns a table descriptor linking `next` */
  table(next: bigint, o: TableProt = {}): bigint {
    if (next % (1n << this.g.page) !== 0n) throw new Error(`table ${hex(next)} not page aligned`);
    return encodeTable(next, o);
  }

  // -- events

  /** Appends one event object (validated: `cpu` where needed, hex fields, TTBR1 VAs). */
  push(obj: Readonly<Record<string, unknown>>): this {
    const needsCpu = !['alloc', 'free'].includes(String(obj['op']));
    if (needsCpu !== Number.isInteger(obj['cpu'])) throw new Error(`${String(obj['op'])}: cpu field`);
    for (const k of ['pa', 'val', 'va', 'size']) {
      const v = obj[k];
      if (v !== undefined && !(typeof v === 'string' && HEX.test(v))) throw new Error(`bad hex ${k}`);
    }
    const va = obj['va'];
    if (typeof va === 'string' && !va.startsWith('0xffff')) throw new Error(`VA ${va} not TTBR1`);
    return this.raw(JSON.stringify(obj));
  }
  /** Appends a raw event line (for bad input). */
  raw(text: string): this {
    if (this.sealed) throw new Error('event after expectAtEnd');
    this.lines.push(text);
    this.events++;
    this.last = { event: this.events, line: this.lines.length };
    return this;
  }
  /** Appends a blank line (a line, not an event). */
  blank(): this {
    if (this.sealed) throw new Error('line after expectAtEnd');
    this.lines.push('');
    return this;
  }
  alloc(pa: bigint, level: Level): this {
    return this.push({ op: 'alloc', pa: hex(pa), level });
  }
  free(pa: bigint): this {
    return this.push({ op: 'free', pa: hex(pa) });
  }
  write(c: number, pa: bigint, val: bigint, extra: Extra = {}): this {
    if (pa % 8n !== 0n) throw new Error('unaligned write');
    return this.push({ op: 'write', cpu: c, pa: hex(pa), val: hex(val), ...extra });
  }
  dsb(c: number, dom: 'ish' | 'ishst' | 'nsh' | 'nshst' | 'sy', extra: Extra = {}): this {
    return this.push({ op: 'dsb', cpu: c, dom, ...extra });
  }
  isb(c: number, extra: Extra = {}): this {
    return this.push({ op: 'isb', cpu: c, ...extra });
  }
  tlbi(c: number, kind: string, va?: bigint, size?: bigint, extra: Extra = {}): this {
    const e: Record<string, unknown> = { op: 'tlbi', cpu: c, kind };
    if (va !== undefined) e['va'] = hex(va);
    if (size !== undefined) e['size'] = hex(size);
    return this.push({ ...e, ...extra });
  }
  park(c: number): this {
    return this.push({ op: 'park', cpu: c });
  }
  unpark(c: number): this {
    return this.push({ op: 'unpark', cpu: c });
  }
  online(c: number, bbm: number, noabort: boolean): this {
    return this.push({ op: 'online', cpu: c, bbm, noabort });
  }
  stop(c: number): this {
    return this.push({ op: 'stop', cpu: c });
  }
  resume(c: number): this {
    return this.push({ op: 'resume', cpu: c });
  }
  walk(c: number, va: bigint): this {
    return this.push({ op: 'walk', cpu: c, va: hex(va) });
  }

  // -- composite helpers

  /** Writes a table descriptor for `va` in the level-`level` table `parent`, linking `child`. */
  link(c: number, parent: bigint, level: Level, va: bigint, child: bigint, o: TableProt = {}, extra: Extra = {}): this {
    return this.write(c, this.ent(parent, level, va), this.table(child, o), extra);
  }
  /** Writes the leaf for `va` (level `level`, in table `table`) mapping `pa`. */
  map(c: number, table: bigint, level: Level, va: bigint, pa: bigint, o: LeafProt = {}, extra: Extra = {}): this {
    return this.write(c, this.ent(table, level, va), this.leaf(level, pa, o), extra);
  }
  /** Writes `count` consecutive leaves from `va`/`pa`; `each(i, o)` may change the fields per entry. */
  mapRange(
    c: number,
    table: bigint,
    level: Level,
    va: bigint,
    pa: bigint,
    count: number | bigint,
    o: LeafProt = {},
    each: (i: bigint, o: LeafProt) => LeafProt = (_i, x) => x,
  ): this {
    const sz = this.size(level);
    for (let i = 0n; i < BigInt(count); i++) this.map(c, table, level, va + i * sz, pa + i * sz, each(i, o));
    return this;
  }

  // -- verdicts

  /** The event just emitted is the first violation, with this code. */
  expect(code: ViolationCode): this {
    if (this.mark) throw new Error('two expectations');
    this.mark = { kind: 'violation', code, ...this.last };
    return this;
  }
  /**
   * The first violation is found at the end of the trace (SEMANTICS.md §5 "End of trace"):
   * event N + 1, after the last line. Call it last.
   */
  expectAtEnd(code: ViolationCode): this {
    if (this.mark) throw new Error('two expectations');
    this.mark = { kind: 'end', code, event: this.events + 1, line: this.lines.length };
    this.sealed = true;
    return this;
  }
  /** The line just emitted is bad input. */
  errorHere(): this {
    if (this.mark) throw new Error('two expectations');
    this.mark = { kind: 'error', line: this.lines.length };
    return this;
  }
  /** @returns the first line `check-trace` must print */
  expected(): string {
    if (!this.mark) return `ok: ${this.events} events`;
    if (this.mark.kind === 'error') return `error at line ${this.mark.line}`;
    const { code, event, line } = this.mark;
    if (this.mark.kind === 'end')
      return `! ${code} at end of trace (event ${event}, after line ${line}): ${VIOLATIONS[code]}`;
    return `! ${code} at event ${event} (line ${line}): ${VIOLATIONS[code]}`;
  }
}
