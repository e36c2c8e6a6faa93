/**
 * VMSAv8-64 stage-1 descriptors as real bits. Values are held as two exact unsigned 32-bit halves
 * (`lo` = bits[31:0], `hi` = bits[63:32]) so that decoding on the hot path allocates nothing; the
 * `Descriptor` bigint is used at API edges.
 *
 * @see Arm ARM DDI 0487 M.b D8.3 "Translation table descriptor formats"
 * Layer: model/arch.
 */
import type { Descriptor } from './bits.ts';
import { asDescriptor } from './bits.ts';
import type { Geometry } from './geometry.ts';
import { PAGE_LEVEL } from './geometry.ts';

/** What a descriptor is at its level (`AArch64_DecodeDescriptorType`). */
export const DescriptorType = {
  /** bit[0] = 0, or a reserved encoding: the walk faults; never cached. */
  Invalid: 0,
  /** bits[1:0] = 0b11 at levels 0–2: the next-level table address. */
  Table: 1,
  /** A block (bits[1:0] = 0b01 where allowed) or a page (0b11 at level 3). */
  Leaf: 2,
} as const;
/** A `DescriptorType` member. */
export type DescriptorType = (typeof DescriptorType)[keyof typeof DescriptorType];

const TWO32 = 2 ** 32;

/** Bit positions (VMSAv8-64 block/page and table descriptors). */
export const BIT = {
  valid: 0,
  type: 1,
  AttrIndx: 2,
  NS: 5,
  AP1: 6,
  AP2: 7,
  SH: 8,
  AF: 10,
  nG: 11,
  nT: 16,
  DBM: 51,
  Contiguous: 52,
  PXN: 53,
  UXN: 54,
  PXNTable: 59,
  UXNTable: 60,
  APTable: 61,
  NSTable: 63,
} as const;

/**
 * Splits a descriptor into exact halves.
 * @param value - the descriptor
 * @returns `[lo, hi]`
 */
export function splitDescriptor(value: Descriptor | bigint): [number, number] {
  return [Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn)];
}

/**
 * Joins two halves into a descriptor.
 * @param lo - bits[31:0]
 * @param hi - bits[63:32]
 * @returns the descriptor
 */
export function joinDescriptor(lo: number, hi: number): Descriptor {
  return asDescriptor((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

/**
 * Reads one bit of a split descriptor.
 * @param lo - bits[31:0]
 * @param hi - bits[63:32]
 * @param bit - bit number 0–63
 * @returns 0 or 1
 */
export function bitOf(lo: number, hi: number, bit: number): number {
  return bit < 32 ? (lo >>> bit) & 1 : (hi >>> (bit - 32)) & 1;
}

/**
 * Decodes the descriptor type at a level.
 * @see ASL `AArch64_DecodeDescriptorType`, `AArch64_BlockDescSupported`
 * @param geo - granule geometry
 * @param lo - bits[31:0]
 * @param level - the level of the table holding the descriptor
 * @returns the type
 */
export function decodeDescriptorType(geo: Geometry, lo: number, level: number): DescriptorType {
  if ((lo & 1) === 0) return DescriptorType.Invalid;
  const bit1 = (lo >>> 1) & 1;
  if (level === PAGE_LEVEL) return bit1 === 1 ? DescriptorType.Leaf : DescriptorType.Invalid;
  if (bit1 === 1) return DescriptorType.Table;
  return geo.blockAtLevel[level] === true ? DescriptorType.Leaf : DescriptorType.Invalid;
}

/**
 * The output address field: bits[47:pageShift] (48-bit OA; the 52-bit OA extensions are RES0 here).
 * For a leaf this is the OA of its first byte; for a table, the next-level table address.
 * DEVIATION: FEAT_LPA/LPA2 OA bits [51:48] are not modelled (48-bit PAs only).
 * @param geo - granule geometry
 * @param lo - bits[31:0]
 * @param hi - bits[63:32]
 * @returns the address as an exact number
 */
export function outputAddress(geo: Geometry, lo: number, hi: number): number {
  const low = (lo >>> 0) - ((lo >>> 0) % geo.pageSize);
  return (hi & 0xffff) * TWO32 + low;
}

/**
 * The output address of a leaf at `level`: bits[47:n] where 2^n is the entry's span, so that nT
 * (bit 16) and the RES0 bits below a block's OA field are never read as address bits (family 2).
 * @param geo - granule geometry
 * @param lo - bits[31:0]
 * @param hi - bits[63:32]
 * @param level - the level of the table holding the leaf
 * @returns the OA of the leaf's first byte
 */
export function leafOutputAddress(geo: Geometry, lo: number, hi: number, level: number): number {
  const oa = outputAddress(geo, lo, hi);
  const span = geo.entrySpan[level] ?? geo.pageSize;
  return oa - (oa % span);
}

/**
 * Memory type class of an `AttrIndx` under Linux's MAIR_EL1 layout (spec README decision 11):
 * 0 Normal and 1 Normal-Tagged are one class (a change between them is permission-like);
 * 2 Normal-NC, 3 Device-nGnRnE, 4 Device-nGnRE and the unused 5–7 are their own classes.
 * @param attrIndx - AttrIndx[2:0]
 * @returns a class number
 */
export function memoryTypeClass(attrIndx: number): number {
  return attrIndx <= 1 ? 0 : attrIndx;
}

/**
 * The memory attributes that break-before-make protects (RWHZWS item 1, and NS as the OA space
 * of IWZRHR), packed into one number so that two leaves compare with `===`: memory type class
 * (bits 2:0), SH (4:3), NS (5). nG is kept apart: only its 1 → 0 direction needs BBM (item 4).
 * @param lo - bits[31:0] of a leaf
 * @returns the packed key
 */
export function memoryKey(lo: number): number {
  const attrIndx = (lo >>> BIT.AttrIndx) & 7;
  return (
    memoryTypeClass(attrIndx) |
    (((lo >>> BIT.SH) & 3) << 3) |
    (((lo >>> BIT.NS) & 1) << 5) |
    (((lo >>> BIT.nG) & 1) << 6)
  );
}

/**
 * The memory attributes a contiguous group's members must share exactly (C1): AttrIndx itself
 * (Normal and Normal-Tagged differ here; decision 11 is for B1 only), SH, NS and nG.
 * @param lo - bits[31:0] of a leaf
 * @returns the packed key
 */
export function groupAttributeKey(lo: number): number {
  return (
    ((lo >>> BIT.AttrIndx) & 7) |
    (((lo >>> BIT.SH) & 3) << 3) |
    (((lo >>> BIT.NS) & 1) << 5) |
    (((lo >>> BIT.nG) & 1) << 6)
  );
}

/** Packed permission bits of a leaf as the walk computes them: AP[2], AP[1], PXN, UXN. */
export const PERM = { AP2: 1, AP1: 2, PXN: 4, UXN: 8 } as const;

/**
 * The permission bits of a leaf descriptor, packed (see `PERM`).
 * @param lo - bits[31:0]
 * @param hi - bits[63:32]
 * @returns packed permissions
 */
export function leafPermissions(lo: number, hi: number): number {
  return (
    ((lo >>> BIT.AP2) & 1) * PERM.AP2 +
    ((lo >>> BIT.AP1) & 1) * PERM.AP1 +
    ((hi >>> (BIT.PXN - 32)) & 1) * PERM.PXN +
    ((hi >>> (BIT.UXN - 32)) & 1) * PERM.UXN
  );
}

/**
 * The hierarchical permission limits a table descriptor imposes on everything below it, in the
 * same packing: APTable[1] forces AP[2] (read-only), APTable[0] clears AP[1] (no EL0 access),
 * PXNTable forces PXN, UXNTable forces UXN.
 * @see Arm ARM DDI 0487 M.b D8.4.2 "Hierarchical control of data access permissions"
 * @param hi - bits[63:32] of a table descriptor
 * @returns `{ set, clear }` masks to apply to leaf permissions below
 */
export function tableLimits(hi: number): { set: number; clear: number } {
  const apTable = (hi >>> (BIT.APTable - 32)) & 3;
  const set =
    ((apTable >>> 1) & 1) * PERM.AP2 +
    ((hi >>> (BIT.PXNTable - 32)) & 1) * PERM.PXN +
    ((hi >>> (BIT.UXNTable - 32)) & 1) * PERM.UXN;
  return { set, clear: (apTable & 1) * PERM.AP1 };
}

/**
 * Whether a leaf can be held in a TLB: valid and AF = 1 (hardware AF updates are off, decision 7;
 * an Access-flag fault is never cached, IWZCBG).
 * @param lo - bits[31:0] of a valid leaf
 * @returns true when cacheable
 */
export function leafIsCacheable(lo: number): boolean {
  return ((lo >>> BIT.AF) & 1) === 1;
}

/**
 * The Contiguous bit (bit 52) of a leaf.
 * @param hi - bits[63:32]
 * @returns 0 or 1
 */
export function contiguousBit(hi: number): number {
  return (hi >>> (BIT.Contiguous - 32)) & 1;
}
