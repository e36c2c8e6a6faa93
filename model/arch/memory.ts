/**
 * Page-table memory: the table pages that exist, their entries, and how they are linked. A page
 * knows its parent entry, the VA its first entry translates, whether it is reachable from the root,
 * and which CPUs have stored to it without a DSB yet (for publication order, T2).
 *
 * Layer: model/arch.
 */
import type { Geometry } from './geometry.ts';

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
  /** Mask of CPU slots that stored to this page and have not executed a DSB since. */
  pendingWriters = 0;
  /** Mask of CPU slots that may hold a stale walk-cache entry pointing at this page. */
  walkHolders = 0;
  /** Event index of the `alloc` that made this page (its generation; 0 for the root). */
  allocatedAt = 0;

  /**
   * @param pa - physical address of the page (page aligned)
   * @param level - level of the entries it holds
   * @param entries - number of 8-byte entries in the page
   */
  constructor(
    readonly pa: number,
    readonly level: number,
    entries: number,
  ) {
    this.lo = new Uint32Array(entries);
    this.hi = new Uint32Array(entries);
    this.writtenAt = new Float64Array(entries);
  }
}

/** All table pages, indexed by page frame number. */
export class TableMemory {
  private readonly pages = new Map<number, TablePage>();

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
    const page = new TablePage(pa, level, this.geo.entriesPerTable);
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
