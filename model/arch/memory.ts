/**
 * Page-table memory: the table pages that exist, their entries, and how they are linked. A page
 * knows its parent entry, the VA its first entry translates, whether it is reachable from the root,
 * and which CPUs have stored to it without a DSB yet (for publication order, T2).
 *
 * Layer: model/arch.
 */
import type { Geometry } from './geometry.ts';
import { GroupSummary } from './groupSummary.ts';
import { NumberMap } from '../util/numberMap.ts';

/** One allocated table page holding level-`level` entries. */
export class TablePage {
  /** Entry bits[31:0] and bits[63:32], one pair per entry. */
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
  /** Event index at which each entry got its current value (0 = zeroed at allocation). */
  readonly writtenAt: Float64Array;
  /** The table page and entry index that link this page, if any. */
  parent: TablePage | null = null;
  parentIndex = -1;
  /** VA[47:0] translated by entry 0 when linked (NaN while no chain to the root exists). */
  vaBase = Number.NaN;
  /** Linked, through valid table descriptors, from the root. */
  reachable = false;
  /** Event index since which the page is reachable. */
  reachableSince = 0;
  /**
   * Per entry: 1 + the slot of the CPU whose latest store to it is not yet visible to every
   * walker (its DSB is still due), or 0. Only the latest store counts: an earlier one is in no
   * view once a later store is visible (T2, SEMANTICS.md W4).
   */
  readonly pendingBy: Uint8Array;
  /** Entries whose latest store is not yet visible to every walker. */
  pendingCount = 0;

  /**
   * Mask of CPU slots whose latest store to some entry of this page is not yet visible.
   * @returns the mask
   */
  get pendingWriters(): number {
    if (this.pendingCount === 0) return 0;
    let mask = 0;
    for (const p of this.pendingBy) if (p !== 0) mask |= 1 << (p - 1);
    return mask;
  }
  /** Mask of CPU slots that may hold a stale walk-cache entry pointing at this page. */
  walkHolders = 0;
  /** Event index of the `alloc` that made this page (its generation; 0 for the root). */
  allocatedAt = 0;
  /** Entries per contiguous group at this level (0 where the level has none). */
  readonly groupEntries: number;
  /** The counts of each contiguous group (valid Contiguous leaves, agreement), kept by `set`. */
  readonly groups: GroupSummary;

  /**
   * @param pa - physical address of the page (page aligned)
   * @param level - level of the entries it holds
   * @param geo - granule geometry (entries per page, contiguous groups)
   */
  constructor(
    readonly pa: number,
    readonly level: number,
    geo: Geometry,
  ) {
    const entries = geo.entriesPerTable;
    this.lo = new Uint32Array(entries);
    this.hi = new Uint32Array(entries);
    this.writtenAt = new Float64Array(entries);
    this.pendingBy = new Uint8Array(entries);
    this.groupEntries = geo.contEntries[level] ?? 0;
    this.groups = new GroupSummary(geo, level, entries);
  }

  /**
   * Sets an entry, keeping the contiguous-group counts.
   * @param index - the entry
   * @param lo - bits[31:0]
   * @param hi - bits[63:32]
   */
  set(index: number, lo: number, hi: number): void {
    this.groups.store(index, this.lo[index] ?? 0, this.hi[index] ?? 0, lo, hi);
    this.lo[index] = lo;
    this.hi[index] = hi;
  }
}

/** All table pages, indexed by page frame number. */
export class TableMemory {
  /** By page frame number; a {@link NumberMap}: pages come and go all the time in a long trace. */
  private readonly pages = new NumberMap<TablePage>();

  /** @param geo - granule geometry (page size) */
  constructor(readonly geo: Geometry) {}

  /**
   * The table page containing a PA, if any.
   * @param pa - a physical address
   * @returns the page or undefined
   */
  pageOf(pa: number): TablePage | undefined {
    return this.pages.get(Math.floor(pa / this.geo.pageSize));
  }

  /**
   * Makes a zeroed table page.
   * @param pa - page-aligned PA
   * @param level - level of its entries
   * @param at - event index of the allocation (its generation)
   * @returns the new page
   */
  allocate(pa: number, level: number, at = 0): TablePage {
    const page = new TablePage(pa, level, this.geo);
    page.allocatedAt = at;
    this.pages.set(Math.floor(pa / this.geo.pageSize), page);
    return page;
  }

  /**
   * Forgets a table page.
   * @param page - the page
   */
  release(page: TablePage): void {
    this.pages.delete(Math.floor(page.pa / this.geo.pageSize));
  }

  /** @returns the number of table pages */
  get size(): number {
    return this.pages.size;
  }
}
