/**
 * Reference checker — the CPU and allocator events of SEMANTICS.md §5: `park`, `unpark`,
 * `online` (judged by `tlb-conflict` on everything the CPU then holds, family 4), `stop`,
 * `resume`, `alloc` (`alloc-while-stopped` on PREEMPT_RT), `free` (T1,
 * `table-freed-while-reachable`), `walk` (S1, `walk-unsynchronized`) and the end of the trace.
 *
 * Layer: model/reference (tests only).
 */
import type { AllocEvent, FreeEvent, OnlineEvent, ParkEvent, StopEvent, UnparkEvent, WalkEvent } from '../events.ts';
import { ModelInputError } from '../machine/inputError.ts';
import { partialRepaint } from './barrierRules.ts';
import { TTBR1_BASE, entryBytes, levelExists } from './geometry.ts';
import { current, history, locate, newPage, synchronizedView } from './memory.ts';
import type { Store, TablePage } from './memory.ts';
import { linkTarget } from './pointers.ts';
import { cpuOf, fillableBy, firstConflict, reachableBy } from './state.ts';
import type { RefCpu, RefState, RefViolation } from './state.ts';

/**
 * `park`: the CPU stops walking; its TLB keeps what it holds.
 * @param st - the state
 * @param ev - the event
 * @throws ModelInputError if it is parked already
 */
export function applyPark(st: RefState, ev: ParkEvent): void {
  const c = cpuOf(st, ev.cpu);
  if (c.status === 'parked') throw new ModelInputError(`cpu ${ev.cpu} is parked already`);
  c.status = 'parked';
}

/**
 * `tlb-conflict` for a CPU that walks from now on: any two conflicting entries of `Held(c)`
 * together with what it may fill now.
 * @param st - the state
 * @param c - the CPU
 * @param now - the event index to report
 * @returns the violation, if any
 */
export function resumeConflict(st: RefState, c: RefCpu, now: number): RefViolation | undefined {
  const all = new Map([...c.held].map(([k, h]) => [k, h.entry]));
  for (const [k, f] of fillableBy(st, c, now)) all.set(k, f.entry);
  const hit = firstConflict(c.spec, [...all.values()]);
  if (hit === undefined) return undefined;
  return {
    code: 'tlb-conflict',
    event: now,
    cpu: c.spec.id,
    va: hit.a.vaBase > hit.b.vaBase ? hit.a.vaBase : hit.b.vaBase,
    level: hit.a.level,
    detail: `cpu ${c.spec.id} may hold ${hit.a.key} and ${hit.b.key}: ${hit.reason}`,
  };
}

/**
 * `unpark`: judged after the CPU may fill again.
 * @param st - the state
 * @param ev - the event
 * @param now - its index
 * @returns the violation, if any
 * @throws ModelInputError if it is running
 */
export function judgeUnpark(st: RefState, ev: UnparkEvent, now: number): RefViolation | undefined {
  const c = cpuOf(st, ev.cpu);
  if (c.status === 'running') throw new ModelInputError(`cpu ${ev.cpu} is running, not parked`);
  c.status = 'running';
  return resumeConflict(st, c, now);
}

/**
 * `online`: a new CPU, running, with an empty TLB.
 * @param st - the state
 * @param ev - the event
 * @param now - its index
 * @returns the violation, if any
 * @throws ModelInputError if the CPU is online already
 */
export function judgeOnline(st: RefState, ev: OnlineEvent, now: number): RefViolation | undefined {
  if (st.cpus.has(ev.cpu)) throw new ModelInputError(`cpu ${ev.cpu} is online already`);
  const c: RefCpu = { spec: { id: ev.cpu, bbm: ev.bbm, noabort: ev.noabort }, status: 'running', held: new Map() };
  st.cpus.set(ev.cpu, c);
  return resumeConflict(st, c, now);
}

/**
 * `stop` / `resume` of stop_machine().
 * @param st - the state
 * @param ev - the event
 * @throws ModelInputError for a nested stop or a resume without stop
 */
export function applyStop(st: RefState, ev: StopEvent): void {
  cpuOf(st, ev.cpu);
  if (ev.op === 'stop') {
    if (st.stoppedBy !== undefined) throw new ModelInputError('stop_machine() is running already');
    st.stoppedBy = ev.cpu;
  } else {
    if (st.stoppedBy === undefined) throw new ModelInputError('resume without stop');
    st.stoppedBy = undefined;
  }
}

/**
 * `alloc`: a zeroed table page of a level (a zero store visible to all, generation = now).
 * @param st - the state
 * @param ev - the event
 * @param now - its index
 * @returns `alloc-while-stopped` on PREEMPT_RT inside stop_machine()
 * @throws ModelInputError for an unaligned PA, a level that does not exist, or a page that is a table already
 */
export function judgeAlloc(st: RefState, ev: AllocEvent, now: number): RefViolation | undefined {
  const g = st.mem.geometry;
  if (ev.pa % g.pageBytes !== 0n) throw new ModelInputError(`alloc of 0x${ev.pa.toString(16)}: not page aligned`);
  if (!levelExists(g, ev.level)) throw new ModelInputError(`level ${ev.level} does not exist with ${g.granule}`);
  if (st.mem.pages.has(ev.pa)) throw new ModelInputError(`alloc of 0x${ev.pa.toString(16)}: already a table page`);
  st.mem.pages.set(ev.pa, newPage(ev.pa, ev.level, now));
  if (st.preemptRt && st.stoppedBy !== undefined)
    return {
      code: 'alloc-while-stopped',
      event: now,
      pa: ev.pa,
      level: ev.level,
      detail: 'allocation inside stop_machine()',
    };
  return undefined;
}

/**
 * `free`: T1 when some online CPU may reach the page from the root through its view, or through
 * a walk-cache entry it holds.
 * @param st - the state
 * @param ev - the event
 * @param now - its index
 * @returns the violation, if any
 * @throws ModelInputError if the PA is not a table page
 */
export function judgeFree(st: RefState, ev: FreeEvent, now: number): RefViolation | undefined {
  const page = st.mem.pages.get(ev.pa);
  if (page === undefined) throw new ModelInputError(`free of 0x${ev.pa.toString(16)}, which is not a table page`);
  let verdict: RefViolation | undefined;
  for (const c of st.cpus.values())
    if (verdict === undefined && reachableBy(st, c).has(ev.pa))
      verdict = {
        code: 'table-freed-while-reachable',
        event: now,
        cpu: c.spec.id,
        pa: ev.pa,
        level: page.level,
        detail: `cpu ${c.spec.id} may still walk it`,
      };
  st.mem.pages.delete(ev.pa);
  return verdict;
}

/**
 * `walk` (S1): when the current tables map `va`, no entry on the path may, in the CPU's view
 * (its own stores counting only once synchronized by DSB + ISB), hold a value that faults.
 * @param st - the state
 * @param ev - the event
 * @param now - its index
 * @returns the violation, if any
 * @throws ModelInputError if the CPU is parked
 */
export function judgeWalk(st: RefState, ev: WalkEvent, now: number): RefViolation | undefined {
  const c = cpuOf(st, ev.cpu);
  if (c.status === 'parked') throw new ModelInputError(`cpu ${ev.cpu} is parked and walks nothing`);
  const mem = st.mem;
  const path: { page: NonNullable<ReturnType<typeof mem.pages.get>>; index: number }[] = [];
  let page = mem.pages.get(mem.root);
  let base = TTBR1_BASE;
  while (page !== undefined) {
    const size = entryBytes(mem.geometry, page.level);
    const index = Number((ev.va - base) / size);
    path.push({ page, index });
    const s = current(page, index);
    const d = s.d;
    if (d.type === 'leaf') {
      if (!d.af) return undefined;
      break;
    }
    if (d.type !== 'table') return undefined;
    page = linkTarget(mem, page.level, s);
    if (page === undefined) return undefined;
    base += BigInt(index) * size;
  }
  if (page === undefined) return undefined;
  let linkedAfter = Number.NEGATIVE_INFINITY;
  for (const [k, step] of path.entries()) {
    const seen = synchronizedView(mem, ev.cpu, step.page, step.index, linkedAfter);
    for (const s of seen) {
      const d = s.d;
      if (d.type === 'invalid' || (d.type === 'leaf' && !d.af))
        return {
          code: 'walk-unsynchronized',
          event: now,
          cpu: ev.cpu,
          va: ev.va,
          pa: step.page.pa + BigInt(step.index) * 8n,
          level: step.page.level,
          detail: `cpu ${ev.cpu} may still read 0x${s.value.toString(16)} there`,
        };
    }
    const next = path[k + 1]?.page;
    if (next !== undefined) linkedAfter = earliestLinkTo(st, c, next, step.page.level, seen);
  }
  return undefined;
}

/**
 * The earliest moment at which a walk of `c` that reaches `page` may have read the link to it:
 * over the stores of the entry above that it may read and that link `page`, and over the walk
 * entries it holds for `page` (each counted at the earliest store of the value it read).
 * @param st - the state
 * @param c - the walking CPU
 * @param page - the page the walk goes on into
 * @param above - the level of the entry above
 * @param seen - the stores of the entry above that `c` may read
 * @returns that moment (minus infinity when a held walk entry's link is gone from the memory)
 */
function earliestLinkTo(st: RefState, c: RefCpu, page: TablePage, above: number, seen: readonly Store[]): number {
  let t = Number.POSITIVE_INFINITY;
  for (const s of seen) if (linkTarget(st.mem, above, s) === page) t = Math.min(t, s.time);
  for (const h of c.held.values()) {
    const e = h.entry;
    if (e.kind !== 'walk' || e.page !== page.pa || e.gen !== page.gen) continue;
    const last = e.path[e.path.length - 1];
    const at = last === undefined ? undefined : locate(st.mem, last.loc);
    if (at === undefined) return Number.NEGATIVE_INFINITY;
    for (const s of history(at.page, at.index))
      if (s.value === last?.value && s.time > page.gen) t = Math.min(t, s.time);
  }
  return t;
}

/**
 * End of trace (event N + 1): C3 for any walkable partly repainted group, then `tlb-conflict`
 * for a parked CPU that would conflict if it resumed now.
 * @param st - the state
 * @param now - N + 1
 * @returns the violation, if any
 */
export function judgeEnd(st: RefState, now: number): RefViolation | undefined {
  st.fillMemo.clear();
  const c3 = partialRepaint(st, now, () => true);
  if (c3 !== undefined) return c3;
  for (const c of st.cpus.values()) {
    if (c.status !== 'parked') continue;
    const v = resumeConflict(st, c, now);
    if (v !== undefined) return v;
  }
  return undefined;
}
