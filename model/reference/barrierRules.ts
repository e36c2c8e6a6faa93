/**
 * Reference checker — `tlbi`, `dsb` and `isb` (SEMANTICS.md §3, §5 `dsb`): a TLBI is recorded
 * with its targets; a DSB records itself (which makes its issuer's stores visible, memory.ts),
 * completes its issuer's pending TLBIs, and then judges C3 (partial repaint, RJQQTC) when it
 * completed one.
 *
 * Layer: model/reference (tests only).
 */
import type { DSBEvent, ISBEvent, TLBIEvent } from '../events.ts';
import { groupCount, groupSpan, lastStoreInto, partlyRepainted } from './contiguous.ts';
import { contEntries } from './geometry.ts';
import type { TablePage } from './memory.ts';
import { cpuOf, walkablePages } from './state.ts';
import type { RefState, RefViolation } from './state.ts';
import { dsbCompletes, inScope, isBroadcast, overlapsRange, sparesWalks } from './tlbi.ts';
import type { TlbiRequest } from './tlbi.ts';

/**
 * Records a TLBI at its issue.
 * @param st - the state
 * @param ev - the event
 * @param now - its index
 */
export function applyTlbi(st: RefState, ev: TLBIEvent, now: number): void {
  cpuOf(st, ev.cpu);
  const targets = isBroadcast(ev.kind) ? [...st.cpus.keys()] : [ev.cpu];
  st.pending.push({
    issued: now,
    kind: ev.kind,
    ...(ev.va !== undefined ? { va: ev.va } : {}),
    ...(ev.size !== undefined ? { size: ev.size } : {}),
    issuer: ev.cpu,
    targets,
  });
}

/**
 * Records an ISB.
 * @param st - the state
 * @param ev - the event
 * @param now - its index
 */
export function applyIsb(st: RefState, ev: ISBEvent, now: number): void {
  cpuOf(st, ev.cpu);
  barriersOf(st, ev.cpu).push({ time: now, kind: 'isb' });
}

const barriersOf = (st: RefState, cpu: number): { time: number; kind: DSBEvent['dom'] | 'isb' }[] => {
  let b = st.mem.barriers.get(cpu);
  if (b === undefined) {
    b = [];
    st.mem.barriers.set(cpu, b);
  }
  return b;
};

/**
 * Applies a DSB and judges C3.
 * @param st - the state
 * @param ev - the event
 * @param now - its index
 * @returns the violation, if any
 */
export function judgeDsb(st: RefState, ev: DSBEvent, now: number): RefViolation | undefined {
  cpuOf(st, ev.cpu);
  barriersOf(st, ev.cpu).push({ time: now, kind: ev.dom });
  const completed: TlbiRequest[] = [];
  for (let i = 0; i < st.pending.length;) {
    const t = st.pending[i] as TlbiRequest;
    if (t.issuer === ev.cpu && dsbCompletes(ev.dom, t.kind)) {
      completed.push(t);
      st.pending.splice(i, 1);
    } else i++;
  }
  for (const t of completed)
    for (const id of t.targets) {
      const c = st.cpus.get(id);
      if (c === undefined) continue;
      for (const [key, h] of c.held)
        if ((sparesWalks(t.kind) ? h.lastFill : h.pointerFill) < t.issued && inScope(t, h.entry)) c.held.delete(key);
    }
  if (completed.length === 0) return undefined;
  return partialRepaint(st, now, (page, g, vaBases) => {
    const last = lastStoreInto(st.mem, page, g);
    if (last !== undefined && last.writer === ev.cpu) return true;
    return vaBases.some((base) => {
      const [from, size] = groupSpan(st.mem, page, g, base);
      return completed.some((t) => overlapsRange(t, from, size));
    });
  });
}

/**
 * C3 over every walkable group (some running CPU may walk its page): the first group that holds
 * a valid Contiguous leaf, differs in permissions and satisfies `counts`.
 * @param st - the state
 * @param now - the event index to report
 * @param counts - which partly repainted groups are a verdict now
 * @returns the violation, if any
 */
export function partialRepaint(
  st: RefState,
  now: number,
  counts: (page: TablePage, group: number, vaBases: bigint[]) => boolean,
): RefViolation | undefined {
  const walkable = new Map<bigint, Set<bigint>>();
  for (const c of st.cpus.values()) {
    if (c.status !== 'running') continue;
    for (const [pa, bases] of walkablePages(st, c, now)) {
      const s = walkable.get(pa) ?? new Set<bigint>();
      for (const b of bases) s.add(b);
      walkable.set(pa, s);
    }
  }
  for (const [pa, bases] of walkable) {
    const page = st.mem.pages.get(pa);
    if (page === undefined) continue;
    for (let g = 0; g < groupCount(st.mem, page); g++) {
      const how = partlyRepainted(st.mem, page, g);
      if (how === undefined || !counts(page, g, [...bases])) continue;
      const first = [...bases][0];
      return {
        code: 'cont-misprogrammed',
        event: now,
        pa: page.pa + BigInt(g * contEntries(st.mem.geometry, page.level) * 8),
        level: page.level,
        ...(first !== undefined ? { va: groupSpan(st.mem, page, g, first)[0] } : {}),
        detail:
          how === 'contiguous'
            ? 'a contiguous group is partly repainted (its Contiguous members differ in permissions)'
            : 'a contiguous group is partly repainted (a non-Contiguous member differs in permissions)',
      };
    }
  }
  return undefined;
}
