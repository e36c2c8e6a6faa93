/**
 * A memory-backed implementation of the machine primitives for impl's own tests: table pages in a
 * Map, a bump page allocator with failure injection, an event log that serialises to
 * `bbm-trace/1`, and records of everything that has no trace event (locks, lazy MMU, WARN/BUG/
 * panic, allocation gfp and context). It checks nothing about break-before-make: that is the
 * model's job.
 *
 * Layer: impl/testing (harness support; never imports model/).
 */
import { KernelBug, KernelPanic } from '../contract.ts';
import type {
  AllocContext,
  CpuId,
  CpuIdRegs,
  CpuSpec,
  DsbDomain,
  Gfp,
  GranuleName,
  KGen,
  Primitives,
  SchedPoint,
  StopFn,
  TlbiKind,
} from '../contract.ts';
import type { CpuSwitch } from '../sched.ts';
import {
  ContractViolation,
  checkAlloc,
  checkDsb,
  checkEntry,
  checkString,
  checkTlbi,
  checkVa,
  showCall,
} from './primitiveArgs.ts';
import { formatTrace } from './trace.ts';
import type { TraceEvent, TraceHeaderLine } from './trace.ts';

/** A CPU of the test machine; `midr` defaults from `noabort`/`bbm` (see {@link defaultMidr}). */
export interface MachineCpu extends CpuSpec {
  readonly midr?: number;
}

/** Construction options of {@link MemoryMachine}. */
export interface MachineOptions {
  readonly granule: GranuleName;
  /** Every CPU of the machine, boot CPU first. */
  readonly cpus: readonly MachineCpu[];
  /** CPUs online at the start (the trace header's CPUs); default: the boot CPU only. */
  readonly online?: readonly CpuId[];
  readonly preempt_rt?: boolean;
  /** First PA handed out for table pages (default {@link TABLE_POOL_BASE}, outside the test banks). */
  readonly tablePoolBase?: bigint;
  /** 0-based indexes of the allocations that fail (the root page is not counted). */
  readonly failAllocAt?: readonly number[];
}

/** Something that happened without a trace event, or with extra detail. */
export type RunRecord =
  | {
      readonly kind: 'alloc';
      readonly cpu: CpuId;
      readonly pa: bigint | null;
      readonly level: number;
      readonly gfp: Gfp;
      readonly context: AllocContext;
      /** Whether stop_machine() was running (independently of what the SUT claimed). */
      readonly inStopMachine: boolean;
    }
  | { readonly kind: 'lock' | 'unlock'; readonly cpu: CpuId; readonly name: string; readonly inStopMachine: boolean }
  | { readonly kind: 'lazy_mmu'; readonly cpu: CpuId; readonly enter: boolean }
  | { readonly kind: 'warn' | 'bug' | 'panic' | 'bad-access'; readonly cpu: CpuId; readonly message: string };

/**
 * A task's scheduling point as stop_machine() passes it on: the same point, owning the machine.
 * Built field by field, not by spreading: an object spread of points of several shapes (with and
 * without `pa`, `blocked`) is megamorphic in V8 and made slow (dictionary) objects, which every
 * driver then read per step — a fifth of a repaint's CPU time in the profile (bench/README.md).
 * @param p - the task's point
 * @returns the point with `exclusive`
 */
function exclusivePoint(p: SchedPoint): SchedPoint {
  const q: { cpu: CpuId; prim: SchedPoint['prim']; exclusive: true; pa?: bigint; blocked?: boolean } = {
    cpu: p.cpu,
    prim: p.prim,
    exclusive: true,
  };
  if (p.pa !== undefined) q.pa = p.pa;
  if (p.blocked !== undefined) q.blocked = p.blocked;
  return q;
}

/**
 * Where the test machine's table pages start by default: 0xf000000000, above every RAM bank a
 * configuration may have (shrinks/configRanges.ts refuses a bank that reaches it).
 * DEVIATION: the kernel takes table pages from RAM (memblock, then the page allocator); here
 * they come from a pool apart from the banks.
 */
export const TABLE_POOL_BASE = 0xf000000000n;

/** Page size per granule. */
export const PAGE_BYTES: Readonly<Record<GranuleName, bigint>> = { '4K': 0x1000n, '16K': 0x4000n, '64K': 0x10000n };

/**
 * The MIDR a test CPU reports unless given one: Cortex-X925 r0p0 (on neither allow list, so only
 * `ID_AA64MMFR2_EL1.BBM` says FEAT_BBML3) when `bbm === 3`; Neoverse-V3 r0p2 (on the
 * BBML2-noabort allow list and the longer BBML3 list of v7.3) when `noabort`; Neoverse-V3 r0p0
 * (BBML2 but erratum 3053180) when only `bbm === 2`; Cortex-A76 r4p1 otherwise.
 * @param cpu - the CPU
 * @returns the MIDR_EL1 value
 */
export function defaultMidr(cpu: CpuSpec): number {
  if (cpu.bbm === 3) return 0x410fd850;
  if (cpu.noabort) return 0x410fd842;
  if (cpu.bbm === 2) return 0x410fd840;
  return 0x414fd0b1;
}

/** The test machine. */
export class MemoryMachine implements Primitives, CpuSwitch {
  readonly granule: GranuleName;
  readonly pageSize: bigint;
  /** `~(pageSize - 1)` and `pageSize - 1`: a PA's page and offset, computed once. */
  private readonly pageMask: bigint;
  private readonly offsetMask: bigint;
  /** The trace events so far. */
  readonly events: TraceEvent[] = [];
  /** Everything else that happened. */
  readonly records: RunRecord[] = [];
  private readonly cpus: Map<CpuId, MachineCpu>;
  private readonly online: CpuId[];
  private readonly headerCpus: readonly CpuSpec[];
  private readonly pages = new Map<bigint, BigUint64Array>();
  /** Stores to aligned PAs outside every table page (judged by the model: `write-to-non-table`). */
  private readonly data = new Map<bigint, bigint>();
  private readonly levels = new Map<bigint, number>();
  private readonly freeList: bigint[] = [];
  private readonly locks = new Map<string, CpuId>();
  private readonly parked = new Set<CpuId>();
  /** CPUs whose `online` event was written (by mmuOn() or cpuOnline()). */
  private readonly walking = new Set<CpuId>();
  private readonly failAt: Set<number>;
  private readonly root: bigint;
  private readonly preemptRt: boolean;
  private nextPage: bigint;
  private allocCount = 0;
  private cur: CpuId;
  private stopping = false;

  /** @param opts - granule, CPUs and allocator options */
  constructor(opts: MachineOptions) {
    this.granule = opts.granule;
    this.pageSize = PAGE_BYTES[opts.granule];
    this.offsetMask = this.pageSize - 1n;
    this.pageMask = ~this.offsetMask;
    this.cpus = new Map(opts.cpus.map((c) => [c.id, c]));
    const boot = opts.cpus[0];
    if (boot === undefined) throw new Error('MemoryMachine needs at least one CPU');
    this.online = [...(opts.online ?? [boot.id])];
    for (const id of this.online) this.walking.add(id);
    this.headerCpus = this.online.map((id) => this.spec(id));
    this.cur = boot.id;
    this.preemptRt = opts.preempt_rt ?? false;
    this.failAt = new Set(opts.failAllocAt ?? []);
    this.nextPage = opts.tablePoolBase ?? TABLE_POOL_BASE;
    this.root = this.takePage(opts.granule === '64K' ? 1 : 0);
  }

  private spec(id: CpuId): CpuSpec {
    const c = this.cpus.get(id);
    if (c === undefined) throw new Error(`unknown CPU ${id}`);
    return { id: c.id, bbm: c.bbm, noabort: c.noabort };
  }

  private takePage(level: number): bigint {
    const pa = this.freeList.pop() ?? this.nextPage;
    if (pa === this.nextPage) this.nextPage += this.pageSize;
    this.pages.set(pa, new BigUint64Array(Number(this.pageSize / 8n)));
    this.levels.set(pa, level);
    return pa;
  }

  /**
   * The table page holding an 8-byte-aligned PA, or undefined (recorded as a bad access).
   * @param pa - the entry's PA
   * @returns the page's entries (index them with {@link entryIndex})
   */
  private tablePageOf(pa: bigint): BigUint64Array | undefined {
    const arr = this.pages.get(pa & this.pageMask);
    if (arr === undefined || (pa & 7n) !== 0n) {
      this.records.push({ kind: 'bad-access', cpu: this.cur, message: `not a table entry: 0x${pa.toString(16)}` });
      return undefined;
    }
    return arr;
  }

  /**
   * The index of an entry in its table page: one BigInt operation (the machine's hot path: every
   * read and write of every run; no object and no extra BigInt per access).
   * @param pa - the entry's PA
   * @returns its index
   */
  private entryIndex(pa: bigint): number {
    return Number(pa & this.offsetMask) >>> 3;
  }

  // ---- driver side -------------------------------------------------------------------------

  /**
   * Called with every trace event as it happens, inside the primitive that makes it (so that a
   * judge can look at the stack of the SUT's kernel functions that issued it).
   */
  observer: ((e: TraceEvent) => void) | undefined;

  private emit(e: TraceEvent): void {
    this.events.push(e);
    this.observer?.(e);
  }

  /** @param cpu - the CPU the next step runs on */
  setCurrentCpu(cpu: CpuId): void {
    this.cur = cpu;
  }

  /** @returns the trace header (CPUs online at the start) */
  header(): TraceHeaderLine {
    return {
      format: 'bbm-trace/1',
      granule: this.granule,
      va_bits: 48,
      root: this.root,
      preempt_rt: this.preemptRt,
      cpus: this.headerCpus,
    };
  }

  /** @returns the whole run as `bbm-trace/1` JSON Lines */
  toJsonl(): string {
    return formatTrace(this.header(), this.events);
  }

  /**
   * Reads a table entry without a scheduling point (for tests and walkers).
   * @param pa - the entry's PA
   * @returns its value, or 0n outside table pages
   */
  peek(pa: bigint): bigint {
    return this.pages.get(pa & this.pageMask)?.[this.entryIndex(pa)] ?? 0n;
  }

  /** @returns every live table page and its level */
  tables(): ReadonlyMap<bigint, number> {
    return this.levels;
  }

  /**
   * Makes the `k`-th table allocation from now (0 = the next one) fail, as `failAllocAt` does for
   * absolute indexes: failure injection into one operation of a running sequence.
   * @param k - how many allocations succeed first
   */
  failAllocationAfter(k: number): void {
    this.failAt.add(this.allocCount + k);
  }

  /** Drops every injected failure that has not happened yet. */
  clearPendingFailures(): void {
    for (const n of [...this.failAt]) if (n >= this.allocCount) this.failAt.delete(n);
  }

  /** @returns the CPUs parked right now */
  parkedCpus(): readonly CpuId[] {
    return [...this.parked];
  }

  // ---- primitives --------------------------------------------------------------------------

  currentCpu(): CpuId {
    return this.cur;
  }

  onlineCpus(): readonly CpuId[] {
    return this.online;
  }

  rootTable(): bigint {
    return this.root;
  }

  readCpuIdRegs(): CpuIdRegs {
    const c = this.cpus.get(this.cur);
    if (c === undefined) throw new Error(`unknown CPU ${this.cur}`);
    return { MIDR_EL1: c.midr ?? defaultMidr(c), ID_AA64MMFR2_EL1_BBM: c.bbm };
  }

  *readDesc(pa: bigint): KGen<bigint> {
    checkEntry('readDesc', pa);
    yield { cpu: this.cur, prim: 'read', pa };
    const page = this.tablePageOf(pa);
    return page === undefined ? (this.data.get(pa) ?? 0n) : (page[this.entryIndex(pa)] ?? 0n);
  }

  /**
   * `WRITE_ONCE()` of a table entry. A store to an aligned PA outside every table page is kept
   * (a later READ_ONCE sees it) and written to the trace all the same: it is the model's to judge
   * (`write-to-non-table`), not the machine's to drop.
   */
  *writeDesc(pa: bigint, val: bigint): KGen<void> {
    checkEntry('writeDesc', pa, val);
    yield { cpu: this.cur, prim: 'write', pa };
    const page = this.pages.get(pa & this.pageMask);
    if (page === undefined) this.data.set(pa, val);
    else page[this.entryIndex(pa)] = val;
    this.emit({ op: 'write', cpu: this.cur, pa, val });
  }

  *dsb(dom: DsbDomain): KGen<void> {
    checkDsb(dom);
    yield { cpu: this.cur, prim: 'dsb' };
    this.emit({ op: 'dsb', cpu: this.cur, dom });
  }

  *isb(): KGen<void> {
    yield { cpu: this.cur, prim: 'isb' };
    this.emit({ op: 'isb', cpu: this.cur });
  }

  *tlbi(kind: TlbiKind, va?: bigint, size?: bigint): KGen<void> {
    checkTlbi(kind, va, size);
    yield { cpu: this.cur, prim: 'tlbi' };
    const e: { op: 'tlbi'; cpu: CpuId; kind: TlbiKind; va?: bigint; size?: bigint } = {
      op: 'tlbi',
      cpu: this.cur,
      kind,
    };
    if (va !== undefined) e.va = va;
    if (size !== undefined) e.size = size;
    this.emit(e);
  }

  *allocTable(level: number, gfp: Gfp, context: AllocContext): KGen<bigint | null> {
    checkAlloc(this.granule, level, gfp, context);
    yield { cpu: this.cur, prim: 'alloc' };
    const n = this.allocCount++;
    const pa = this.failAt.has(n) ? null : this.takePage(level);
    this.records.push({ kind: 'alloc', cpu: this.cur, pa, level, gfp, context, inStopMachine: this.stopping });
    if (pa !== null) this.emit({ op: 'alloc', pa, level });
    return pa;
  }

  /** `pagetable_free()`: a page that is not (or no longer) a table page breaks the contract. */
  *freeTable(pa: bigint): KGen<void> {
    const call = showCall('freeTable', [pa]);
    if (typeof pa !== 'bigint') throw new ContractViolation(call, `the PA must be a bigint, got ${typeof pa}`);
    yield { cpu: this.cur, prim: 'free', pa };
    if (!this.pages.delete(pa))
      throw new ContractViolation(
        call,
        this.pages.has(pa & this.pageMask)
          ? `not the start of a ${this.granule} table page`
          : 'not a table page (never allocated, or freed already)',
      );
    this.levels.delete(pa);
    this.freeList.push(pa);
    this.emit({ op: 'free', pa });
  }

  *lock(name: string): KGen<void> {
    checkString('lock', name);
    const cpu = this.cur;
    yield { cpu, prim: 'lock' };
    for (;;) {
      const holder = this.locks.get(name);
      if (holder === undefined) {
        this.locks.set(name, cpu);
        this.records.push({ kind: 'lock', cpu, name, inStopMachine: this.stopping });
        return;
      }
      if (holder === cpu) this.bug(`recursive lock of ${name} on CPU ${cpu}`);
      yield { cpu, prim: 'lock', blocked: true };
    }
  }

  *unlock(name: string): KGen<void> {
    checkString('unlock', name);
    const cpu = this.cur;
    yield { cpu, prim: 'unlock' };
    if (this.locks.get(name) !== cpu) this.warn(`unlock of ${name} not held by CPU ${cpu}`);
    this.locks.delete(name);
    this.records.push({ kind: 'unlock', cpu, name, inStopMachine: this.stopping });
  }

  *park(): KGen<void> {
    yield { cpu: this.cur, prim: 'park' };
    this.parked.add(this.cur);
    this.emit({ op: 'park', cpu: this.cur });
  }

  *unpark(): KGen<void> {
    yield { cpu: this.cur, prim: 'unpark' };
    this.parked.delete(this.cur);
    this.emit({ op: 'unpark', cpu: this.cur });
  }

  *mmuOn(): KGen<void> {
    yield { cpu: this.cur, prim: 'mmu_on' };
    this.announce();
  }

  *cpuOnline(): KGen<void> {
    yield { cpu: this.cur, prim: 'online' };
    const s = this.spec(this.cur);
    if (!this.online.includes(s.id)) this.online.push(s.id);
    this.announce();
  }

  /** Writes the current CPU's `online` event once: it walks the tables from now on. */
  private announce(): void {
    const s = this.spec(this.cur);
    if (this.walking.has(s.id)) return;
    this.walking.add(s.id);
    this.emit({ op: 'online', cpu: s.id, bbm: s.bbm, noabort: s.noabort });
  }

  *stopMachine(fn: StopFn): KGen<number> {
    if (typeof fn !== 'function')
      throw new ContractViolation(
        showCall('stopMachine', [fn]),
        'the argument must be a generator function (cpu) => KGen<number>',
      );
    const caller = this.cur;
    if (this.stopping) this.bug('nested stop_machine()');
    yield { cpu: caller, prim: 'stop', exclusive: true };
    this.stopping = true;
    this.emit({ op: 'stop', cpu: caller });
    const subs = this.online.map((cpu) => ({ cpu, gen: fn(cpu), done: false, blocked: false, ret: 0 }));
    let choice: number | undefined;
    let rr = 0;
    try {
      for (;;) {
        const live = subs.filter((s) => !s.done);
        if (live.length === 0) break;
        const preferred = live.filter((s) => !s.blocked);
        // An explicit choice may pick a spinning task too (it re-checks its condition); without one,
        // tasks that can make progress go first.
        // Every 8th free step also gives spinning tasks a turn, as real CPUs keep spinning.
        const fair = choice === undefined && rr % 8 === 7;
        const pool = choice !== undefined || fair || preferred.length === 0 ? live : preferred;
        const sub = pool[(choice ?? rr++) % pool.length];
        if (sub === undefined) break;
        this.cur = sub.cpu;
        const r = sub.gen.next();
        if (r.done === true) {
          sub.done = true;
          sub.ret = r.value;
          continue;
        }
        sub.blocked = r.value.blocked === true;
        choice = yield exclusivePoint(r.value);
      }
    } finally {
      this.cur = caller;
    }
    yield { cpu: caller, prim: 'resume', exclusive: true };
    this.stopping = false;
    this.emit({ op: 'resume', cpu: caller });
    return subs.find((s) => s.ret !== 0)?.ret ?? 0;
  }

  *cpuRelax(): KGen<void> {
    yield { cpu: this.cur, prim: 'relax', blocked: true };
  }

  *walk(va: bigint): KGen<void> {
    checkVa('walk', va);
    yield { cpu: this.cur, prim: 'walk' };
    this.emit({ op: 'walk', cpu: this.cur, va });
  }

  lazyMmuEnter(): void {
    this.records.push({ kind: 'lazy_mmu', cpu: this.cur, enter: true });
  }

  lazyMmuLeave(): void {
    this.records.push({ kind: 'lazy_mmu', cpu: this.cur, enter: false });
  }

  warn(message: string): void {
    checkString('warn', message);
    this.records.push({ kind: 'warn', cpu: this.cur, message });
  }

  bug(message: string): never {
    checkString('bug', message);
    this.records.push({ kind: 'bug', cpu: this.cur, message });
    throw new KernelBug(message);
  }

  panic(message: string): never {
    checkString('panic', message);
    this.records.push({ kind: 'panic', cpu: this.cur, message });
    throw new KernelPanic(message);
  }
}
