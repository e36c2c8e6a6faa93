/**
 * The whole machine the model tracks: table memory, the CPUs, and the stale TLB entries each CPU
 * may still hold. Everything a CPU *may* hold is: every cacheable entry reachable from the root
 * while it walks, plus its stale entries (spec README decision 8). `step()` mutates this state in
 * place, as Casemate's `step_*` functions do.
 *
 * Layer: model/machine.
 */
import type { CpuId, CpuSpec, GranuleName } from '../events.ts';
import type { Geometry } from '../arch/geometry.ts';
import { GEOMETRIES } from '../arch/geometry.ts';
import type { TablePage } from '../arch/memory.ts';
import { TableMemory } from '../arch/memory.ts';
import { StaleIndex } from '../tlb/staleIndex.ts';
import type { ModelOptions } from '../options.ts';
import { DEFAULT_OPTIONS } from '../options.ts';
import type { CpuState } from './cpu.ts';
import { makeCpu } from './cpu.ts';
import { ModelInputError } from './inputError.ts';
import type { StoreRecord } from './visibility.ts';
import { NumberMap } from '../util/numberMap.ts';

/**
 * Most CPUs a model tracks (slots are bits of a 32-bit mask).
 * DEVIATION: the architecture has no such limit; traces with more CPUs are rejected as bad input.
 */
export const MAX_CPUS = 31;

/** A contiguous group whose permissions differ between entries (allowed only until the flush, C3). */
export interface MixedGroup {
  readonly page: TablePage;
  readonly start: number;
  /** Slot of the CPU that made the last store into the group. */
  writer: number;
}

/** A contiguous group with valid members both with and without the Contiguous bit (a live mix). */
export interface ContMix {
  readonly page: TablePage;
  readonly start: number;
}

/** What the model needs to start: the trace header's content. */
export interface MachineConfig {
  readonly granule: GranuleName;
  readonly root: bigint;
  readonly preemptRt: boolean;
  readonly cpus: readonly CpuSpec[];
  readonly options?: Partial<ModelOptions>;
}

/** The model's state. */
export class MachineState {
  readonly geo: Geometry;
  readonly mem: TableMemory;
  readonly root: TablePage;
  readonly options: ModelOptions;
  readonly preemptRt: boolean;
  readonly stale = new StaleIndex();
  /** CPUs by trace id, and by slot. */
  readonly cpus = new Map<CpuId, CpuState>();
  readonly slots: CpuState[] = [];
  /** Mask of slots walking the kernel tables, and of slots online (running or parked). */
  runningMask = 0;
  onlineMask = 0;
  /** The CPU inside stop_machine(), if any. */
  stoppedBy: CpuId | undefined;
  /** Index of the event being applied (1-based). */
  now = 0;
  /** Contiguous groups with mixed permissions, by the PA of the group's first entry. */
  readonly mixedGroups = new Map<number, MixedGroup>();
  /** Recent stores of entries not yet visible everywhere or synchronized (S1), by entry PA. */
  readonly storeLog = new NumberMap<StoreRecord[]>();
  /** Contiguous groups with a live Contiguous/non-Contiguous mix, by the PA of the group's first entry. */
  readonly contMixes = new Map<number, ContMix>();
  /**
   * Contiguous groups misprogrammed when last stored to (C1), by the PA of the group's first
   * entry: a CPU that starts walking later may hold conflicting span and individual entries.
   */
  readonly badGroups = new Map<number, ContMix>();

  /** @param config - granule, root, CPUs and options */
  constructor(config: MachineConfig) {
    this.geo = GEOMETRIES[config.granule];
    this.options = { ...DEFAULT_OPTIONS, ...config.options };
    this.preemptRt = config.preemptRt;
    this.mem = new TableMemory(this.geo);
    const root = Number(config.root);
    if (root % this.geo.pageSize !== 0)
      throw new ModelInputError(
        `root 0x${config.root.toString(16)} is not aligned to the ${this.geo.granule} page size`,
      );
    this.root = this.mem.allocate(root, this.geo.startLevel);
    this.root.reachable = true;
    this.root.vaBase = 0;
    for (const spec of config.cpus) this.addCpu(spec);
  }

  /**
   * Whether a contiguous group is in one of the transient registries (C3, live mixes).
   * @param page - the table page
   * @param start - the group's first entry
   * @returns true when registered
   */
  isRegistered(page: TablePage, start: number): boolean {
    const key = page.pa + 8 * start;
    return this.mixedGroups.has(key) || this.contMixes.has(key) || this.badGroups.has(key);
  }

  /**
   * Adds a CPU slot, running with an empty TLB.
   * @param spec - id, BBM level, noabort
   * @returns the CPU
   */
  addCpu(spec: CpuSpec): CpuState {
    if (this.cpus.has(spec.id)) throw new ModelInputError(`cpu ${spec.id} is listed twice`);
    if (this.slots.length >= MAX_CPUS) throw new ModelInputError(`more than ${MAX_CPUS} CPUs are not supported`);
    const cpu = makeCpu(spec.id, this.slots.length, spec.bbm, spec.noabort);
    this.cpus.set(spec.id, cpu);
    this.slots.push(cpu);
    this.setStatus(cpu, 'running');
    return cpu;
  }

  /**
   * Sets a CPU's status and the masks.
   * @param cpu - the CPU
   * @param status - its new status
   */
  setStatus(cpu: CpuState, status: CpuState['status']): void {
    const last = cpu.runs[cpu.runs.length - 1];
    if (status === 'running' && cpu.status !== 'running')
      cpu.runs.push({ from: this.now, to: Number.POSITIVE_INFINITY });
    else if (status === 'running' && last === undefined)
      cpu.runs.push({ from: this.now, to: Number.POSITIVE_INFINITY });
    else if (status !== 'running' && last !== undefined && last.to === Number.POSITIVE_INFINITY) last.to = this.now;
    cpu.status = status;
    const bit = 1 << cpu.slot;
    this.runningMask = status === 'running' ? this.runningMask | bit : this.runningMask & ~bit;
    this.onlineMask = status === 'offline' ? this.onlineMask & ~bit : this.onlineMask | bit;
  }

  /**
   * The CPU that executes an event; it must be online.
   * @param id - trace CPU number
   * @returns the CPU
   */
  onlineCpu(id: CpuId): CpuState {
    const cpu = this.cpus.get(id);
    if (cpu === undefined) throw new ModelInputError(`unknown cpu ${id}`);
    if (cpu.status === 'offline') throw new ModelInputError(`cpu ${id} is offline`);
    return cpu;
  }

  /**
   * Mask of CPU slots that may hold a stale walk-cache entry leading to `page` (its own or an
   * ancestor's), whether running or parked.
   * @param page - a table page
   * @returns the mask
   */
  walkHoldersOf(page: TablePage): number {
    let mask = 0;
    for (let p: TablePage | null = page; p !== null; p = p.parent) mask |= p.walkHolders;
    return mask;
  }

  /**
   * Mask of running CPUs that may walk the entries of `page` now: all of them when the page is
   * reachable from the root, else those holding a walk-cache entry that leads to it.
   * @param page - a table page
   * @returns the mask
   */
  observers(page: TablePage): number {
    return page.reachable ? this.runningMask : this.walkHoldersOf(page) & this.runningMask;
  }

  /**
   * Mask of CPUs that may hold the cacheable entry now in `page[index]`: its observers, and parked
   * CPUs that parked while it was live and have not invalidated it since.
   * DEVIATION: a parked CPU's invalidations since its park are kept as VA ranges, not as a
   * per-entry set, and a parked CPU fills nothing, even through walk-cache entries it holds.
   * @param page - the table page
   * @param index - the entry
   * @param spanVa - first VA of the entry's TLB span
   * @param span - its size
   * @param leaf - whether it is a leaf (last-level TLBIs spare walk entries)
   * @returns the mask
   */
  holdersOfLive(page: TablePage, index: number, spanVa: number, span: number, leaf: boolean): number {
    let mask = this.observers(page);
    // A parked CPU may hold it if it ran while the entry was live and it could reach it: from the
    // root, or (a detached table) through a walk-cache entry it still holds.
    const reach = page.reachable ? ~0 : this.walkHoldersOf(page);
    if (reach === 0) return mask;
    const liveSince = page.reachable
      ? Math.max(page.writtenAt[index] ?? 0, page.reachableSince)
      : (page.writtenAt[index] ?? 0);
    for (const cpu of this.slots)
      if ((reach & (1 << cpu.slot)) !== 0 && this.parkedMayHold(cpu, liveSince, spanVa, span, leaf))
        mask |= 1 << cpu.slot;
    return mask;
  }

  /**
   * Whether a parked CPU may hold an entry live since `liveSince`: it parked after that, with a
   * valid snapshot, and no invalidation of the entry's span has reached it since its park.
   * @param cpu - the CPU
   * @param liveSince - when the entry (and the path to it) became live
   * @param spanVa - first VA of the entry's TLB span
   * @param span - its size
   * @param leaf - whether it is a leaf (last-level TLBIs spare walk entries)
   * @returns true if it may hold it
   */
  parkedMayHold(cpu: CpuState, liveSince: number, spanVa: number, span: number, leaf: boolean): boolean {
    if (cpu.status !== 'parked' || !cpu.snapshotValid || cpu.parkedAt <= liveSince) return false;
    return !cpu.flushedSincePark.some((r) => (leaf || !r.leafOnly) && r.from < spanVa + span && spanVa < r.to);
  }

  /**
   * Mask of the parked CPUs of `among` that may hold the entry `page[index]` below the table
   * `top` (one they reach through the link to `top`): they parked after the entry and every
   * link from `top` down to it were live (a parked CPU fills nothing, not even through a
   * walk-cache entry it keeps).
   * @param among - candidate CPUs (parked holders of the link to `top`)
   * @param top - the subtree's root
   * @param page - the entry's table, in the subtree
   * @param index - the entry
   * @param spanVa - first VA of its TLB span
   * @param span - its size
   * @param leaf - whether it is a leaf
   * @returns the mask
   */
  parkedHoldersBelow(
    among: number,
    top: TablePage,
    page: TablePage,
    index: number,
    spanVa: number,
    span: number,
    leaf: boolean,
  ): number {
    let since = page.writtenAt[index] ?? 0;
    for (let p = page; p !== top && p.parent !== null; p = p.parent)
      since = Math.max(since, p.parent.writtenAt[p.parentIndex] ?? 0);
    let mask = 0;
    for (const cpu of this.slots)
      if ((among & (1 << cpu.slot)) !== 0 && this.parkedMayHold(cpu, since, spanVa, span, leaf)) mask |= 1 << cpu.slot;
    return mask;
  }

  /**
   * Mask of the parked CPUs (online, not walking the kernel tables).
   * @returns the mask
   */
  parkedMask(): number {
    let mask = 0;
    for (const cpu of this.slots) if (cpu.status === 'parked') mask |= 1 << cpu.slot;
    return mask;
  }

  /**
   * The full kernel VA of VA[47:0].
   * @param va - VA[47:0]
   * @returns the TTBR1 address `0xffff…`
   */
  fullVA(va: number): bigint {
    return 0xffff000000000000n + BigInt(va);
  }

  /**
   * Names the CPUs of a mask, e.g. `cpu1 (BBM level 0)`.
   * @param mask - CPU slots
   * @returns the description
   */
  describeCpus(mask: number): string {
    return this.slots
      .filter((c) => (mask & (1 << c.slot)) !== 0)
      .map((c) => `cpu${c.id} (BBM level ${c.bbm}${c.noabort ? ', noabort' : ''})`)
      .join(', ');
  }

  /**
   * The first CPU of a mask.
   * @param mask - CPU slots (non-zero)
   * @returns the CPU
   */
  firstCpu(mask: number): CpuState | undefined {
    return this.slots.find((c) => (mask & (1 << c.slot)) !== 0);
  }
}
