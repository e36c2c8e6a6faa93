/**
 * The per-location break-before-make automaton in Casemate's vocabulary, read off the model's
 * state: whether a table entry is valid, invalid but still possibly cached somewhere (with the
 * progress of its break), or invalid and clean. The model does not step this automaton
 * separately: it is derived from the entry and the stale TLB entries it left behind, so the two
 * can never disagree.
 *
 * @see rems-project/casemate `state.h` (`STATE_PTE_VALID`, `STATE_PTE_INVALID_UNCLEAN`,
 *   `STATE_PTE_INVALID`, `LIS_unguarded`, `LIS_dsbed`, `LIS_dsb_tlbied`)
 * Layer: model/bbm.
 */
import { DescriptorType, decodeDescriptorType } from '../arch/descriptor.ts';
import type { MachineState } from '../machine/state.ts';
import type { StaleEntry } from '../tlb/staleEntry.ts';

/** The state of one location. */
export const LocationState = {
  /** The entry is valid (and, for a leaf, AF = 1): walkers may cache it. Any write may follow. */
  VALID: 'VALID',
  /**
   * The entry is invalid, but some CPU may still hold the old translation (a stale entry whose
   * origin is this location). A valid write now is `bbm-unclean` unless compatible. Left by a
   * completed covering TLBI on every holder.
   */
  INVALID_UNCLEAN: 'INVALID_UNCLEAN',
  /** The entry is invalid and no CPU may hold an old translation from it: a valid write is safe. */
  INVALID: 'INVALID',
} as const;
/** A `LocationState` member. */
export type LocationState = (typeof LocationState)[keyof typeof LocationState];

/** Progress of the break of an `INVALID_UNCLEAN` location (Casemate's LIS). */
export const LIS = {
  /** The invalidating store is not yet ordered by its writer's DSB. */
  unguarded: 'unguarded',
  /** Ordered by a DSB; no covering TLBI issued since. */
  dsbed: 'dsbed',
  /** A covering TLBI has been issued and awaits its issuer's completing DSB. */
  dsbTlbied: 'dsb_tlbied',
} as const;
/** A `LIS` member. */
export type LIS = (typeof LIS)[keyof typeof LIS];

/** The automaton's view of one location. */
export interface LocationView {
  readonly state: LocationState;
  /** For `INVALID_UNCLEAN`: the progress of the break, and the CPUs that may still hold it. */
  readonly progress?: LIS;
  readonly holders?: readonly number[];
}

/**
 * The automaton state of the table entry at `pa`.
 * @param state - the model
 * @param pa - the entry's PA
 * @returns its view, or undefined when no table page holds `pa`
 */
export function locationState(state: MachineState, pa: bigint): LocationView | undefined {
  const at = Number(pa);
  const page = state.mem.pageOf(at);
  if (page === undefined) return undefined;
  const index = (at - page.pa) / 8;
  const lo = page.lo[index] ?? 0;
  const type = decodeDescriptorType(state.geo, lo, page.level);
  if (type === DescriptorType.Table || (type === DescriptorType.Leaf && ((lo >>> 10) & 1) === 1)) {
    return { state: LocationState.VALID };
  }
  let holders = 0;
  let progress: LIS = LIS.dsbTlbied;
  const rank = { [LIS.unguarded]: 0, [LIS.dsbed]: 1, [LIS.dsbTlbied]: 2 };
  state.stale.forEach((s) => {
    if (s.origin !== at || s.holders === 0) return;
    holders |= s.holders;
    const p = staleProgress(state, s);
    if (rank[p] < rank[progress]) progress = p;
  });
  if (holders === 0) return { state: LocationState.INVALID };
  const ids = state.slots.filter((c) => (holders & (1 << c.slot)) !== 0).map((c) => c.id);
  return { state: LocationState.INVALID_UNCLEAN, progress, holders: ids };
}

/**
 * How far the break that made one stale entry has got (Casemate's LIS), read off the state: not
 * yet ordered by its writer's DSB, ordered, or covered by a TLBI issued since that awaits its
 * completing DSB. Read-only (used by `locationState` and by reports/).
 * @param state - the model
 * @param s - a stale entry
 * @returns its progress
 */
export function staleProgress(state: MachineState, s: StaleEntry): LIS {
  if (!Number.isFinite(s.visibleAt)) return LIS.unguarded;
  const tlbied = state.slots.some((c) =>
    c.pendingTlbis.some(
      (t) => t.issuedAt > s.visibleAt && (t.scope.all || (t.scope.from < s.spanVa + s.span && s.spanVa < t.scope.to)),
    ),
  );
  return tlbied ? LIS.dsbTlbied : LIS.dsbed;
}
