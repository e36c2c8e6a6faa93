/**
 * Translation geometry of the three granules with 48-bit VAs (TTBR1), as the generator needs it:
 * the level of the root, per level the VA shift and the number of entries, the levels that may
 * hold blocks, and the contiguous group sizes. Written from `shared/spec/arm-bbm-rules.md` §4.1
 * (group sizes) and the Arm ARM D8.2 lookup tables (index bits), never from the model's code.
 *
 * Layer: model/scenarios (generator only).
 */

/** A granule name as the `bbm-trace/1` header spells it. */
export type Granule = '4K' | '16K' | '64K';

/** The three granules, for scenarios whose rule depends on the granule. */
export const GRANULES: readonly Granule[] = ['4K', '16K', '64K'];

/** A translation level (Arm numbering: pages are level 3). */
export type Level = 0 | 1 | 2 | 3;

/** The geometry of one granule. */
export interface Geometry {
  /** log2 of the page (and table page) size. */
  readonly page: bigint;
  /** The level of the root table for 48-bit VAs. */
  readonly root: Level;
  /** Per level: the VA shift of one entry and the number of entries in a table of that level. */
  readonly levels: Partial<Record<Level, readonly [shift: bigint, entries: bigint]>>;
  /** The levels whose leaves are blocks (level 3 leaves are pages). */
  readonly blockLevels: readonly Level[];
  /** Entries per contiguous group, at the levels where the Contiguous bit exists (§4.1). */
  readonly cont: Partial<Record<Level, bigint>>;
}

/** Geometry per granule (48-bit VA; 16K level 0 has 2 entries, 64K starts at level 1). */
export const GEOM: Readonly<Record<Granule, Geometry>> = {
  '4K': {
    page: 12n,
    root: 0,
    levels: { 0: [39n, 512n], 1: [30n, 512n], 2: [21n, 512n], 3: [12n, 512n] },
    blockLevels: [1, 2],
    cont: { 2: 16n, 3: 16n },
  },
  '16K': {
    page: 14n,
    root: 0,
    levels: { 0: [47n, 2n], 1: [36n, 2048n], 2: [25n, 2048n], 3: [14n, 2048n] },
    blockLevels: [2],
    cont: { 2: 32n, 3: 128n },
  },
  '64K': {
    page: 16n,
    root: 1,
    levels: { 1: [42n, 64n], 2: [29n, 8192n], 3: [16n, 8192n] },
    blockLevels: [2],
    cont: { 2: 32n, 3: 32n },
  },
};

/** The VA bits a table walk indexes (VA[47:0]). */
export const VA_MASK = (1n << 48n) - 1n;
/** 1 KiB. */
export const KiB = 1n << 10n;
/** 1 MiB. */
export const MiB = 1n << 20n;
/** 1 GiB. */
export const GiB = 1n << 30n;

/** PAGE_OFFSET of a 48-bit kernel linear map (memstart at PA 0). */
export const PAGE_OFFSET = 0xffff000000000000n;

/**
 * The linear-map VA of a PA (`__phys_to_virt()` with memstart 0).
 * @param pa - the physical address
 * @returns PAGE_OFFSET + pa
 */
export const LM = (pa: bigint): bigint => PAGE_OFFSET + pa;

/** A vmalloc/ioremap-area VA (VMALLOC_START-like, 48-bit). */
export const VMALLOC = 0xffff800080000000n;

/**
 * `0x…` lower-case hex of a value, as the trace format writes addresses and descriptors.
 * @param v - the value (non-negative)
 * @returns the hex string
 */
export const hex = (v: bigint): string => '0x' + v.toString(16);

/**
 * Bit `n` as a mask.
 * @param n - the bit number
 * @returns 1 << n
 */
export const bit = (n: number): bigint => 1n << BigInt(n);
