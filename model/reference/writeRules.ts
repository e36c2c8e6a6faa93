/**
 * Reference checker — a `write` judged by SEMANTICS.md §5 W0–W7, in that order; the first that
 * fails is the verdict, and the store lands whatever the verdict (except W0).
 *
 * Layer: model/reference (tests only).
 */
import type { CpuSpec, WriteEvent } from '../events.ts';
import { conflictReason, descriptorsNeedBBM, isCurrent } from './conflict.ts';
import { misprogrammed, groupCount } from './contiguous.ts';
import { decode } from './descriptor.ts';
import type { Decoded } from './descriptor.ts';
import { spansOverlap } from './entries.ts';
import type { TlbEntry } from './entries.ts';
import { contEntries, entryBytes } from './geometry.ts';
import { blockToTable, contiguousFlip, currentPlaceOf, tableToBlock } from './identity.ts';
import type { IdentityResult } from './identity.ts';
import { appendStore, current, locate, visibleTo } from './memory.ts';
import type { Store, TablePage } from './memory.ts';
import { currentLinksTo, linkTarget, subtreePages, walkedIndexes } from './pointers.ts';
import { cpuOf, fillableBy, walkablePages } from './state.ts';
import type { RefState, RefViolation } from './state.ts';

const live = (d: Decoded): boolean => d.type === 'table' || (d.type === 'leaf' && d.af);

/**
 * Judges and applies a write.
 * @param st - the state (the store is appended to it)
 * @param ev - the event
 * @param now - its index
 * @returns the violation, if any
 */
export function judgeWrite(st: RefState, ev: WriteEvent, now: number): RefViolation | undefined {
  const writer = cpuOf(st, ev.cpu);
  const mem = st.mem;
  const at = locate(mem, ev.pa);
  const site = { cpu: ev.cpu, pa: ev.pa };
  // W0
  if (at === undefined)
    return { code: 'write-to-non-table', event: now, ...site, detail: 'no table page holds this PA' };
  const { page, index } = at;
  const level = page.level;
  const v = (code: RefViolation['code'], detail: string, va?: bigint): RefViolation => ({
    code,
    event: now,
    ...site,
    level,
    ...(va !== undefined ? { va } : {}),
    detail,
  });
  const old = current(page, index);
  const append = (): void => appendStore(mem, page, index, ev.val, writer.spec.id, now);
  // W1
  if (old.value === ev.val) {
    append();
    return undefined;
  }
  // W2, first part: the linked page itself.
  const nd = decode(mem.geometry, level, ev.val);
  let linked: TablePage | undefined;
  if (nd.type === 'table') {
    const x = mem.pages.get(nd.next);
    if (x === undefined || x.level !== level + 1) {
      append();
      return v('bad-table-link', `0x${nd.next.toString(16)} is not an allocated level-${level + 1} table page`);
    }
    if (x.pa === mem.root) {
      append();
      return v('bad-table-link', 'links the root');
    }
    const others = currentLinksTo(mem, x).filter((pa) => pa !== ev.pa);
    if (others.length > 0) {
      append();
      return v('bad-table-link', `0x${x.pa.toString(16)} is already linked from 0x${others[0]?.toString(16)}`);
    }
    linked = x;
  }
  // Held(c) is refilled only at the end of the event: during W6 it is still Held(c) before the store.
  append();
  // W3: the running CPUs that may walk the entry (its page's reachability does not depend on it,
  // since a table entry never leads back to its own page).
  const observers = [...st.cpus.values()].filter(
    (c) => c.status === 'running' && walkablePages(st, c, now).has(page.pa),
  );
  const place = currentPlaceOf(mem, page);
  const va = place !== undefined ? place.vaBase + BigInt(index) * entryBytes(mem.geometry, level) : undefined;
  if (observers.length === 0) return undefined;
  const specs: CpuSpec[] = observers.map((c) => c.spec);
  // W2, second part: the subtree the new value makes walkable.
  const subtree = linked !== undefined ? subtreePages(mem, linked) : [];
  for (const p of subtree)
    for (const i of walkedIndexes(mem, p)) {
      const s = current(p, i);
      if (s.d.type !== 'table') continue;
      const y = linkTarget(mem, p.level, s);
      if (y === undefined)
        return v(
          'bad-table-link',
          `the subtree holds a dangling link at 0x${(p.pa + BigInt(i) * 8n).toString(16)}`,
          va,
        );
      if (currentLinksTo(mem, y).length > 1)
        return v('bad-table-link', `0x${y.pa.toString(16)} is linked from two entries`, va);
    }
  // W4 (T2): every store of the subtree visible to every online CPU.
  for (const p of subtree)
    for (const i of walkedIndexes(mem, p)) {
      const s = current(p, i);
      const blind = [...st.cpus.values()].find((c) => !visibleTo(mem, s, c.spec.id));
      if (blind !== undefined)
        return v(
          'table-linked-before-init',
          `the store to 0x${(p.pa + BigInt(i) * 8n).toString(16)} is not visible to cpu ${blind.spec.id} yet`,
          va,
        );
    }
  // W5
  const od = old.d;
  if (live(od) && live(nd)) {
    const w5 = judgeLiveChange(st, page, od, nd, va, specs, old);
    if (w5 !== undefined) return v(w5.code, w5.detail, w5.va ?? va);
  }
  // W6 (B2): a stale held entry conflicting with an entry the new value makes fillable.
  for (const c of observers) {
    const fresh = [...fillableBy(st, c, now).values()]
      .map((f) => f.entry)
      .filter((e) => e.path.some((s) => s.loc === ev.pa && s.value === ev.val));
    if (fresh.length === 0) continue;
    // Speed only: the VA range the fresh entries cover, to skip held entries far from it.
    let lo = (fresh[0] as TlbEntry).vaBase;
    let hi = lo;
    for (const e of fresh) {
      if (e.vaBase < lo) lo = e.vaBase;
      if (e.vaBase + e.vaSize > hi) hi = e.vaBase + e.vaSize;
    }
    for (const { entry: e1 } of c.held.values()) {
      if (e1.vaBase >= hi || e1.vaBase + e1.vaSize <= lo) continue;
      if (!fresh.some((e2) => spansOverlap(e1, e2)) || isCurrent(mem, e1)) continue;
      for (const e2 of fresh) {
        const reason = conflictReason(c.spec, e1, e2);
        if (reason !== undefined)
          return {
            code: 'bbm-unclean',
            event: now,
            cpu: c.spec.id,
            pa: ev.pa,
            level,
            va: e2.vaBase,
            detail: `cpu ${c.spec.id} may still hold a stale entry: ${reason}`,
          };
      }
    }
  }
  // W7 (C1): the groups of the linked subtree, then the group of the written entry.
  for (const p of subtree)
    for (let g = 0; g < groupCount(mem, p); g++) {
      const r = misprogrammed(mem, p, g, specs);
      if (r !== undefined) return v('cont-misprogrammed', `in the linked table 0x${p.pa.toString(16)}: ${r}`, va);
    }
  const n = contEntries(mem.geometry, level);
  if (n > 0) {
    const r = misprogrammed(mem, page, Math.floor(index / n), specs);
    if (r !== undefined) return v('cont-misprogrammed', r, va);
  }
  return undefined;
}

/** W5 for a write whose old and new values are both live. */
function judgeLiveChange(
  st: RefState,
  page: TablePage,
  od: Decoded,
  nd: Decoded,
  va: bigint | undefined,
  observers: readonly CpuSpec[],
  old: Store,
): { code: RefViolation['code']; detail: string; va?: bigint } | undefined {
  const mem = st.mem;
  const place = currentPlaceOf(mem, page);
  const above = place?.limits ?? { roTable: false, noEl0Table: false, pxnTable: false, uxnTable: false };
  const at = va ?? 0n;
  let identity: IdentityResult;
  let exemptNT = false;
  if (od.type === 'leaf' && nd.type === 'leaf') {
    if (od.cont === nd.cont) {
      const reason = descriptorsNeedBBM(od, nd);
      return reason === undefined
        ? undefined
        : { code: 'bbm-valid-to-valid', detail: `${reason} changed on a live entry` };
    }
    identity = contiguousFlip(od, nd, above, at);
  } else if (od.type === 'table' && nd.type === 'table') {
    return od.next !== nd.next
      ? { code: 'bbm-valid-to-valid', detail: 'a live table descriptor now links another table' }
      : undefined;
  } else if (od.type === 'leaf' && nd.type === 'table') {
    const x = mem.pages.get(nd.next);
    if (x === undefined) return undefined;
    identity = blockToTable(mem, od, above, at, x, nd.limits);
    exemptNT = od.nT;
  } else if (od.type === 'table' && nd.type === 'leaf') {
    const x = linkTarget(mem, page.level, old);
    identity =
      x === undefined
        ? { code: 'non-identity-split', va: at, detail: 'the old table is gone' }
        : tableToBlock(mem, x, od.limits, above, at, nd);
  } else return undefined;
  if (identity !== undefined) return { code: identity.code, detail: identity.detail, va: identity.va };
  const lacking = observers.find((c) => !c.noabort && !(exemptNT && c.bbm >= 1));
  if (lacking !== undefined)
    return { code: 'size-change-without-bbml2', detail: `cpu ${lacking.id} (BBM level ${lacking.bbm}) lacks noabort` };
  return undefined;
}
