/**
 * Reference checker — translation geometry of the kernel's TTBR1 regime with 48-bit VAs, written
 * from `shared/spec/arm-bbm-rules.md` §4.1 (contiguous group sizes) and the VMSAv8-64 granule
 * layout (Arm ARM D8.2: each level resolves `granule bits − 3` VA bits; the top level resolves
 * what is left of the 48).
 *
 * Independent of `model/arch/geometry.ts` on purpose (model/reference/README.md).
 *
 * Layer: model/reference (tests only).
 */
import type { GranuleName } from '../events.ts';

/** The shape of one granule's tables. */
export interface RefGeometry {
  readonly granule: GranuleName;
  /** log2 of the page (and table page) size: 12, 14 or 16. */
  readonly pageShift: number;
  /** Size of a table page in bytes. */
  readonly pageBytes: bigint;
  /** The level of the root table (0 for 4K/16K, 1 for 64K with 48-bit VAs). */
  readonly rootLevel: number;
  /** The levels at which a block descriptor exists (48-bit OA, no FEAT_LPA2). */
  readonly blockLevels: readonly number[];
}

/** The TTBR1 VA of index 0: the top 16 bits are ones (VA[63:48] = 0xffff). */
export const TTBR1_BASE = 0xffffn << 48n;

/**
 * The geometry of a granule (Arm ARM D8.2; block levels without FEAT_LPA2, §4.1).
 * @param granule - the granule name of the trace header
 * @returns its geometry
 */
export function geometryOf(granule: GranuleName): RefGeometry {
  switch (granule) {
    case '4K':
      return { granule, pageShift: 12, pageBytes: 1n << 12n, rootLevel: 0, blockLevels: [1, 2] };
    case '16K':
      return { granule, pageShift: 14, pageBytes: 1n << 14n, rootLevel: 0, blockLevels: [2] };
    case '64K':
      return { granule, pageShift: 16, pageBytes: 1n << 16n, rootLevel: 1, blockLevels: [2] };
  }
}

/**
 * log2 of the VA span of one entry at `level`: the page shift plus `granule bits − 3` per level
 * below it (4K: 39/30/21/12; 16K: 47/36/25/14; 64K: 42/29/16).
 * @param g - the geometry
 * @param level - 0..3
 * @returns the shift
 */
export function entryShift(g: RefGeometry, level: number): number {
  return g.pageShift + (3 - level) * (g.pageShift - 3);
}

/**
 * VA span of one entry at `level`, in bytes.
 * @param g - the geometry
 * @param level - 0..3
 * @returns the span
 */
export function entryBytes(g: RefGeometry, level: number): bigint {
  return 1n << BigInt(entryShift(g, level));
}

/**
 * How many entries of a table at `level` the walk indexes: a full page below the root, and at
 * the root only what the 48 VA bits leave (4K: 512, 16K: 2, 64K: 64).
 * @param g - the geometry
 * @param level - the table's level
 * @returns the number of indexable entries
 */
export function entriesPerTable(g: RefGeometry, level: number): number {
  if (level === g.rootLevel) return 2 ** (48 - entryShift(g, level));
  return 2 ** (g.pageShift - 3);
}

/**
 * Whether a level exists for the granule (tables may be allocated at it).
 * @param g - the geometry
 * @param level - a level number
 * @returns true for rootLevel..3
 */
export function levelExists(g: RefGeometry, level: number): boolean {
  return Number.isInteger(level) && level >= g.rootLevel && level <= 3;
}

/**
 * Number of entries in a contiguous group at `level` (§4.1, Sail `ContiguousSize()`), or 0 where
 * the Contiguous bit does not exist because no leaf exists at that level.
 * @param g - the geometry
 * @param level - the leaf's level
 * @returns N (16/16/16 for 4K L1/L2/L3; 32/128 for 16K L2/L3; 32/32 for 64K L2/L3), or 0
 */
export function contEntries(g: RefGeometry, level: number): number {
  if (level !== 3 && !g.blockLevels.includes(level)) return 0;
  switch (g.granule) {
    case '4K':
      return 16;
    case '16K':
      return level === 3 ? 128 : 32;
    case '64K':
      return 32;
  }
}
