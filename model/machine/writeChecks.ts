/**
 * The checks a store is judged by once it lands on a walkable entry: the live-change rules
 * (RWHZWS, RKFLJB, RPVTFW), stale-entry conflicts (RDDMVT, IHYQMB) and contiguous groups below a
 * newly linked table (RNGLXZ). `stepWrite` calls them in the documented order.
 *
 * Layer: model/machine.
 */
import { DescriptorType, decodeDescriptorType, outputAddress } from '../arch/descriptor.ts';
import type { TablePage } from '../arch/memory.ts';
import type { LeafEntry } from '../arch/walk.ts';
import { forEachLeaf } from '../arch/walk.ts';
import { ttdUpdateNeedsBBM, describeShape } from '../bbm/change.ts';
import { contFlipMismatch, tableSideMismatch } from '../bbm/identity.ts';
import type { ViolationCode } from '../bbm/violations.ts';
import type { MachineState } from './state.ts';
import { limitsBelow } from './subtree.ts';

/** Mask of the CPU slots with BBML2 noabort. */
export function noabortMask(state: MachineState): number {
  let mask = 0;
  for (const c of state.slots) if (c.noabort) mask |= 1 << c.slot;
  return mask;
}

/** Appends every leaf under `table` (mapping `[va, va + span)`) to `out`, in VA order. */
export function collectLeaves(
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
export function judgeLiveChange(
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
    // An entry never written since its page was allocated, in the new table or a table below it:
    // the subtree is published before its entries (T2), not a split that maps less (found/025).
    if (mismatch !== undefined && unwrittenAt(state, target, va, mismatch.va)) {
      return {
        code: 'table-linked-before-init',
        detail: `the new table's entry for VA ${hexVA(state, mismatch.va)} was never written: the table replaces a live block before its entries are written`,
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
 * Whether the entry that would map `va` under `table` (mapping from `tableVa`), or under a table it
 * links, was never written since its page was allocated (SEMANTICS.md §5 W5: T2, not B5). A zero
 * that was stored is an invalid entry, judged as a translation difference.
 */
function unwrittenAt(state: MachineState, table: TablePage, tableVa: number, va: number): boolean {
  let page: TablePage | undefined = table;
  let base = tableVa;
  while (page !== undefined) {
    const span = state.geo.entrySpan[page.level] ?? 1;
    const i = Math.floor((va - base) / span);
    const lo = page.lo[i] ?? 0;
    const hi = page.hi[i] ?? 0;
    if (lo === 0 && hi === 0) return (page.writtenAt[i] ?? 0) === 0;
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
