/**
 * The stale entries of all CPUs, indexed by span size and first VA so that "which stale entries
 * overlap [from, to)" costs a few map probes per size class, not a scan of every entry.
 *
 * Layer: model/tlb.
 */
import type { StaleEntry } from './staleEntry.ts';
import { OrderedNumberMap } from '../util/orderedNumberMap.ts';

const NONE: readonly StaleEntry[] = [];

/** Stale entries by span size, then by first VA. */
export class StaleIndex {
  private readonly bySpan = new Map<number, OrderedNumberMap<StaleEntry[]>>();
  private count = 0;

  /** @returns the number of stale entries held */
  get size(): number {
    return this.count;
  }

  /**
   * Adds an entry.
   * @param entry - the stale entry
   */
  add(entry: StaleEntry): void {
    let bucket = this.bySpan.get(entry.span);
    if (bucket === undefined) {
      bucket = new OrderedNumberMap();
      this.bySpan.set(entry.span, bucket);
    }
    const list = bucket.get(entry.spanVa);
    if (list === undefined) bucket.set(entry.spanVa, [entry]);
    else list.push(entry);
    this.count++;
  }

  /**
   * Removes an entry (no-op when absent).
   * @param entry - the stale entry
   */
  remove(entry: StaleEntry): void {
    const bucket = this.bySpan.get(entry.span);
    const list = bucket?.get(entry.spanVa);
    if (bucket === undefined || list === undefined) return;
    const at = list.indexOf(entry);
    if (at < 0) return;
    list.splice(at, 1);
    this.count--;
    if (list.length === 0) bucket.delete(entry.spanVa);
  }

  /**
   * Calls `visit` for every entry whose span overlaps [from, to). The callback may remove the
   * entry it is given.
   * @param from - first VA[47:0]
   * @param to - end (exclusive)
   * @param visit - callback
   */
  forEachOverlapping(from: number, to: number, visit: (entry: StaleEntry) => void): void {
    this.scan(
      from,
      to,
      (list) => {
        visitAll(list, visit);
        return undefined;
      },
      true,
    );
  }

  /**
   * The entries whose span overlaps [from, to), as a new array (empty and shared when none).
   * @param from - first VA[47:0]
   * @param to - end (exclusive)
   * @returns the entries
   */
  overlapping(from: number, to: number): readonly StaleEntry[] {
    if (this.count === 0) return NONE;
    const out: StaleEntry[] = [];
    this.scan(
      from,
      to,
      (list) => {
        for (const e of list) out.push(e);
        return undefined;
      },
      false,
    );
    return out;
  }

  /**
   * The first answer `test` gives for an entry whose span overlaps [from, to), in the order of
   * {@link overlapping}, without building the list (the hot path of a store's checks). `test`
   * must not add or remove entries.
   * @param from - first VA[47:0]
   * @param to - end (exclusive)
   * @param test - returns undefined to go on
   * @returns the first defined answer, or undefined
   */
  findOverlapping<T>(from: number, to: number, test: (entry: StaleEntry) => T | undefined): T | undefined {
    return this.scan(
      from,
      to,
      (list) => {
        for (const e of list) {
          const r = test(e);
          if (r !== undefined) return r;
        }
        return undefined;
      },
      false,
    );
  }

  /**
   * The one scan behind the three queries: for each span size, probe the first VAs that can
   * overlap [from, to) when that is cheaper than walking the bucket, else walk the bucket; hand each
   * overlapping list to `onList` until it answers.
   * @param from - first VA[47:0]
   * @param to - end (exclusive)
   * @param onList - gets each list of entries with one first VA; a defined answer ends the scan
   * @param snapshot - walk a copy of each bucket (the callback may remove entries)
   * @returns the first defined answer, or undefined
   */
  private scan<T>(
    from: number,
    to: number,
    onList: (list: StaleEntry[]) => T | undefined,
    snapshot: boolean,
  ): T | undefined {
    if (this.count === 0) return undefined;
    for (const [span, bucket] of this.bySpan) {
      if (bucket.size === 0) continue;
      const first = from - (from % span);
      const probes = Math.ceil((to - first) / span);
      if (probes <= bucket.size) {
        for (let va = first; va < to; va += span) {
          const list = bucket.get(va);
          if (list === undefined) continue;
          const r = onList(list);
          if (r !== undefined) return r;
        }
      } else {
        if (snapshot) {
          for (const n of bucket.nodes()) {
            const r = n.key < to && n.key + span > from ? onList(n.value) : undefined;
            if (r !== undefined) return r;
          }
        } else {
          for (let n = bucket.first; n !== undefined; n = n.next) {
            if (!(n.key < to && n.key + span > from)) continue;
            const r = onList(n.value);
            if (r !== undefined) return r;
          }
        }
      }
    }
    return undefined;
  }

  /**
   * Calls `visit` for every entry.
   * @param visit - callback (may remove the entry it is given)
   */
  forEach(visit: (entry: StaleEntry) => void): void {
    for (const bucket of [...this.bySpan.values()])
      for (const n of bucket.nodes()) for (const e of [...n.value]) visit(e);
  }
}

/** Visits a bucket's entries; copies the list only when the callback could be disturbed by a removal. */
function visitAll(list: StaleEntry[], visit: (entry: StaleEntry) => void): void {
  if (list.length === 1) {
    const only = list[0];
    if (only !== undefined) visit(only);
    return;
  }
  for (const e of [...list]) visit(e);
}
