/**
 * The stage-1 translation walk over TTBR1 tables and the leaf records it yields: a single-VA walk
 * (`AArch64_S1Walk` in spirit) and range enumeration, whose cost grows with the entries visited,
 * never with the size of the VA range.
 *
 * @see Arm ARM DDI 0487 M.b D8.2 "Translation table walk"; Sail `AArch64_S1Walk`, `StageOA`
 * Layer: model/arch.
 */
import {
  DescriptorType,
  BIT,
  contiguousBit,
  decodeDescriptorType,
  leafPermissions,
  memoryKey,
  outputAddress,
  tableLimits,
} from './descriptor.ts';
import type { Geometry } from './geometry.ts';
import { PAGE_LEVEL, alignDown } from './geometry.ts';
import type { TableMemory, TablePage } from './memory.ts';

/** A leaf entry as a TLB could hold it (`TLBRecord` in spirit). */
export interface LeafEntry {
  /** PA of the descriptor. */
  readonly pa: number;
  readonly level: number;
  /** VA[47:0] of the first byte the entry maps, and its size. */
  readonly va: number;
  readonly size: number;
  /** The TLB span: the whole group for a Contiguous entry (`ContiguousSize`), else the entry. */
  readonly spanVa: number;
  readonly span: number;
  /** OA of `spanVa` as this descriptor translates it: OA bits above the span, VA bits below (`StageOA`). */
  readonly spanOa: number;
  /** The descriptor's own OA field (aligned to `size`). */
  readonly oa: number;
  /** Memory type class, SH, NS packed (`memoryKey`). */
  readonly memKey: number;
  /** AttrIndx[2:0] exactly (a live size change and a contiguous group need it unchanged, B5/C1). */
  readonly attrIndx: number;
  /** The nG bit. */
  readonly nG: number;
  /** Effective permissions, hierarchical table limits applied (`PERM` packing). */
  readonly perms: number;
  readonly af: number;
  /** The Contiguous bit, where the level defines one (`AArch64_ContiguousBit`), else 0. */
  readonly contiguous: number;
  /** nT (bit 16) of a block descriptor; 0 for a page, where bit 16 is an OA bit (IPJZBK). */
  readonly nT: number;
  readonly lo: number;
  readonly hi: number;
}

/** Hierarchical permission limits accumulated from the table descriptors above a page. */
export interface Limits {
  readonly set: number;
  readonly clear: number;
}

/** No hierarchical limits. */
export const NO_LIMITS: Limits = { set: 0, clear: 0 };

/**
 * Builds the leaf record of one descriptor.
 * @param geo - granule geometry
 * @param page - the table page holding it
 * @param index - entry index
 * @param va - VA[47:0] translated by the entry
 * @param limits - hierarchical limits from the tables above
 * @returns the leaf record
 */
export function makeLeaf(geo: Geometry, page: TablePage, index: number, va: number, limits: Limits): LeafEntry {
  const lo = page.lo[index] ?? 0;
  const hi = page.hi[index] ?? 0;
  const level = page.level;
  const size = geo.entrySpan[level] ?? 0;
  const groupEntries = geo.contEntries[level] ?? 0;
  const contiguous = groupEntries > 0 ? contiguousBit(hi) : 0;
  const span = contiguous === 1 ? size * groupEntries : size;
  const spanVa = alignDown(va, span);
  const oa = alignDown(outputAddress(geo, lo, hi), size);
  const spanOa = alignDown(oa, span);
  return {
    pa: page.pa + 8 * index,
    level,
    va,
    size,
    spanVa,
    span,
    spanOa,
    oa,
    memKey: memoryKey(lo),
    attrIndx: (lo >>> BIT.AttrIndx) & 7,
    nG: (lo >>> BIT.nG) & 1,
    perms: (leafPermissions(lo, hi) | limits.set) & ~limits.clear,
    af: (lo >>> BIT.AF) & 1,
    contiguous,
    nT: level < PAGE_LEVEL ? (lo >>> BIT.nT) & 1 : 0,
    lo,
    hi,
  };
}

/**
 * The TLB entries one leaf descriptor may produce (SEMANTICS.md §2): itself; and, for a
 * Contiguous descriptor, both the span entry over its group (StageOA) and the individual entry
 * over its own span, because the Contiguous bit is only a hint and a TLB may cache either.
 * @param leaf - the leaf record (its span is the group's when Contiguous)
 * @returns one or two entries
 */
export function tlbForms(leaf: LeafEntry): LeafEntry[] {
  if (leaf.contiguous !== 1 || leaf.span === leaf.size) return [leaf];
  return [leaf, { ...leaf, spanVa: leaf.va, span: leaf.size, spanOa: leaf.oa }];
}

/**
 * The limits in force for entries of `page`, from its chain of parent table descriptors.
 * @param page - a table page
 * @returns the accumulated limits
 */
export function limitsAbove(page: TablePage): Limits {
  let set = 0;
  let clear = 0;
  for (let p = page; p.parent !== null; p = p.parent) {
    const l = tableLimits(p.parent.hi[p.parentIndex] ?? 0);
    set |= l.set;
    clear |= l.clear;
  }
  return { set, clear };
}

/** What range enumeration reports besides leaves. */
export interface LeafVisitor {
  leaf(entry: LeafEntry): void;
  /** A table descriptor whose next-level address is not a table page of the next level. */
  badTable?(page: TablePage, index: number): void;
  /** A table page entered (before its entries). */
  table?(page: TablePage, va: number, limits: Limits): void;
}

/**
 * Visits every leaf reachable from `page` whose span overlaps [from, to), depth first, in VA order.
 * @param geo - granule geometry
 * @param mem - table memory
 * @param page - the table to start from
 * @param pageVa - VA[47:0] translated by entry 0 of `page`
 * @param from - first VA of the range
 * @param to - end of the range (exclusive)
 * @param limits - limits in force for `page`'s entries
 * @param visit - callbacks
 */
export function forEachLeaf(
  geo: Geometry,
  mem: TableMemory,
  page: TablePage,
  pageVa: number,
  from: number,
  to: number,
  limits: Limits,
  visit: LeafVisitor,
): void {
  visit.table?.(page, pageVa, limits);
  const span = geo.entrySpan[page.level] ?? 0;
  const count = page.level === geo.startLevel ? (geo.entriesAtLevel[page.level] ?? 0) : geo.entriesPerTable;
  const first = Math.max(0, Math.floor((from - pageVa) / span));
  const last = Math.min(count - 1, Math.ceil((to - pageVa) / span) - 1);
  for (let i = first; i <= last; i++) {
    const lo = page.lo[i] ?? 0;
    const type = decodeDescriptorType(geo, lo, page.level);
    const va = pageVa + i * span;
    if (type === DescriptorType.Leaf) {
      visit.leaf(makeLeaf(geo, page, i, va, limits));
    } else if (type === DescriptorType.Table) {
      const hi = page.hi[i] ?? 0;
      const child = mem.pageOf(outputAddress(geo, lo, hi));
      if (child === undefined || child.level !== page.level + 1) {
        visit.badTable?.(page, i);
        continue;
      }
      const l = tableLimits(hi);
      const inner = { set: limits.set | l.set, clear: limits.clear | l.clear };
      forEachLeaf(geo, mem, child, va, Math.max(from, va), Math.min(to, va + span), inner, visit);
    }
  }
}

/** The result of walking one VA: the leaf, or the level at which the walk faulted. */
export type WalkResult =
  | { readonly ok: true; readonly leaf: LeafEntry; readonly oa: number }
  | { readonly ok: false; readonly faultLevel: number };

/**
 * Walks one VA from the root (a Translation fault where an entry is invalid).
 * @param geo - granule geometry
 * @param mem - table memory
 * @param root - the TTBR1 root table
 * @param va - VA[47:0]
 * @returns the leaf and OA, or the fault level
 */
export function walkVA(geo: Geometry, mem: TableMemory, root: TablePage, va: number): WalkResult {
  let found: LeafEntry | undefined;
  forEachLeaf(geo, mem, root, 0, va, va + 1, NO_LIMITS, {
    leaf: (e) => (found = e),
  });
  if (found === undefined) return { ok: false, faultLevel: -1 };
  if (found.af === 0) return { ok: false, faultLevel: found.level };
  return { ok: true, leaf: found, oa: found.spanOa + (va - found.spanVa) };
}
