/**
 * Stage-1 translation geometry for the three granules with 48-bit kernel VAs: levels, entries per
 * table, the span of one entry per level, where blocks are allowed and contiguous group sizes.
 *
 * VAs inside the model are VA[47:0] as exact JS numbers (< 2^48 < 2^53); spans are powers of two
 * handled by multiplication, never by 32-bit shifts.
 *
 * Layer: model/arch.
 */
import type { GranuleName } from '../events.ts';

/** Geometry of one granule (Arm ARM D8.2 "Translation table walk"; Linux pgtable-hwdef.h). */
export interface Geometry {
  readonly granule: GranuleName;
  /** log2 of the page size: 12, 14 or 16. */
  readonly pageShift: number;
  readonly pageSize: number;
  /** Entries in a full table page (page size / 8). */
  readonly entriesPerTable: number;
  /** VA bits resolved per level (pageShift - 3). */
  readonly bitsPerLevel: number;
  /** The level of the TTBR1 root table with 48-bit VAs: 0 for 4K and 16K, 1 for 64K. */
  readonly startLevel: number;
  /** Span in bytes of one entry at each level (index = level). */
  readonly entrySpan: readonly number[];
  /** Entries of a table at each level that the 48-bit walk can index (the root may use fewer). */
  readonly entriesAtLevel: readonly number[];
  /** Whether a block descriptor is allowed at each level (`AArch64_BlockDescSupported`). */
  readonly blockAtLevel: readonly boolean[];
  /** Contiguous group size in entries at each level, 0 where the bit is not defined (`ContiguousSize`). */
  readonly contEntries: readonly number[];
}

/** The leaf level: pages. */
export const PAGE_LEVEL = 3;

/** Bytes in the 48-bit VA space covered by TTBR1. */
export const VA_SPACE = 2 ** 48;

function makeGeometry(granule: GranuleName, pageShift: number, contPte: number, contPmd: number): Geometry {
  const bitsPerLevel = pageShift - 3;
  const entriesPerTable = 2 ** bitsPerLevel;
  const entrySpan = [0, 1, 2, 3].map((level) => 2 ** (pageShift + (3 - level) * bitsPerLevel));
  const startLevel = granule === '64K' ? 1 : 0;
  const entriesAtLevel = entrySpan.map((span, level) =>
    level === startLevel ? Math.min(entriesPerTable, VA_SPACE / span) : level < startLevel ? 0 : entriesPerTable,
  );
  // With 48-bit OAs only 4K has level-1 blocks (1 GiB); 16K and 64K need FEAT_LPA2/LPA for them.
  const blockAtLevel = [false, granule === '4K', true, false];
  // Sail ContiguousSize(): 4K defines a level-1 group too; 16K and 64K do not at level 1.
  const contEntries = [0, granule === '4K' ? 16 : 0, contPmd, contPte];
  return {
    granule,
    pageShift,
    pageSize: 2 ** pageShift,
    entriesPerTable,
    bitsPerLevel,
    startLevel,
    entrySpan,
    entriesAtLevel,
    blockAtLevel,
    contEntries,
  };
}

/** Geometry by granule name (CONT sizes: Linux Kconfig defaults, arm-bbm-rules.md §4.1). */
export const GEOMETRIES: Readonly<Record<GranuleName, Geometry>> = {
  '4K': makeGeometry('4K', 12, 16, 16),
  '16K': makeGeometry('16K', 14, 128, 32),
  '64K': makeGeometry('64K', 16, 32, 32),
};

/**
 * Index of the entry that translates `va` in a table of `level`.
 * @param geo - the granule geometry
 * @param va - VA[47:0]
 * @param level - the table's level
 * @returns the entry index
 */
export function tableIndex(geo: Geometry, va: number, level: number): number {
  return Math.floor(va / (geo.entrySpan[level] ?? 1)) % geo.entriesPerTable;
}

/**
 * Rounds `value` down to a multiple of the power of two `size`.
 * @param value - a non-negative exact integer
 * @param size - a power of two
 * @returns the aligned value
 */
export function alignDown(value: number, size: number): number {
  return value - (value % size);
}
