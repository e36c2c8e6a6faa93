/**
 * `stepTLBI`, `stepDSB`, `stepISB`: TLB maintenance and its completion. A TLBI is only a request
 * until its issuer's DSB completes it; a DSB also orders the issuer's earlier stores (which makes
 * a break visible, and a new table publishable).
 *
 * @see Arm ARM DDI 0487 M.b D8.17 RDDMVT (steps 2–4: DSB, broadcast TLBI, DSB by the same PE);
 *   D8.16 "TLB maintenance" (completion by DSB); herd7 `TLBI-ob`/`DSB-ob`
 * Layer: model/machine.
 */
import { limitsAbove, forEachLeaf } from '../arch/walk.ts';
import type { TablePage } from '../arch/memory.ts';
import type { Violation } from '../bbm/violations.ts';
import { violation } from '../bbm/violations.ts';
import type { PartialRepaint } from './groups.ts';
import { partialRepaint } from './groups.ts';
import { storesSynchronized, storesVisible } from './visibility.ts';
import { orderSuperseding } from './supersede.ts';
import type { DSBDomain, ISBEvent, DSBEvent, TLBIEvent } from '../events.ts';
import type { StaleEntry } from '../tlb/staleEntry.ts';
import type { CpuState, PendingTLBI } from './cpu.ts';
import { latestRunning } from './cpu.ts';
import type { MachineState } from './state.ts';
import { retireLeaf } from './subtree.ts';
import { decodeTLBI } from './tlbiScope.ts';

/** DSB options that order earlier stores for the walkers of other PEs (ISH domain or wider). */
const ORDERS_STORES: ReadonlySet<DSBDomain> = new Set(['ish', 'ishst', 'sy']);

/**
 * Whether a DSB completes a TLBI: not the `ST` forms; `NSH` only for a local TLBI.
 * @param dom - the DSB option
 * @param broadcast - whether the TLBI is an `…IS` form
 * @returns true when complete after this DSB
 */
export function dsbCompletesTLBI(dom: DSBDomain, broadcast: boolean): boolean {
  return dom === 'ish' || dom === 'sy' || (dom === 'nsh' && !broadcast);
}

/**
 * Records a TLBI; it takes effect at its issuer's completing DSB.
 * @param state - the machine
 * @param ev - the event
 */
export function stepTLBI(state: MachineState, ev: TLBIEvent): void {
  const cpu = state.onlineCpu(ev.cpu);
  const va = ev.va === undefined ? 0 : Number(ev.va & 0xffffffffffffn);
  const scope = decodeTLBI(ev.kind, va, ev.size === undefined ? 0 : Number(ev.size));
  const targets = scope.broadcast ? state.onlineMask : 1 << cpu.slot;
  cpu.pendingTlbis.push({ scope, issuedAt: state.now, targets, mnemonic: `TLBI ${ev.kind.toUpperCase()}` });
}

/**
 * `ISB`: context synchronization of the issuer: its stores already made visible to its own walker
 * by a DSB become usable by it (S1, judged at `walk`).
 * @param state - the machine
 * @param ev - the event
 */
export function stepISB(state: MachineState, ev: ISBEvent): void {
  storesSynchronized(state, state.onlineCpu(ev.cpu));
}

/**
 * `DSB`: completes the issuer's TLBIs that this option completes, then orders its stores.
 * @param state - the machine
 * @param ev - the event
 * @returns a violation (a contiguous group flushed while partly repainted, C3), or undefined
 */
export function stepDSB(state: MachineState, ev: DSBEvent): Violation | undefined {
  const cpu = state.onlineCpu(ev.cpu);
  const completed: PendingTLBI[] = [];
  const stillPending: PendingTLBI[] = [];
  for (const t of cpu.pendingTlbis) {
    if (dsbCompletesTLBI(ev.dom, t.scope.broadcast)) completed.push(t);
    else stillPending.push(t);
  }
  // They complete at one moment: the `…L` forms first, so that they see the walk-cache entries
  // the others remove as still held (they were, at the `…L` TLBI's issue).
  for (const t of completed) if (t.scope.leafOnly) completeTLBI(state, t);
  for (const t of completed) if (!t.scope.leafOnly) completeTLBI(state, t);
  cpu.pendingTlbis = stillPending;
  // With the issuer the only online CPU, its own walker is every walker there is (T2).
  const alone = state.onlineMask === 1 << cpu.slot;
  if (ORDERS_STORES.has(ev.dom)) orderStores(state, cpu);
  else if (alone) orderTablesLocally(cpu);
  if (!ORDERS_STORES.has(ev.dom)) orderStoresLocally(state, cpu);
  orderSuperseding(state, cpu, ORDERS_STORES.has(ev.dom));
  storesVisible(state, cpu, ORDERS_STORES.has(ev.dom));
  if (completed.length > 0) return checkFlushedGroups(state, cpu, completed);
  return undefined;
}

function orderStores(state: MachineState, cpu: CpuState): void {
  for (const s of cpu.unorderedBreaks) {
    if (s.visibleAt === Number.POSITIVE_INFINITY) s.visibleAt = state.now;
    if (s.visibleLocallyAt === Number.POSITIVE_INFINITY) s.visibleLocallyAt = state.now;
    // Kept while no CPU held it only because a CPU could still see the old value (§1).
    if (s.holders === 0) state.stale.remove(s);
  }
  cpu.unorderedBreaks = [];
  settleStores(cpu);
}

/** `DSB NSH`/`NSHST` by the only online CPU: its stores into table pages are ordered for T2. */
function orderTablesLocally(cpu: CpuState): void {
  settleStores(cpu);
}

/** The CPU's latest stores become visible to every walker (T2): only entries it stored to last. */
function settleStores(cpu: CpuState): void {
  const mine = cpu.slot + 1;
  for (const { page, index } of cpu.dirtyEntries) {
    if (page.pendingBy[index] !== mine) continue;
    page.pendingBy[index] = 0;
    page.pendingCount--;
  }
  cpu.dirtyEntries = [];
}

/** `DSB NSH`/`NSHST`: the writer's own walker sees its stores; other PEs' walkers are not ordered. */
function orderStoresLocally(state: MachineState, cpu: CpuState): void {
  for (const s of cpu.unorderedBreaks)
    if (s.visibleLocallyAt === Number.POSITIVE_INFINITY) s.visibleLocallyAt = state.now;
}

/**
 * Whether target `cpu` could have filled the stale entry `s` at or after `issuedAt`, as a TLBI of
 * that issue counts fills (SEMANTICS.md §3): it was running at some moment at which the store that
 * made `s` stale was not yet visible to its walker, and at which its walker could still reach the
 * table holding `s`'s descriptor — from the root (the table linked, or its unlink not yet visible),
 * or, for the `…L` forms, which spare walk entries, through a walk-cache entry it holds. A TLBI of
 * the other forms removes those walk entries too, and with them what was built from them (§3: a
 * walk that starts at a held walk entry counts at the pointer's own fill).
 * DEVIATION: the root path is judged by the unlink that detached the table's subtree (its stale
 * walk entries), not store by store along the path.
 * @param state - the machine
 * @param s - the stale entry
 * @param cpu - a holder of it
 * @param issuedAt - the TLBI's issue
 * @param sparesWalks - whether the TLBI is a `…L` form
 * @returns true when the entry survives on that CPU
 */
export function couldRefillSince(
  state: MachineState,
  s: StaleEntry,
  cpu: CpuState,
  issuedAt: number,
  sparesWalks: boolean,
): boolean {
  const own = cpu.slot === s.writer;
  const visible = own ? s.visibleLocallyAt : s.visibleAt;
  const reachable = s.byPath ? Math.min(visible, s.pathCutAt) : visible;
  const fromRoot = latestRunning(cpu, Math.min(reachable - 1, state.now)) >= issuedAt;
  const page = state.mem.pageOf(s.origin);
  if (page === undefined || page.reachable) return fromRoot;
  if (fromRoot && latestRunning(cpu, Math.min(rootPathClosesAt(state, page, cpu) - 1, state.now)) >= issuedAt)
    return true;
  // Through a walk-cache entry it still held at the issue (an `…L` form spares it): until the
  // entry's own descriptor lost its value.
  if (!sparesWalks || (state.walkHoldersOf(page) & (1 << cpu.slot)) === 0) return false;
  const ownGone = s.byPath ? (own ? s.ownVisibleLocallyAt : s.ownVisibleAt) : visible;
  return latestRunning(cpu, Math.min(ownGone - 1, state.now)) >= issuedAt;
}

/**
 * The moment from which `cpu`'s walker can no longer reach the detached `page` from the root: the
 * visibility to it of the store that unlinked the top of `page`'s subtree (the latest, if the top
 * was linked more than once; for a link retired by a store above it, the earlier of that store's
 * and of a later store to its own descriptor); minus infinity when no such store is recorded
 * (never reachable).
 * @param state - the machine
 * @param page - a table page not reachable from the root
 * @param cpu - the walker's CPU
 * @returns the moment
 */
export function rootPathClosesAt(state: MachineState, page: TablePage, cpu: CpuState): number {
  let top = page;
  while (top.parent !== null) top = top.parent;
  let closes = Number.NEGATIVE_INFINITY;
  const span = Number.isNaN(top.vaBase) ? undefined : (state.geo.entrySpan[top.level - 1] ?? undefined);
  const visit = (w: StaleEntry): void => {
    if (w.kind !== 'walk' || w.tablePa !== top.pa) return;
    const local = cpu.slot === w.writer;
    let visible = local ? w.visibleLocallyAt : w.visibleAt;
    // A link retired by a store above it is also closed once a store to its own descriptor is
    // visible (found/023): the walker cannot pass it, whatever it still sees above.
    if (w.byPath) visible = Math.min(visible, local ? w.ownVisibleLocallyAt : w.ownVisibleAt, w.pathCutAt);
    if (visible > closes) closes = visible;
  };
  if (span === undefined) state.stale.forEach(visit);
  else state.stale.forEachOverlapping(top.vaBase, top.vaBase + span, visit);
  return closes;
}

/** Removes what a completed TLBI covers from every target's TLB. */
function completeTLBI(state: MachineState, t: PendingTLBI): void {
  const { scope } = t;
  const visit = (s: StaleEntry): void => {
    if (s.holders === 0) return;
    if (scope.leafOnly && s.kind === 'walk') return;
    if (scope.leafOnly && state.options.lastLevelTlbi === 'level3-only' && s.level !== 3) return;
    let dropped = 0;
    for (const cpu of state.slots) {
      const bit = 1 << cpu.slot;
      if ((s.holders & t.targets & bit) !== 0 && !couldRefillSince(state, s, cpu, t.issuedAt, scope.leafOnly))
        dropped |= bit;
    }
    if (dropped === 0) return;
    s.holders &= ~dropped;
    if (s.kind === 'walk') dropWalkEntry(state, s, dropped, t);
    if (s.holders === 0 && s.visibleAt !== Number.POSITIVE_INFINITY) state.stale.remove(s);
  };
  if (scope.all) state.stale.forEach(visit);
  else state.stale.forEachOverlapping(scope.from, scope.to, visit);
  for (const cpu of state.slots) {
    // A TLBI issued before the CPU parked does not count as a flush since the park (family 6).
    if (cpu.status !== 'parked' || (t.targets & (1 << cpu.slot)) === 0 || t.issuedAt < cpu.parkedAt) continue;
    if (scope.all) {
      cpu.snapshotValid = false;
      cpu.flushedSincePark = [];
    } else cpu.flushedSincePark.push({ from: scope.from, to: scope.to, leafOnly: scope.leafOnly });
  }
}

/**
 * A walk-cache entry leaves some CPUs: the leaves they may have filled through it since it went
 * stale stay behind as stale leaf entries (those the same TLBI covers excepted).
 */
function dropWalkEntry(state: MachineState, s: StaleEntry, dropped: number, t: PendingTLBI): void {
  const table = state.mem.pageOf(s.tablePa);
  if (table === undefined || table.pa !== s.tablePa) return;
  let holders = 0;
  state.stale.forEachOverlapping(s.spanVa, s.spanVa + s.span, (w) => {
    if (w.kind === 'walk' && w.tablePa === s.tablePa) holders |= w.holders;
  });
  table.walkHolders = holders;
  if (Number.isNaN(table.vaBase)) return;
  forEachLeaf(state.geo, state.mem, table, s.spanVa, s.spanVa, s.spanVa + s.span, limitsAbove(table), {
    leaf: (e) => {
      const filledSince = state.mem.pageOf(e.pa)?.writtenAt[(e.pa % state.geo.pageSize) / 8] ?? 0;
      if (e.af !== 1 || filledSince <= s.createdAt) return;
      for (const left of retireLeaf(state, e, dropped, s.writer, true)) {
        if (t.scope.all || (left.spanVa < t.scope.to && t.scope.from < left.spanVa + left.span)) {
          state.stale.remove(left);
          continue;
        }
        left.visibleAt = s.visibleAt;
        left.visibleLocallyAt = s.visibleLocallyAt;
      }
    },
  });
}

/**
 * C3: a completed flush while a contiguous group it covers, or one this CPU repainted last, still
 * has members whose permissions differ (a partial repaint, RJQQTC; however the flush is done).
 */
function checkFlushedGroups(
  state: MachineState,
  cpu: CpuState,
  completed: readonly PendingTLBI[],
): Violation | undefined {
  const g = partialRepaint(
    state,
    (va, span, writer) =>
      writer === cpu.slot || completed.some((t) => t.scope.all || (t.scope.from < va + span && va < t.scope.to)),
  );
  return g === undefined ? undefined : partialRepaintViolation(state, cpu.id, g, 'when the repaint is flushed');
}

/**
 * The C3 violation for a group still partly repainted.
 * @param state - the machine
 * @param cpu - the CPU to name
 * @param g - the group
 * @param when - the moment it is judged at
 * @returns the violation
 */
export function partialRepaintViolation(state: MachineState, cpu: number, g: PartialRepaint, when: string): Violation {
  const va = g.page.vaBase + g.start * (state.geo.entrySpan[g.page.level] ?? 0);
  return violation(
    'cont-misprogrammed',
    state.now,
    {
      cpu,
      pa: BigInt(g.page.pa + 8 * g.start),
      ...(Number.isNaN(va) ? {} : { va: state.fullVA(va) }),
      level: g.page.level,
    },
    `permissions still differ inside the contiguous group ${when} (partial repaint, RJQQTC)`,
  );
}
