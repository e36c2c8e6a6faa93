/**
 * Reference checker — table pointers (SEMANTICS.md §1 "Pointers"): when a stored table
 * descriptor links a table page, the subtree of current links below a page, and which pages a
 * CPU may reach (W3 walkability, T1 reachability), all by exhaustive traversal.
 *
 * Layer: model/reference (tests only).
 */
import type { CpuId } from '../events.ts';
import { TTBR1_BASE, entriesPerTable, entryBytes } from './geometry.ts';
import { current, view } from './memory.ts';
import type { RefMemory, Store, TablePage } from './memory.ts';
import type { WalkEntry } from './entries.ts';

/**
 * SEMANTICS.md §1: the page a stored descriptor links, if it is a table descriptor (at the
 * level of its table) naming an allocated table page of the next level whose generation is
 * older than the store. Anything else is not a link (invalid, a leaf, or _dangling_).
 * @param mem - the memory
 * @param level - the level of the table holding the store
 * @param s - the store
 * @returns the linked page, or undefined
 */
export function linkTarget(mem: RefMemory, level: number, s: Store): TablePage | undefined {
  const d = s.d;
  if (d.type !== 'table') return undefined;
  const x = mem.pages.get(d.next);
  if (x === undefined || x.level !== level + 1 || x.gen >= s.time) return undefined;
  return x;
}

/**
 * The written entry indexes of a page that the walk indexes (in the order first written).
 * @param mem - the memory
 * @param page - the page
 * @returns the indexes
 */
export function walkedIndexes(mem: RefMemory, page: TablePage): number[] {
  const n = entriesPerTable(mem.geometry, page.level);
  const out: number[] = [];
  for (const i of page.written.keys()) if (i < n) out.push(i);
  return out;
}

/**
 * The pages of the subtree below `top` through current values (`top` first, depth first).
 * @param mem - the memory
 * @param top - the subtree's top page
 * @returns the pages
 */
export function subtreePages(mem: RefMemory, top: TablePage): TablePage[] {
  const out: TablePage[] = [];
  const visit = (p: TablePage): void => {
    if (out.includes(p)) return;
    out.push(p);
    for (const i of walkedIndexes(mem, p)) {
      const x = linkTarget(mem, p.level, current(p, i));
      if (x !== undefined) visit(x);
    }
  };
  visit(top);
  return out;
}

/**
 * Every location whose current value links `x`.
 * @param mem - the memory
 * @param x - a table page
 * @returns the entry addresses
 */
export function currentLinksTo(mem: RefMemory, x: TablePage): bigint[] {
  const out: bigint[] = [];
  for (const p of mem.pages.values())
    for (const i of p.written.keys())
      if (linkTarget(mem, p.level, current(p, i)) === x) out.push(p.pa + BigInt(i) * 8n);
  return out;
}

/**
 * The pages CPU `c` may walk, each with the VA bases at which it may walk them: from the root
 * through any value of `c`'s view, and from the page of every walk-cache entry `c` holds
 * (SEMANTICS.md §5 W3 and `free`).
 * @param mem - the memory
 * @param c - the CPU
 * @param heldWalks - the walk-cache entries `c` holds
 * @returns page PA → VA bases
 */
export function reachablePages(mem: RefMemory, c: CpuId, heldWalks: readonly WalkEntry[]): Map<bigint, Set<bigint>> {
  const out = new Map<bigint, Set<bigint>>();
  const visit = (p: TablePage, vaBase: bigint): void => {
    const seen = out.get(p.pa) ?? new Set<bigint>();
    if (seen.has(vaBase)) return;
    seen.add(vaBase);
    out.set(p.pa, seen);
    const size = entryBytes(mem.geometry, p.level);
    for (const i of walkedIndexes(mem, p))
      for (const s of view(mem, c, p, i)) {
        const x = linkTarget(mem, p.level, s);
        if (x !== undefined) visit(x, vaBase + BigInt(i) * size);
      }
  };
  const root = mem.pages.get(mem.root);
  if (root !== undefined) visit(root, TTBR1_BASE);
  for (const w of heldWalks) {
    const x = mem.pages.get(w.page);
    if (x !== undefined && x.gen === w.gen) visit(x, w.vaBase);
  }
  return out;
}
