/**
 * `stepWrite`: one 64-bit store to a table entry, judged against the BBM rules. The checks run in
 * the order documented in model/trace/README.md; the first one that fails is the verdict.
 *
 * @see Arm ARM DDI 0487 M.b D8.17 "Using break-before-make when updating translation table entries"
 * Layer: model/machine.
 */
import { splitDescriptor, DescriptorType, decodeDescriptorType, outputAddress } from '../arch/descriptor.ts';
import type { TablePage } from '../arch/memory.ts';
import type { LeafEntry } from '../arch/walk.ts';
import { limitsAbove, makeLeaf, tlbForms } from '../arch/walk.ts';
import { checkContiguousGroup } from '../bbm/contiguous.ts';
import type { Violation, ViolationCode } from '../bbm/violations.ts';
import { violation } from '../bbm/violations.ts';
import type { WriteEvent } from '../events.ts';
import type { MachineState } from './state.ts';
import { findUnorderedStore, linkSubtree, retireLeaf, unlinkSubtree } from './subtree.ts';
import { judgeLiveChange, noabortMask } from './writeChecks.ts';
import { collectFillable, danglingBelow, staleClash } from './fillable.ts';
import { checkGroupsBelow, noteGroup } from './groups.ts';
import { recordStore } from './visibility.ts';
import { supersedeStale } from './supersede.ts';

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
  if (page.pendingBy[index] === 0) page.pendingCount++;
  page.pendingBy[index] = cpu.slot + 1;
  cpu.dirtyEntries.push({ page, index });
  supersedeStale(state, cpu, page, index, lo, hi);
  if (oldLo === lo && oldHi === hi) {
    // A store of the same value still moves the entry's views on (S1, SEMANTICS.md §1): once it is
    // visible, a walker no longer reads the older values that stores still in flight left behind.
    if (state.storeLog.has(pa))
      recordStore(state, cpu, pa, [oldLo, oldHi], [lo, hi], page.reachable || state.observers(page) !== 0);
    // A zero stored over the allocation's zero is a write all the same (W5 tells "never written",
    // T2, from a stored invalid entry, B5: found/026). Only zero entries are never written, and
    // writtenAt is read for live entries only, so no other judgement sees this.
    if (page.writtenAt[index] === 0) page.writtenAt[index] = state.now;
    return undefined;
  }

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

  // W3: the running CPUs that may walk this entry (through the tables or a walk-cache entry).
  const obs = state.observers(page);
  // S1: what a walker may still read here. A store into a table nobody can walk yet is seen by
  // any walker that follows the (later, ordered) link to it: it counts once visible (found/031).
  recordStore(state, cpu, pa, [oldLo, oldHi], [lo, hi], page.reachable || obs !== 0);
  const limits = limitsAbove(page);
  const oldLeaf = oldType === DescriptorType.Leaf ? makeLeaf(geo, page, index, va, limits) : undefined;
  const newLeaf = newType === DescriptorType.Leaf ? leafOf(state, page, index, lo, hi, va) : undefined;
  const oldLive = oldType === DescriptorType.Table || oldLeaf?.af === 1;
  const newLive = newType === DescriptorType.Table || newLeaf?.af === 1;

  // From here on the store always lands, so that the model keeps following the SUT after a
  // violation; the first violation found is the verdict.
  let first: Violation | undefined;

  // W2 (family 8): the subtree a link makes walkable may hold no dangling or doubled link.
  if (target !== undefined && obs !== 0) {
    const problem = danglingBelow(state, target);
    if (problem !== undefined) first = failAt(state, ev, 'bad-table-link', problem, va, level);
  }

  // W4 (T2): a table becomes walkable only once every store into it is visible to every CPU.
  if (first === undefined && target !== undefined && obs !== 0) {
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

  // W5: a live valid → valid change.
  if (first === undefined && oldLive && newLive && obs !== 0) {
    const verdict = judgeLiveChange(state, page, index, oldLeaf, newLeaf, linkedChild, target, hi, obs);
    if (verdict !== undefined) first = failAt(state, ev, verdict.code, verdict.detail, va, level);
  }

  // The old value goes stale for every CPU that may hold it, and for any CPU that may still see it
  // (the store is not visible to other walkers before its writer's DSB, SEMANTICS.md §1): one that
  // can walk the entry from the root, or through a walk-cache entry it holds — a parked CPU too,
  // which may fill the old value once it resumes (found/033).
  const seen = page.reachable || state.walkHoldersOf(page) !== 0;
  if (oldLeaf !== undefined && oldLeaf.af === 1) {
    const holders = state.holdersOfLive(page, index, oldLeaf.spanVa, oldLeaf.span, true);
    if (holders !== 0 || seen) retireLeaf(state, oldLeaf, holders, cpu.slot);
  }
  if (linkedChild !== undefined) {
    unlinkSubtree(state, linkedChild, state.holdersOfLive(page, index, va, span, false), cpu.slot, seen);
  }
  store(state, page, index, lo, hi);
  if (target !== undefined) linkSubtree(state, target, page, index);

  // W6 (B2): what becomes fillable must not conflict with what an observer may still hold.
  if (first === undefined && newLive && obs !== 0) {
    const fillable =
      newLeaf !== undefined
        ? { leaves: tlbForms(newLeaf), walks: [] }
        : target !== undefined
          ? collectFillable(state, page, index, target, hi)
          : undefined;
    const clash = fillable === undefined ? undefined : staleClash(state, fillable, obs);
    if (clash !== undefined) first = failAt(state, ev, 'bbm-unclean', clash.detail, clash.va, clash.level);
  }

  // W7 (C1): every contiguous group of a table that becomes walkable, then the group of the entry.
  const mixAllowed = (obs & ~noabortMask(state)) === 0;
  if (target !== undefined && obs !== 0) {
    const problem = checkGroupsBelow(state, target, mixAllowed, cpu.slot);
    if (problem !== undefined) first ??= failAt(state, ev, 'cont-misprogrammed', problem, va, level);
  }
  const n = page.groupEntries;
  // A group without a Contiguous leaf constrains nothing (and cannot be registered).
  if (n > 0 && ((page.groups.cont[Math.floor(index / n)] ?? 0) > 0 || state.isRegistered(page, index - (index % n)))) {
    const group = checkContiguousGroup(geo, page, index, mixAllowed);
    noteGroup(state, page, index, group, cpu.slot);
    if (group.problem !== undefined && obs !== 0)
      first ??= failAt(state, ev, 'cont-misprogrammed', group.problem, va, level);
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
  page.set(index, lo, hi);
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
