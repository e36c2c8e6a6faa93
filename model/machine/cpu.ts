/**
 * One CPU as the model sees it: its BBM capability, whether it walks the kernel tables, the TLBIs
 * it issued that no DSB has completed yet, and the stores it made that no DSB has ordered yet.
 *
 * Layer: model/machine.
 */
import type { BBMLevel, CpuId } from '../events.ts';
import type { TablePage } from '../arch/memory.ts';
import type { StaleEntry } from '../tlb/staleEntry.ts';
import type { TLBIScope } from './tlbiScope.ts';
import type { StoreRecord } from './visibility.ts';

/** Whether a CPU walks the kernel (TTBR1) tables. */
export type CpuStatus = 'running' | 'parked' | 'offline';

/** A TLBI issued and not yet completed by a DSB of its issuer. */
export interface PendingTLBI {
  readonly scope: TLBIScope;
  /** Event index at which it was issued. */
  readonly issuedAt: number;
  /** Mask of CPU slots it reaches (every online CPU for `…IS`, else the issuer). */
  readonly targets: number;
  /** Its mnemonic, for reports. */
  readonly mnemonic: string;
}

/** A VA range invalidated on a parked CPU since it parked. */
export interface FlushedRange {
  readonly from: number;
  readonly to: number;
  readonly leafOnly: boolean;
}

/** A CPU slot (slots are dense 0..31; `id` is the trace's CPU number). */
export interface CpuState {
  readonly id: CpuId;
  readonly slot: number;
  bbm: BBMLevel;
  noabort: boolean;
  status: CpuStatus;
  /** Event index of the last `park`. */
  parkedAt: number;
  /**
   * While parked: the CPU may still hold any entry that was live when it parked (minus
   * `flushedSincePark`); a completed `VMALLE1` clears it.
   */
  snapshotValid: boolean;
  flushedSincePark: FlushedRange[];
  pendingTlbis: PendingTLBI[];
  /** Stale entries whose breaking store this CPU made and has not yet ordered with a DSB. */
  unorderedBreaks: StaleEntry[];
  /** Stale entries of other stores whose origin this CPU overwrote since its last ordering DSB. */
  supersededBreaks: StaleEntry[];
  /** Table entries this CPU stored to since its last DSB that orders stores for every walker. */
  dirtyEntries: { page: TablePage; index: number }[];
  /** Stores of this CPU not yet visible to every walker (S1). */
  unseenStores: StoreRecord[];
  /** Stores of this CPU visible to its own walker and not yet synchronized by an ISB (S1). */
  unsyncedStores: StoreRecord[];
  /**
   * The CPU's running periods, oldest first: it walked at every event index in `[from, to)`
   * (`to` is Infinity while it runs). Used to tell whether it could refill an entry after a
   * TLBI was issued (SEMANTICS.md §3).
   */
  runs: { from: number; to: number }[];
}

/**
 * The latest event index, at most `upper`, at which the CPU was running (could fill its TLB).
 * @param cpu - the CPU
 * @param upper - the latest index of interest
 * @returns the index, or -Infinity when it did not run at or before `upper`
 */
export function latestRunning(cpu: CpuState, upper: number): number {
  for (let i = cpu.runs.length - 1; i >= 0; i--) {
    const r = cpu.runs[i];
    if (r === undefined || r.from > upper) continue;
    return Math.min(upper, r.to - 1);
  }
  return Number.NEGATIVE_INFINITY;
}

/**
 * A new CPU slot.
 * @param id - trace CPU number
 * @param slot - dense slot index
 * @param bbm - FEAT_BBM level
 * @param noabort - BBML2 without conflict aborts
 * @returns the CPU, running
 */
export function makeCpu(id: CpuId, slot: number, bbm: BBMLevel, noabort: boolean): CpuState {
  return {
    id,
    slot,
    bbm,
    noabort,
    status: 'running',
    parkedAt: 0,
    snapshotValid: false,
    flushedSincePark: [],
    pendingTlbis: [],
    unorderedBreaks: [],
    supersededBreaks: [],
    dirtyEntries: [],
    unseenStores: [],
    unsyncedStores: [],
    runs: [],
  };
}
