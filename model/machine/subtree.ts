/**
 * Operations on a table and everything below it: linking it under a parent entry (VA, reachability),
 * unlinking it (its walk-cache and leaf entries go stale for their holders), and the checks that
 * look at a whole subtree (pending stores for T2).
 *
 * Layer: model/machine.
 */
import { DescriptorType, decodeDescriptorType, outputAddress, tableLimits } from '../arch/descriptor.ts';
import type { TablePage } from '../arch/memory.ts';
import type { LeafEntry, Limits } from '../arch/walk.ts';
import { forEachLeaf, limitsAbove, tlbForms } from '../arch/walk.ts';
import type { StaleEntry } from '../tlb/staleEntry.ts';
import type { MachineState } from './state.ts';

/**
 * Calls `visit` for each table page directly linked from `page`.
 * @param state - the machine
 * @param page - a table page
 * @param visit - callback with the child and the entry index
 */
export function forEachChildTable(
  state: MachineState,
  page: TablePage,
  visit: (child: TablePage, index: number) => void,
): void {
  if (page.level >= 3) return;
  const { geo, mem } = state;
  for (let i = 0; i < page.lo.length; i++) {
    const lo = page.lo[i] ?? 0;
    if (decodeDescriptorType(geo, lo, page.level) !== DescriptorType.Table) continue;
    const child = mem.pageOf(outputAddress(geo, lo, page.hi[i] ?? 0));
    if (child !== undefined && child.parent === page && child.parentIndex === i) visit(child, i);
  }
}

/**
 * The first page in a subtree holding a store not yet ordered by a DSB (T2).
 * @param state - the machine
 * @param page - the subtree's root
 * @returns the page, or undefined
 */
export function findUnorderedStore(state: MachineState, page: TablePage): TablePage | undefined {
  if (page.pendingWriters !== 0) return page;
  let found: TablePage | undefined;
  forEachChildTable(state, page, (child) => {
    found ??= findUnorderedStore(state, child);
  });
  return found;
}

/**
 * Links `child` under `parent[index]`: sets its VA and, when the parent is reachable, makes the
 * subtree reachable as of now.
 * @param state - the machine
 * @param child - the table being linked
 * @param parent - the table holding the new table descriptor
 * @param index - the entry index
 */
export function linkSubtree(state: MachineState, child: TablePage, parent: TablePage, index: number): void {
  child.parent = parent;
  child.parentIndex = index;
  placeSubtree(state, child, parent.vaBase + index * (state.geo.entrySpan[parent.level] ?? 0), parent.reachable);
}

function placeSubtree(state: MachineState, page: TablePage, vaBase: number, reachable: boolean): void {
  page.vaBase = vaBase;
  if (reachable && !page.reachable) page.reachableSince = state.now;
  page.reachable = reachable;
  const span = state.geo.entrySpan[page.level] ?? 0;
  forEachChildTable(state, page, (c, i) => placeSubtree(state, c, vaBase + i * span, reachable));
}

/**
 * Unlinks `child` from its parent entry. Every CPU in `holders` may keep a walk-cache entry for it
 * and for each table below it, and a leaf entry for each cacheable leaf below it: all go stale.
 * @param state - the machine
 * @param child - the table being unlinked
 * @param holders - CPUs that may hold its entries
 * @param writer - slot of the CPU whose store unlinks it
 * @param seen - whether the old link was reachable, so that CPUs may still see it until the
 *   writer's DSB (SEMANTICS.md §1) even when nobody holds it now
 * @returns the stale entries created
 */
export function unlinkSubtree(
  state: MachineState,
  child: TablePage,
  holders: number,
  writer: number,
  seen = false,
): StaleEntry[] {
  const created: StaleEntry[] = [];
  const parent = child.parent;
  if ((holders !== 0 || seen) && parent !== null) {
    const limits = limitsAbove(child);
    const span = state.geo.entrySpan[parent.level] ?? 0;
    created.push(
      retireWalk(state, child, child.vaBase, span, parent.level, parent.pa + 8 * child.parentIndex, holders, writer),
    );
    // A parked CPU holds an entry below the unlinked link only if it parked after that entry was
    // live (it fills nothing while parked, not even through the walk-cache entry it keeps): the
    // running holders hold the whole subtree, the parked ones entry by entry (SEMANTICS.md §1).
    const parked = holders & state.parkedMask();
    const below = (page: TablePage, index: number, spanVa: number, entrySpan: number, leaf: boolean): number =>
      parked === 0
        ? holders
        : (holders & ~parked) | state.parkedHoldersBelow(parked, child, page, index, spanVa, entrySpan, leaf);
    forEachLeaf(state.geo, state.mem, child, child.vaBase, child.vaBase, child.vaBase + span, limits, {
      leaf: (e) => {
        if (e.af !== 1) return;
        const page = state.mem.pageOf(e.pa);
        const h = page === undefined ? holders : below(page, (e.pa - page.pa) / 8, e.spanVa, e.span, true);
        created.push(...retireLeaf(state, e, h, writer, true));
      },
      table: (page, va) => {
        if (page === child || page.parent === null) return;
        const s = state.geo.entrySpan[page.parent.level] ?? 0;
        created.push(
          retireWalk(
            state,
            page,
            va,
            s,
            page.parent.level,
            page.parent.pa + 8 * page.parentIndex,
            below(page.parent, page.parentIndex, va, s, false),
            writer,
            true,
          ),
        );
      },
    });
  }
  child.parent = null;
  child.parentIndex = -1;
  placeSubtree(state, child, child.vaBase, false);
  return created;
}

/**
 * Records the TLB entries of a leaf (both forms of a Contiguous one, `tlbForms`) as stale for
 * `holders`, broken by a store of `writer` that no DSB has ordered yet.
 * @param state - the machine
 * @param leaf - the entry
 * @param holders - CPUs that may hold it
 * @param writer - slot of the CPU whose store made it stale
 * @param byPath - whether that store is above the leaf (an unlink), not to its own descriptor
 * @returns the stale entries
 */
export function retireLeaf(
  state: MachineState,
  leaf: LeafEntry,
  holders: number,
  writer: number,
  byPath = false,
): StaleEntry[] {
  return tlbForms(leaf).map((form) => {
    const entry: StaleEntry = {
      kind: 'leaf',
      spanVa: form.spanVa,
      span: form.span,
      level: form.level,
      origin: form.pa,
      leaf: form,
      tablePa: -1,
      writer,
      createdAt: state.now,
      holders,
      visibleAt: Number.POSITIVE_INFINITY,
      visibleLocallyAt: Number.POSITIVE_INFINITY,
      byPath,
      ownVisibleAt: Number.POSITIVE_INFINITY,
      ownVisibleLocallyAt: Number.POSITIVE_INFINITY,
      pathCutAt: Number.POSITIVE_INFINITY,
    };
    state.stale.add(entry);
    markUnordered(state, entry, writer);
    return entry;
  });
}

function retireWalk(
  state: MachineState,
  table: TablePage,
  va: number,
  span: number,
  level: number,
  origin: number,
  holders: number,
  writer: number,
  byPath = false,
): StaleEntry {
  const entry: StaleEntry = {
    kind: 'walk',
    spanVa: va,
    span,
    level,
    origin,
    leaf: undefined,
    tablePa: table.pa,
    writer,
    createdAt: state.now,
    holders,
    visibleAt: Number.POSITIVE_INFINITY,
    visibleLocallyAt: Number.POSITIVE_INFINITY,
    byPath,
    ownVisibleAt: Number.POSITIVE_INFINITY,
    ownVisibleLocallyAt: Number.POSITIVE_INFINITY,
    pathCutAt: Number.POSITIVE_INFINITY,
  };
  state.stale.add(entry);
  table.walkHolders |= holders;
  markUnordered(state, entry, writer);
  return entry;
}

/**
 * Notes that a stale entry's breaking store is not yet ordered by its writer's DSB.
 * @param state - the machine
 * @param entry - the stale entry
 * @param writer - slot of the writing CPU
 */
export function markUnordered(state: MachineState, entry: StaleEntry, writer: number): void {
  state.slots[writer]?.unorderedBreaks.push(entry);
}

/**
 * The limits that apply below a table descriptor written into `page`.
 * @param page - the page holding the descriptor
 * @param hi - bits[63:32] of the descriptor
 * @returns the limits for the linked table's entries
 */
export function limitsBelow(page: TablePage, hi: number): Limits {
  const above = limitsAbove(page);
  const own = tableLimits(hi);
  return { set: above.set | own.set, clear: above.clear | own.clear };
}
