/**
 * What a store makes fillable, and whether it conflicts with what an observer may still hold
 * (SEMANTICS.md W2, W6): the new leaf's TLB entries, or the walk-cache entries and leaves of a
 * subtree that a table descriptor links; checked against the stale leaf and walk-cache entries of
 * every CPU that may walk the entry.
 *
 * @see Arm ARM DDI 0487 M.b D8.16 RRVJDB (walk caches are TLB entries), IHYQMB; D8.17 RDDMVT
 * Layer: model/machine.
 */
import { DescriptorType, decodeDescriptorType, outputAddress } from '../arch/descriptor.ts';
import type { TablePage } from '../arch/memory.ts';
import type { LeafEntry } from '../arch/walk.ts';
import { forEachLeaf, limitsAbove, tlbForms } from '../arch/walk.ts';
import { SHAPE_ONLY, describeShape, pairConflict, shapeConflictFor } from '../bbm/change.ts';
import type { StaleEntry } from '../tlb/staleEntry.ts';
import type { CpuState } from './cpu.ts';
import type { MachineState } from './state.ts';
import { limitsBelow } from './subtree.ts';

/** A walk-cache entry a walk may produce: a table descriptor of `level` over a span, linking a page. */
export interface WalkForm {
  readonly level: number;
  readonly spanVa: number;
  readonly span: number;
  readonly tablePa: number;
}

/** The TLB entries a store makes fillable. */
export interface Fillable {
  readonly leaves: readonly LeafEntry[];
  readonly walks: readonly WalkForm[];
}

/**
 * The walk-cache entries and leaf entries that linking `target` at `page[index]` makes fillable.
 * @param state - the machine
 * @param page - the table holding the new table descriptor
 * @param index - its entry
 * @param target - the linked table
 * @param hi - bits[63:32] of the new descriptor (hierarchical limits)
 * @returns the fillable entries
 */
export function collectFillable(
  state: MachineState,
  page: TablePage,
  index: number,
  target: TablePage,
  hi: number,
): Fillable {
  const span = state.geo.entrySpan[page.level] ?? 0;
  const va = page.vaBase + index * span;
  const leaves: LeafEntry[] = [];
  const walks: WalkForm[] = [{ level: page.level, spanVa: va, span, tablePa: target.pa }];
  forEachLeaf(state.geo, state.mem, target, va, va, va + span, limitsBelow(page, hi), {
    leaf: (e) => {
      if (e.af === 1) leaves.push(...tlbForms(e));
    },
    table: (p, pva) => {
      if (p === target) return;
      const level = p.level - 1;
      walks.push({ level, spanVa: pva, span: state.geo.entrySpan[level] ?? 0, tablePa: p.pa });
    },
  });
  return { leaves, walks };
}

/** A conflict found: the detail and where. */
export interface Clash {
  readonly detail: string;
  readonly va: number;
  readonly level: number;
}

function eachCpu(state: MachineState, mask: number, visit: (c: CpuState) => string | undefined): string | undefined {
  for (const c of state.slots) {
    if ((mask & (1 << c.slot)) === 0) continue;
    const why = visit(c);
    if (why !== undefined) return why;
  }
  return undefined;
}

/**
 * The first stale entry an observer holds that conflicts, for it, with something fillable (§4).
 * @param state - the machine
 * @param fillable - what the store makes fillable
 * @param obs - the observers
 * @returns the clash, or undefined
 */
export function staleClash(state: MachineState, fillable: Fillable, obs: number): Clash | undefined {
  if (state.stale.size === 0) return undefined;
  let fresh: Set<number> | undefined;
  for (const n of fillable.leaves) {
    const why = state.stale.findOverlapping(n.spanVa, n.spanVa + n.span, (s) => {
      const mask = s.holders & obs;
      if (mask === 0) return undefined;
      if (s.kind === 'leaf') return leafBesideLeaf(state, s, n, mask);
      fresh ??= new Set(fillable.leaves.map((l) => l.pa));
      return walkBesideLeaf(state, s, n, mask, fresh);
    });
    if (why !== undefined) return { detail: why, va: n.va, level: n.level };
  }
  for (const w of fillable.walks) {
    const why = state.stale.findOverlapping(w.spanVa, w.spanVa + w.span, (s) => {
      const mask = s.holders & obs;
      if (mask === 0) return undefined;
      return eachCpu(state, mask, (c) => {
        if (c.noabort) return undefined;
        if (s.kind === 'walk' && s.level === w.level && s.tablePa !== w.tablePa)
          return `cpu${c.id} may still hold the walk-cache entry of the old level-${s.level} table descriptor at PA 0x${s.origin.toString(16)} (table 0x${s.tablePa.toString(16)}) beside the new one linking table 0x${w.tablePa.toString(16)}: no completed non-last-level TLBI since it was replaced (T4)`;
        if (s.kind === 'leaf' && s.level <= w.level && s.leaf !== undefined && !(c.bbm >= 1 && s.leaf.nT === 1))
          return `cpu${c.id} may still hold the old ${describeShape(s.leaf)} at PA 0x${s.origin.toString(16)} beside the walk-cache entry of the new level-${w.level} table descriptor: no completed TLBI since it was replaced`;
        return undefined;
      });
    });
    if (why !== undefined) return { detail: why, va: w.spanVa, level: w.level };
  }
  return undefined;
}

/**
 * The first CPU of `mask`, in slot order, that may not hold `older` beside `newer`, and why
 * (`conflictFor`, with the part that does not depend on the CPU judged once for all of them).
 * @param state - the machine
 * @param mask - the holders
 * @param older - the cached entry
 * @param newer - the entry now fillable
 * @returns the CPU and the reason, or undefined
 */
function firstConflict(
  state: MachineState,
  mask: number,
  older: LeafEntry,
  newer: LeafEntry,
): { readonly cpu: CpuState; readonly why: string } | undefined {
  const pair = pairConflict(older, newer);
  if (pair === undefined) return undefined;
  for (const c of state.slots) {
    if ((mask & (1 << c.slot)) === 0) continue;
    const why = pair === SHAPE_ONLY ? shapeConflictFor(older, newer, c) : pair;
    if (why !== undefined) return { cpu: c, why };
  }
  return undefined;
}

function leafBesideLeaf(state: MachineState, s: StaleEntry, n: LeafEntry, mask: number): string | undefined {
  const old = s.leaf;
  if (old === undefined) return undefined;
  const c = firstConflict(state, mask, old, n);
  return c === undefined
    ? undefined
    : `cpu${c.cpu.id} may still hold the old ${describeShape(old)} at PA 0x${s.origin.toString(16)} (${c.why}): no completed TLBI since it was replaced`;
}

/**
 * A stale table pointer against a new leaf: the pointer itself (no noabort), or what it leads to.
 * What it leads to that the store itself makes fillable (`fresh`: the written entry, the entries
 * of the subtree it links) is current, not held from before: a clash between those is the
 * group's (W7), never B2 (found/027, found/028).
 */
function walkBesideLeaf(
  state: MachineState,
  s: StaleEntry,
  n: LeafEntry,
  mask: number,
  fresh: ReadonlySet<number>,
): string | undefined {
  const direct = eachCpu(state, mask, (c) =>
    c.noabort || n.level > s.level || (c.bbm >= 1 && n.nT === 1)
      ? undefined
      : `cpu${c.id} may still hold the walk-cache entry of the old level-${s.level} table descriptor at PA 0x${s.origin.toString(16)} beside the new ${describeShape(n)}: no completed non-last-level TLBI since it was replaced`,
  );
  if (direct !== undefined) return direct;
  const table = state.mem.pageOf(s.tablePa);
  if (table === undefined || table.pa !== s.tablePa) return undefined;
  const from = Math.max(s.spanVa, n.spanVa);
  const to = Math.min(s.spanVa + s.span, n.spanVa + n.span);
  let clash: string | undefined;
  forEachLeaf(state.geo, state.mem, table, s.spanVa, from, to, limitsAbove(table), {
    leaf: (e) => {
      if (clash !== undefined || e.af !== 1 || fresh.has(e.pa)) return;
      for (const old of tlbForms(e)) {
        if (clash !== undefined) break;
        const c = firstConflict(state, mask, old, n);
        if (c !== undefined)
          clash = `cpu${c.cpu.id} may still walk the old table 0x${table.pa.toString(16)} through a stale walk-cache entry and find the ${describeShape(old)} at PA 0x${old.pa.toString(16)} (${c.why})`;
      }
    },
  });
  return clash;
}

/**
 * The first dangling or doubled link in a subtree about to become walkable (family 8): a table
 * descriptor whose page was freed (or freed and allocated again) after it was written, of the
 * wrong level, or linked from another entry too.
 * @param state - the machine
 * @param table - the subtree's root
 * @returns the problem, described, or undefined
 */
export function danglingBelow(state: MachineState, table: TablePage): string | undefined {
  if (table.level >= 3) return undefined;
  const { geo, mem } = state;
  for (let i = 0; i < table.lo.length; i++) {
    const lo = table.lo[i] ?? 0;
    if (decodeDescriptorType(geo, lo, table.level) !== DescriptorType.Table) continue;
    const pa = outputAddress(geo, lo, table.hi[i] ?? 0);
    const child = mem.pageOf(pa);
    const where = `entry ${i} of table 0x${table.pa.toString(16)} links 0x${pa.toString(16)}`;
    if (child === undefined || child.pa !== pa)
      return `${where}, which is no longer a table page (freed since it was linked)`;
    if (child.allocatedAt > (table.writtenAt[i] ?? 0))
      return `${where}, which was freed and allocated again after the link was written`;
    if (child.level !== table.level + 1) return `${where}, a level-${child.level} table`;
    if (child.parent !== table || child.parentIndex !== i)
      return `${where}, which is linked from another entry too (PA 0x${((child.parent?.pa ?? 0) + 8 * child.parentIndex).toString(16)})`;
    const below = danglingBelow(state, child);
    if (below !== undefined) return below;
  }
  return undefined;
}
