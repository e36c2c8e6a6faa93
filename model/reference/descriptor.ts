/**
 * Reference checker — VMSAv8-64 stage-1 descriptors decoded type first, fields after
 * (`AArch64_DecodeDescriptorType` then the fields that exist in that type; SEMANTICS.md §2,
 * issue 7 family 2). 48-bit OAs only.
 *
 * Bits read: [1:0] type; tables: next-level address [47:granule], PXNTable 59, UXNTable 60,
 * APTable 62:61; leaves: AttrIndx 4:2, NS 5, AP 7:6, SH 9:8, AF 10, nG 11, nT 16 (blocks only,
 * IPJZBK), OA [47:level shift], Contiguous 52, PXN 53, UXN 54.
 *
 * Layer: model/reference (tests only).
 */
import { entryShift } from './geometry.ts';
import type { RefGeometry } from './geometry.ts';

const bit = (v: bigint, n: number): boolean => ((v >> BigInt(n)) & 1n) === 1n;
const field = (v: bigint, lo: number, width: number): number =>
  Number((v >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));
/** Bits [47:lo] of a value. */
const addr = (v: bigint, lo: number): bigint => v & ((1n << 48n) - 1n) & ~((1n << BigInt(lo)) - 1n);

/** The hierarchical limits a table descriptor imposes on everything below it (D8.4.2). */
export interface Limits {
  /** APTable[1]: no write access below. */
  readonly roTable: boolean;
  /** APTable[0]: no EL0 access below. */
  readonly noEl0Table: boolean;
  /** PXNTable. */
  readonly pxnTable: boolean;
  /** UXNTable (XNTable). */
  readonly uxnTable: boolean;
}

/** No limits (above the root). */
export const NO_LIMITS: Limits = { roTable: false, noEl0Table: false, pxnTable: false, uxnTable: false };

/** A decoded table descriptor. */
export interface TableDesc {
  readonly type: 'table';
  /** The next-level table address, bits [47:granule shift]. */
  readonly next: bigint;
  /** Its own APTable/PXNTable/UXNTable bits. */
  readonly limits: Limits;
}

/** A decoded block or page descriptor. */
export interface LeafDesc {
  readonly type: 'leaf';
  /** true for a block (levels 1/2), false for a page (level 3). */
  readonly block: boolean;
  /** OA of the first byte of the entry's own span. */
  readonly oa: bigint;
  readonly attrIndx: number;
  readonly ns: boolean;
  /** AP[2:1] as a 2-bit number (bit 1 = AP[2] read-only, bit 0 = AP[1] EL0). */
  readonly ap: number;
  readonly sh: number;
  readonly af: boolean;
  readonly ng: boolean;
  /** nT, bit 16 of a block descriptor; always false for a page (bit 16 is an OA bit there). */
  readonly nT: boolean;
  readonly cont: boolean;
  readonly pxn: boolean;
  readonly uxn: boolean;
}

/** The decoded descriptor: invalid (faults), a table, or a leaf. */
export type Decoded = { readonly type: 'invalid' } | TableDesc | LeafDesc;

/** The invalid descriptor. */
export const INVALID: Decoded = { type: 'invalid' };

/**
 * Decodes a descriptor read at `level`: bit 0 clear is invalid; `0b01` is a block only at a
 * level that has blocks (otherwise a Translation fault); `0b11` is a page at level 3 and a
 * table above it.
 * @param g - the geometry
 * @param level - the level of the table holding the descriptor
 * @param v - the 64-bit value
 * @returns the decoded descriptor
 */
export function decode(g: RefGeometry, level: number, v: bigint): Decoded {
  // A pure function of (granule, level, value): memoised for speed only.
  const memo = MEMO[g.granule][level] ?? new Map<bigint, Decoded>();
  let d = memo.get(v);
  if (d === undefined) {
    d = decodeUncached(g, level, v);
    if (memo.size > 100_000) memo.clear();
    memo.set(v, d);
  }
  return d;
}

const levels = (): Map<bigint, Decoded>[] => [new Map(), new Map(), new Map(), new Map()];
const MEMO: Record<RefGeometry['granule'], Map<bigint, Decoded>[]> = {
  '4K': levels(),
  '16K': levels(),
  '64K': levels(),
};

function decodeUncached(g: RefGeometry, level: number, v: bigint): Decoded {
  if (!bit(v, 0)) return INVALID;
  const isTableOrPage = bit(v, 1);
  if (isTableOrPage && level < 3) {
    return {
      type: 'table',
      next: addr(v, g.pageShift),
      limits: { pxnTable: bit(v, 59), uxnTable: bit(v, 60), noEl0Table: bit(v, 61), roTable: bit(v, 62) },
    };
  }
  const block = !isTableOrPage;
  if (block && !g.blockLevels.includes(level)) return INVALID;
  return {
    type: 'leaf',
    block,
    oa: addr(v, entryShift(g, level)),
    attrIndx: field(v, 2, 3),
    ns: bit(v, 5),
    ap: field(v, 6, 2),
    sh: field(v, 8, 2),
    af: bit(v, 10),
    ng: bit(v, 11),
    nT: block && bit(v, 16),
    cont: bit(v, 52),
    pxn: bit(v, 53),
    uxn: bit(v, 54),
  };
}

/**
 * The limits below a table descriptor, given those above it (they only ever add restrictions).
 * @param above - the limits accumulated above
 * @param own - the descriptor's own bits
 * @returns the accumulated limits
 */
export function addLimits(above: Limits, own: Limits): Limits {
  return {
    roTable: above.roTable || own.roTable,
    noEl0Table: above.noEl0Table || own.noEl0Table,
    pxnTable: above.pxnTable || own.pxnTable,
    uxnTable: above.uxnTable || own.uxnTable,
  };
}

/** Effective stage-1 permissions of a leaf (hierarchical limits applied, D8.4.2). */
export interface Permissions {
  readonly readOnly: boolean;
  readonly el0: boolean;
  readonly pxn: boolean;
  readonly uxn: boolean;
}

/**
 * The effective permissions of a leaf under hierarchical limits.
 * @param leaf - the leaf descriptor
 * @param limits - the accumulated table limits
 * @returns the permissions
 */
export function effectivePermissions(leaf: LeafDesc, limits: Limits): Permissions {
  return {
    readOnly: (leaf.ap & 2) !== 0 || limits.roTable,
    el0: (leaf.ap & 1) !== 0 && !limits.noEl0Table,
    pxn: leaf.pxn || limits.pxnTable,
    uxn: leaf.uxn || limits.uxnTable,
  };
}

/**
 * Memory-type class of an AttrIndx for B1 (decision 11): Normal (0) and Normal-Tagged (1) are one
 * class; every other index is its own class.
 * @param attrIndx - AttrIndx
 * @returns the class
 */
export function memoryClass(attrIndx: number): number {
  return attrIndx === 1 ? 0 : attrIndx;
}
