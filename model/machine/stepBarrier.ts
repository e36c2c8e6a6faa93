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
import type { Violation } from '../bbm/violations.ts';
import { violation } from '../bbm/violations.ts';
import { checkContiguousGroup } from '../bbm/contiguous.ts';
import type { DSBDomain, ISBEvent, DSBEvent, TLBIEvent } from '../events.ts';
import type { StaleEntry } from '../tlb/staleEntry.ts';
import type { CpuState, PendingTLBI } from './cpu.ts';
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
 * `ISB`: context synchronization of the issuer.
 * DEVIATION: the model tracks no per-CPU pipeline state, so an ISB changes nothing (S1 is a
 * property-level check, not a model rule).
 * @param state - the machine
 * @param ev - the event
 */
export function stepISB(state: MachineState, ev: ISBEvent): void {
  state.onlineCpu(ev.cpu);
}

/**
 * `DSB`: completes the issuer's TLBIs that this option completes, then orders its stores.
 * @param state - the machine
 * @param ev - the event
 * @returns a violation (a contiguous group flushed while partly repainted, C3), or undefined
 */
export function stepDSB(state: MachineState, ev: DSBEvent): Violation | undefined {
  const cpu = state.onlineCpu(ev.cpu);
  let completed = 0;
  const stillPending: PendingTLBI[] = [];
  for (const t of cpu.pendingTlbis) {
    if (dsbCompletesTLBI(ev.dom, t.scope.broadcast)) {
      completeTLBI(state, t);
      completed++;
    } else stillPending.push(t);
  }
  cpu.pendingTlbis = stillPending;
  if (ORDERS_STORES.has(ev.dom)) orderStores(state, cpu);
  else orderStoresLocally(state, cpu);
  if (completed > 0) return checkFlushedGroups(state, cpu);
  return undefined;
}

function orderStores(state: MachineState, cpu: CpuState): void {
  for (const s of cpu.unorderedBreaks) {
    if (s.visibleAt === Number.POSITIVE_INFINITY) s.visibleAt = state.now;
    if (s.visibleLocallyAt === Number.POSITIVE_INFINITY) s.visibleLocallyAt = state.now;
  }
  cpu.unorderedBreaks = [];
  const bit = 1 << cpu.slot;
  for (const page of cpu.dirtyPages) page.pendingWriters &= ~bit;
  cpu.dirtyPages.clear();
}

/** `DSB NSH`/`NSHST`: the writer's own walker sees its stores; other PEs' walkers are not ordered. */
function orderStoresLocally(state: MachineState, cpu: CpuState): void {
  for (const s of cpu.unorderedBreaks)
    if (s.visibleLocallyAt === Number.POSITIVE_INFINITY) s.visibleLocallyAt = state.now;
}

/** Removes what a completed TLBI covers from every target's TLB. */
function completeTLBI(state: MachineState, t: PendingTLBI): void {
  const { scope } = t;
  const visit = (s: StaleEntry): void => {
    if (s.holders === 0 || (scope.broadcast ? s.visibleAt : s.visibleLocallyAt) >= t.issuedAt) return;
    if (scope.leafOnly && s.kind === 'walk') return;
    if (scope.leafOnly && state.options.lastLevelTlbi === 'level3-only' && s.level !== 3) return;
    const dropped = s.holders & t.targets;
    if (dropped === 0) return;
    s.holders &= ~dropped;
    if (s.kind === 'walk') dropWalkEntry(state, s, dropped, t);
    if (s.holders === 0) state.stale.remove(s);
  };
  if (scope.all) state.stale.forEach(visit);
  else state.stale.forEachOverlapping(scope.from, scope.to, visit);
  for (const cpu of state.slots) {
    if (cpu.status !== 'parked' || (t.targets & (1 << cpu.slot)) === 0) continue;
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
      if (t.scope.all || (e.spanVa < t.scope.to && t.scope.from < e.spanVa + e.span)) return;
      const left = retireLeaf(state, e, dropped);
      left.visibleAt = s.visibleAt;
      left.visibleLocallyAt = s.visibleLocallyAt;
    },
  });
}

/** C3: a flush by `cpu` while a group it repainted still has mixed permissions. */
function checkFlushedGroups(state: MachineState, cpu: CpuState): Violation | undefined {
  for (const [key, g] of state.mixedGroups) {
    if (g.writer !== cpu.slot) continue;
    const verdict = checkContiguousGroup(state.geo, g.page, g.start, true);
    if (!verdict.mixedPermissions) {
      state.mixedGroups.delete(key);
      continue;
    }
    const va = g.page.vaBase + g.start * (state.geo.entrySpan[g.page.level] ?? 0);
    return violation(
      'cont-misprogrammed',
      state.now,
      {
        cpu: cpu.id,
        pa: BigInt(g.page.pa + 8 * g.start),
        ...(Number.isNaN(va) ? {} : { va: state.fullVA(va) }),
        level: g.page.level,
      },
      'permissions still differ inside the contiguous group when the repaint is flushed (partial repaint, RJQQTC)',
    );
  }
  return undefined;
}
