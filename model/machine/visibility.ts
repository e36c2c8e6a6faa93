/**
 * When a store becomes usable by a walker (SEMANTICS.md §1, S1): the recent stores of every table
 * entry whose latest value is not yet visible to every walker and synchronized for its writer's
 * own use. A `walk` event is judged against it: a CPU that relies on a translation must not be
 * able to see, at a location of the walk, a value that faults.
 *
 * @see Arm ARM DDI 0487 M.b IWZCBG (an ISB before the writer uses a changed entry); arm-bbm-rules.md
 *   §1.4, §5.4; arch/arm64/include/asm/pgtable.h: __set_pte() (`dsb(ishst); isb()`)
 * Layer: model/machine.
 */
import { DescriptorType, decodeDescriptorType, outputAddress } from '../arch/descriptor.ts';
import type { MachineState } from './state.ts';
import type { CpuState } from './cpu.ts';

/** One store to an entry and when it became visible / synchronized. */
export interface StoreRecord {
  /** PA of the entry. */
  readonly pa: number;
  readonly lo: number;
  readonly hi: number;
  /** Slot of the storing CPU (-1 for the value every walker saw before). */
  readonly writer: number;
  /** Visible to other CPUs' walkers (the writer's DSB ISH/ISHST/SY), to its own (any DSB), usable by it (DSB then ISB). */
  visibleToOthers: number;
  visibleToSelf: number;
  synchronized: number;
  /**
   * Made while no running CPU could walk its page: every later walk reaches it through a link
   * stored after it (W4 orders it before that link), so the writer's walker reads it once it is
   * visible to it, ISB or not (SEMANTICS.md `walk`; found/031).
   */
  readonly orderedByLink: boolean;
}

const NEVER = Number.POSITIVE_INFINITY;

/**
 * Records a store of `cpu` replacing `old` by `val` at the entry `pa`.
 * @param state - the machine
 * @param cpu - the writer
 * @param pa - the entry's PA
 * @param old - `[lo, hi]` of the value replaced
 * @param val - `[lo, hi]` of the new value
 * @param walkable - whether a running CPU may walk the entry now (W3). A store into a page nobody
 *   can walk needs no record of its own, but it still supersedes the stores in flight before it
 *   (found/032: a CPU's own later store over another CPU's unseen one).
 */
export function recordStore(
  state: MachineState,
  cpu: CpuState,
  pa: number,
  old: readonly [number, number],
  val: readonly [number, number],
  walkable: boolean,
): void {
  let log = state.storeLog.get(pa);
  if (log === undefined) {
    if (!walkable) return;
    // Nothing that faults can enter a view through a store between two valid values.
    if (!faults(state, old[0], old[1], pa) && !faults(state, val[0], val[1], pa)) return;
    log = [
      {
        pa,
        lo: old[0],
        hi: old[1],
        writer: -1,
        visibleToOthers: 0,
        visibleToSelf: 0,
        synchronized: 0,
        orderedByLink: false,
      },
    ];
    state.storeLog.set(pa, log);
  }
  const r: StoreRecord = {
    pa,
    lo: val[0],
    hi: val[1],
    writer: cpu.slot,
    visibleToOthers: NEVER,
    visibleToSelf: NEVER,
    synchronized: NEVER,
    orderedByLink: !walkable,
  };
  log.push(r);
  cpu.unseenStores.push(r);
}

/**
 * A DSB by `cpu`: its stores become visible to its own walker, and to every walker when `all`;
 * each record is handled once per change of its state.
 * @param state - the machine
 * @param cpu - the CPU
 * @param all - whether the DSB's domain includes the other CPUs
 */
export function storesVisible(state: MachineState, cpu: CpuState, all: boolean): void {
  const still: StoreRecord[] = [];
  for (const r of cpu.unseenStores) {
    if (r.visibleToSelf === NEVER) {
      r.visibleToSelf = state.now;
      if (r.orderedByLink) r.synchronized = state.now;
      else cpu.unsyncedStores.push(r);
    }
    if (all) r.visibleToOthers = state.now;
    else still.push(r);
    prune(state, r.pa);
  }
  cpu.unseenStores = still;
}

/**
 * An ISB by `cpu`: its stores already visible to its own walker become usable by it.
 * @param state - the machine
 * @param cpu - the CPU
 */
export function storesSynchronized(state: MachineState, cpu: CpuState): void {
  for (const r of cpu.unsyncedStores) {
    r.synchronized = state.now;
    prune(state, r.pa);
  }
  cpu.unsyncedStores = [];
}

function done(r: StoreRecord): boolean {
  return r.visibleToOthers !== NEVER && r.synchronized !== NEVER;
}

/** Drops records no walker can see any more; forgets the entry once its latest store is done. */
function prune(state: MachineState, pa: number): void {
  const log = state.storeLog.get(pa);
  if (log === undefined) return;
  let last = 0;
  for (let i = 0; i < log.length; i++) if (done(log[i] as StoreRecord)) last = i;
  if (last > 0) log.splice(0, last);
  if (log.length === 1 && done(log[0] as StoreRecord)) state.storeLog.delete(pa);
}

/** Whether a value at the entry `pa` makes a walk fault there (invalid, or a leaf with AF=0). */
function faults(state: MachineState, lo: number, hi: number, pa: number): boolean {
  const page = state.mem.pageOf(pa);
  if (page === undefined) return true;
  const type = decodeDescriptorType(state.geo, lo, page.level);
  if (type === DescriptorType.Invalid) return true;
  if (type === DescriptorType.Leaf) return ((lo >>> 10) & 1) === 0;
  return state.mem.pageOf(outputAddress(state.geo, lo, hi)) === undefined;
}

/**
 * Whether `cpu` may read, at the entry `pa` of level `level`, a value that faults: a value of its
 * view (the latest store visible to it, and every later one) that is invalid, or a leaf with AF=0.
 * @param state - the machine
 * @param cpu - the walking CPU
 * @param pa - the entry
 * @param level - its level
 * @returns the offending store, or undefined
 */
export function faultingView(state: MachineState, cpu: CpuState, pa: number, level: number): StoreRecord | undefined {
  const log = state.storeLog.get(pa);
  if (log === undefined) return undefined;
  let from = 0;
  for (let i = 0; i < log.length; i++) {
    const r = log[i] as StoreRecord;
    const seen = r.writer === cpu.slot ? r.synchronized < state.now : r.visibleToOthers < state.now;
    if (r.writer === -1 || seen) from = i;
  }
  for (let i = from; i < log.length; i++) {
    const r = log[i] as StoreRecord;
    const type = decodeDescriptorType(state.geo, r.lo, level);
    if (type === DescriptorType.Invalid) return r;
    if (type === DescriptorType.Leaf && ((r.lo >>> 10) & 1) === 0) return r;
    if (type === DescriptorType.Table && state.mem.pageOf(outputAddress(state.geo, r.lo, r.hi)) === undefined) return r;
  }
  return undefined;
}
