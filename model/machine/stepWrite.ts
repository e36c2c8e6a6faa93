/**
 * `stepWrite`: one 64-bit store to a table entry, judged against the BBM rules. The checks run in
 * the order documented in model/trace/README.md; the first one that fails is the verdict.
 *
 * @see Arm ARM DDI 0487 M.b D8.17 "Using break-before-make when updating translation table entries"
 * Layer: model/machine.
 */
import {
  contiguousBit,
  splitDescriptor,
  DescriptorType,
  decodeDescriptorType,
  outputAddress,
} from '../arch/descriptor.ts';
import type { TablePage } from '../arch/memory.ts';
import type { LeafEntry } from '../arch/walk.ts';
import { forEachLeaf, limitsAbove, makeLeaf } from '../arch/walk.ts';
import { conflictFor, describeShape, ttdUpdateNeedsBBM } from '../bbm/change.ts';
import { checkContiguousGroup } from '../bbm/contiguous.ts';
import { contFlipMismatch, tableSideMismatch } from '../bbm/identity.ts';
import type { Violation, ViolationCode } from '../bbm/violations.ts';
import { violation } from '../bbm/violations.ts';
import type { WriteEvent } from '../events.ts';
import type { StaleEntry } from '../tlb/staleEntry.ts';
import type { MachineState } from './state.ts';
import {
  findUnorderedStore,
  forEachChildTable,
  limitsBelow,
  linkSubtree,
  markUnordered,
  retireLeaf,
  unlinkSubtree,
} from './subtree.ts';

/**
 * Applies a store and returns the first rule it breaks, if any.
 * @param state - the machine (mutated)
 * @param ev - the write event
 * @returns a violation, or undefined
 */
export function stepWrite(state: MachineState, ev: WriteEvent): Violation | undefined {
  const cpu = state.onlineCpu(ev.cpu);
  const { geo, mem } = state;
  const pa = Number(ev.pa);
  const page = mem.pageOf(pa);
  if (page === undefined) return failAt(state, ev, 'write-to-non-table', `no table page holds PA 0x${pa.toString(16)}`);

  const index = (pa - page.pa) / 8;
  const level = page.level;
  const [lo, hi] = splitDescriptor(ev.val);
  const oldLo = page.lo[index] ?? 0;
  const oldHi = page.hi[index] ?? 0;
  const bit = 1 << cpu.slot;
  if ((page.pendingWriters & bit) === 0) {
    page.pendingWriters |= bit;
    cpu.dirtyPages.add(page);
  }
  if (oldLo === lo && oldHi === hi) return undefined;

  const oldType = decodeDescriptorType(geo, oldLo, level);
  const newType = decodeDescriptorType(geo, lo, level);
  const span = geo.entrySpan[level] ?? 0;
  const va = page.vaBase + index * span;

  let target: TablePage | undefined;
  if (newType === DescriptorType.Table) {
    target = mem.pageOf(outputAddress(geo, lo, hi));
    const problem = badLink(state, page, index, target);
    if (problem !== undefined) {
      // The store lands all the same (the model keeps following the SUT); nothing is linked.
      const old = oldType === DescriptorType.Table ? mem.pageOf(outputAddress(geo, oldLo, oldHi)) : undefined;
      if (old !== undefined && old.parent === page && old.parentIndex === index) unlinkSubtree(state, old, 0, cpu.slot);
      store(state, page, index, lo, hi);
      return failAt(state, ev, 'bad-table-link', problem, va, level);
    }
  }
  const oldChild = oldType === DescriptorType.Table ? mem.pageOf(outputAddress(geo, oldLo, oldHi)) : undefined;
  const linkedChild =
    oldChild !== undefined && oldChild.parent === page && oldChild.parentIndex === index ? oldChild : undefined;

  // An entry no CPU can walk: offline construction, only bookkeeping.
  if (!page.reachable && state.walkHoldersOf(page) === 0) {
    store(state, page, index, lo, hi);
    if (linkedChild !== undefined) unlinkSubtree(state, linkedChild, 0, cpu.slot);
    if (target !== undefined) linkSubtree(state, target, page, index);
    return undefined;
  }

  // From here on the store always lands, so that the model keeps following the SUT after a
  // violation; the first violation found is the verdict.
  let first: Violation | undefined;

  // T2: a table becomes reachable only once every store into it is ordered by a DSB.
  if (target !== undefined && page.reachable) {
    const unordered = findUnorderedStore(state, target);
    if (unordered !== undefined) {
      first = failAt(
        state,
        ev,
        'table-linked-before-init',
        `table page 0x${unordered.pa.toString(16)} has stores by ${state.describeCpus(unordered.pendingWriters)} not yet ordered by a DSB`,
        va,
        level,
      );
    }
  }

  const limits = limitsAbove(page);
  const oldLeaf = oldType === DescriptorType.Leaf ? makeLeaf(geo, page, index, va, limits) : undefined;
  const newLeaf = newType === DescriptorType.Leaf ? leafOf(state, page, index, lo, hi, va) : undefined;
  const oldLive = oldType === DescriptorType.Table || oldLeaf?.af === 1;
  const newLive = newType === DescriptorType.Table || newLeaf?.af === 1;
  const obs = state.observers(page);

  if (oldLive && newLive) {
    const verdict = judgeLiveChange(state, page, index, oldLeaf, newLeaf, linkedChild, target, hi, obs);
    if (verdict !== undefined) first ??= failAt(state, ev, verdict.code, verdict.detail, va, level);
  }

  // The old value goes stale for every CPU that may hold it.
  if (oldLeaf !== undefined && oldLeaf.af === 1) {
    const holders = state.holdersOfLive(page, index, oldLeaf.spanVa, oldLeaf.span, true);
    if (holders !== 0) markUnordered(state, retireLeaf(state, oldLeaf, holders), cpu.slot);
  }
  if (linkedChild !== undefined) {
    unlinkSubtree(state, linkedChild, state.holdersOfLive(page, index, va, span, false), cpu.slot);
  }
  store(state, page, index, lo, hi);
  if (target !== undefined) linkSubtree(state, target, page, index);

  // B2: what becomes visible must be compatible with what any walker may still hold.
  if (first === undefined && newLive && obs !== 0) {
    const visible: LeafEntry[] = [];
    if (newLeaf !== undefined) visible.push(newLeaf);
    else if (target !== undefined) collectLeaves(state, target, va, span, limitsBelow(page, hi), visible);
    for (const n of visible) {
      const clash = staleClash(state, n, obs);
      if (clash !== undefined) {
        first = failAt(state, ev, 'bbm-unclean', clash, n.va, n.level);
        break;
      }
    }
  }

  // C1: every contiguous group of a table that becomes walkable.
  if (first === undefined && target !== undefined) {
    const problem = checkGroupsBelow(state, target, (obs & ~noabortMask(state)) === 0);
    if (problem !== undefined) first = failAt(state, ev, 'cont-misprogrammed', problem, va, level);
  }

  // C1/C3: the contiguous group around the entry.
  if ((geo.contEntries[level] ?? 0) > 0 && (oldLeaf?.contiguous === 1 || newLeaf?.contiguous === 1)) {
    const mixAllowed = (obs & ~noabortMask(state)) === 0;
    const group = checkContiguousGroup(geo, page, index, mixAllowed);
    const n = geo.contEntries[level] ?? 1;
    const key = `${page.pa}:${index - (index % n)}`;
    if (group.problem !== undefined) first ??= failAt(state, ev, 'cont-misprogrammed', group.problem, va, level);
    else if (group.mixedPermissions) state.mixedGroups.set(key, { page, start: index - (index % n), writer: cpu.slot });
    else state.mixedGroups.delete(key);
  }
  return first;
}

function failAt(
  state: MachineState,
  ev: WriteEvent,
  code: ViolationCode,
  detail: string,
  va?: number,
  level?: number,
): Violation {
  return violation(
    code,
    state.now,
    {
      cpu: ev.cpu,
      pa: ev.pa,
      ...(va !== undefined && !Number.isNaN(va) ? { va: state.fullVA(va) } : {}),
      ...(level !== undefined ? { level } : {}),
    },
    detail,
  );
}

function store(state: MachineState, page: TablePage, index: number, lo: number, hi: number): void {
  page.lo[index] = lo;
  page.hi[index] = hi;
  page.writtenAt[index] = state.now;
}

function leafOf(state: MachineState, page: TablePage, index: number, lo: number, hi: number, va: number): LeafEntry {
  const oldLo = page.lo[index] ?? 0;
  const oldHi = page.hi[index] ?? 0;
  page.lo[index] = lo;
  page.hi[index] = hi;
  const leaf = makeLeaf(state.geo, page, index, va, limitsAbove(page));
  page.lo[index] = oldLo;
  page.hi[index] = oldHi;
  return leaf;
}

function badLink(
  state: MachineState,
  page: TablePage,
  index: number,
  target: TablePage | undefined,
): string | undefined {
  if (target === undefined) return 'the next-level address is not an allocated table page';
  if (target.level !== page.level + 1) return `it links a level-${target.level} table from level ${page.level}`;
  if (target === state.root) return 'it links the root table';
  if (target.parent !== null && !(target.parent === page && target.parentIndex === index)) {
    return `table page 0x${target.pa.toString(16)} is already linked elsewhere`;
  }
  return undefined;
}

function noabortMask(state: MachineState): number {
  let mask = 0;
  for (const c of state.slots) if (c.noabort) mask |= 1 << c.slot;
  return mask;
}

function collectLeaves(
  state: MachineState,
  table: TablePage,
  va: number,
  span: number,
  limits: ReturnType<typeof limitsBelow>,
  out: LeafEntry[],
): void {
  forEachLeaf(state.geo, state.mem, table, va, va, va + span, limits, { leaf: (e) => out.push(e) });
}

/** A live valid → valid change (RWHZWS, RKFLJB, RPVTFW), judged before the store lands. */
function judgeLiveChange(
  state: MachineState,
  page: TablePage,
  index: number,
  oldLeaf: LeafEntry | undefined,
  newLeaf: LeafEntry | undefined,
  oldChild: TablePage | undefined,
  target: TablePage | undefined,
  newHi: number,
  obs: number,
): { code: ViolationCode; detail: string } | undefined {
  const rule = state.options.splitPermissions;
  const span = state.geo.entrySpan[page.level] ?? 0;
  const va = page.vaBase + index * span;
  if (oldLeaf !== undefined && newLeaf !== undefined && oldLeaf.contiguous === newLeaf.contiguous) {
    const cls = ttdUpdateNeedsBBM(asSingle(oldLeaf), asSingle(newLeaf));
    return cls === undefined
      ? undefined
      : { code: 'bbm-valid-to-valid', detail: `${cls} changed on a live ${describeShape(oldLeaf)}` };
  }
  if (oldLeaf === undefined && newLeaf === undefined) {
    if (oldChild === undefined || target === undefined || oldChild === target) return undefined;
    return {
      code: 'bbm-valid-to-valid',
      detail: `live table descriptor moved from table 0x${oldChild.pa.toString(16)} to 0x${target.pa.toString(16)}`,
    };
  }
  // A size change (block ↔ table) or a Contiguous flip.
  let mismatch: { va: number; what: string } | undefined;
  if (oldLeaf !== undefined && newLeaf !== undefined) {
    const what = contFlipMismatch(oldLeaf, newLeaf, rule);
    mismatch = what === undefined ? undefined : { va, what };
  } else if (oldLeaf !== undefined && target !== undefined) {
    const pieces: LeafEntry[] = [];
    collectLeaves(state, target, va, span, limitsBelow(page, newHi), pieces);
    mismatch = tableSideMismatch(oldLeaf, pieces, rule);
    // An entry still zero was never written: the table is published before its entries (T2).
    if (mismatch !== undefined && unwrittenAt(state, target, va, mismatch.va)) {
      return {
        code: 'table-linked-before-init',
        detail: `the new table's entry for VA ${hexVA(state, mismatch.va)} is still zero: the table replaces a live block before its entries are written`,
      };
    }
  } else if (newLeaf !== undefined && oldChild !== undefined) {
    const pieces: LeafEntry[] = [];
    collectLeaves(state, oldChild, va, span, limitsBelow(page, page.hi[index] ?? 0), pieces);
    mismatch = tableSideMismatch(newLeaf, pieces, rule);
  }
  if (mismatch !== undefined) {
    return { code: 'non-identity-split', detail: `at VA ${hexVA(state, mismatch.va)}: ${mismatch.what}` };
  }
  const blockToTable = oldLeaf !== undefined && newLeaf === undefined;
  let offenders = 0;
  for (const c of state.slots) {
    if ((obs & (1 << c.slot)) === 0 || c.noabort) continue;
    if (blockToTable && c.bbm >= 1 && oldLeaf.nT === 1) continue; // the nT protocol (B4, IXPRKH)
    offenders |= 1 << c.slot;
  }
  if (offenders === 0) return undefined;
  const what =
    oldLeaf !== undefined && newLeaf !== undefined
      ? 'Contiguous bit flipped'
      : oldLeaf !== undefined
        ? 'block replaced by a table'
        : 'table replaced by a block';
  return {
    code: 'size-change-without-bbml2',
    detail: `${what} live while ${state.describeCpus(offenders)} walks the tables`,
  };
}

/**
 * The first stale entry that a CPU able to see `n` holds and that conflicts with it (§5.5):
 * a stale leaf that is not compatible for that CPU, or a stale walk-cache entry (a table pointer
 * at `n`'s level or below it, which lacks noabort holds beside a leaf: IHYQMB's table case), or a
 * leaf still reachable through such a pointer that is not compatible.
 */
function staleClash(state: MachineState, n: LeafEntry, obs: number): string | undefined {
  for (const s of state.stale.overlapping(n.spanVa, n.spanVa + n.span)) {
    const mask = s.holders & obs;
    if (mask === 0) continue;
    if (s.kind === 'walk') {
      const clash = walkClash(state, s, n, mask);
      if (clash !== undefined) return clash;
      continue;
    }
    if (s.leaf === undefined) continue;
    for (const c of state.slots) {
      if ((mask & (1 << c.slot)) === 0) continue;
      const why = conflictFor(s.leaf, n, c);
      if (why !== undefined) {
        return `cpu${c.id} may still hold the old ${describeShape(s.leaf)} at PA 0x${s.origin.toString(16)} (${why}): no completed TLBI since it was replaced`;
      }
    }
  }
  return undefined;
}

/** A stale table pointer against a new leaf: see `staleClash`. */
function walkClash(state: MachineState, s: StaleEntry, n: LeafEntry, mask: number): string | undefined {
  for (const c of state.slots) {
    if ((mask & (1 << c.slot)) === 0 || c.noabort || n.level > s.level) continue;
    return `cpu${c.id} may still hold the walk-cache entry of the old level-${s.level} table descriptor at PA 0x${s.origin.toString(16)} beside the new ${describeShape(n)}: no completed non-last-level TLBI since it was replaced`;
  }
  const table = state.mem.pageOf(s.tablePa);
  if (table === undefined || table.pa !== s.tablePa) return undefined;
  const from = Math.max(s.spanVa, n.spanVa);
  const to = Math.min(s.spanVa + s.span, n.spanVa + n.span);
  let clash: string | undefined;
  forEachLeaf(state.geo, state.mem, table, s.spanVa, from, to, limitsAbove(table), {
    leaf: (old) => {
      if (clash !== undefined || old.af !== 1) return;
      for (const c of state.slots) {
        if ((mask & (1 << c.slot)) === 0) continue;
        const why = conflictFor(old, n, c);
        if (why !== undefined) {
          clash = `cpu${c.id} may still walk the old table 0x${table.pa.toString(16)} through a stale walk-cache entry and find the ${describeShape(old)} at PA 0x${old.pa.toString(16)} (${why})`;
          return;
        }
      }
    },
  });
  return clash;
}

/** The first misprogrammed contiguous group in a subtree, described. */
function checkGroupsBelow(state: MachineState, table: TablePage, mixAllowed: boolean): string | undefined {
  const n = state.geo.contEntries[table.level] ?? 0;
  for (let start = 0; n > 0 && start < table.lo.length; start += n) {
    let any = false;
    for (let i = start; i < start + n && !any; i++)
      any = contiguousBit(table.hi[i] ?? 0) === 1 && ((table.lo[i] ?? 0) & 1) === 1;
    if (!any) continue;
    const group = checkContiguousGroup(state.geo, table, start, mixAllowed);
    if (group.problem !== undefined)
      return `table 0x${table.pa.toString(16)}, group at entry ${start}: ${group.problem}`;
  }
  let found: string | undefined;
  forEachChildTable(state, table, (child) => {
    found ??= checkGroupsBelow(state, child, mixAllowed);
  });
  return found;
}

/** Whether the entry that would map `va` under `table` (mapping from `tableVa`) is still zero. */
function unwrittenAt(state: MachineState, table: TablePage, tableVa: number, va: number): boolean {
  let page: TablePage | undefined = table;
  let base = tableVa;
  while (page !== undefined) {
    const span = state.geo.entrySpan[page.level] ?? 1;
    const i = Math.floor((va - base) / span);
    const lo = page.lo[i] ?? 0;
    const hi = page.hi[i] ?? 0;
    if (lo === 0 && hi === 0) return true;
    if (decodeDescriptorType(state.geo, lo, page.level) !== DescriptorType.Table) return false;
    page = state.mem.pageOf(outputAddress(state.geo, lo, hi));
    base += i * span;
  }
  return false;
}

/** The entry alone, without its contiguous span: compares two values of one descriptor field by field. */
function asSingle(e: LeafEntry): LeafEntry {
  return { ...e, spanVa: e.va, span: e.size, spanOa: e.oa };
}

function hexVA(state: MachineState, va: number): string {
  return '0x' + state.fullVA(va).toString(16);
}
