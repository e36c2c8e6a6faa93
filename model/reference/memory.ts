/**
 * Reference checker — table pages and the history of stores of every table entry, with the
 * visibility rules of SEMANTICS.md §1 (decision 4, arm-bbm-rules.md §1.4):
 *
 * - the `alloc` of a page is a store of 0 to each of its entries, visible to everyone at once;
 * - a store by CPU `w` at time `t` is visible to another CPU's walker once `w` executed a
 *   `DSB ISH`, `ISHST` or `SY` after `t`, to `w`'s own walker once `w` executed any DSB after `t`,
 *   and synchronized for `w`'s own use once that DSB is followed by an ISB (S1, IWZCBG);
 * - the view of CPU `c` of an entry is the latest store visible to `c` and every later store.
 *
 * Nothing is cached: every question re-reads the full history and the full barrier log.
 *
 * Layer: model/reference (tests only).
 */
import type { CpuId, DSBDomain } from '../events.ts';
import { INVALID, decode } from './descriptor.ts';
import type { Decoded } from './descriptor.ts';
import type { RefGeometry } from './geometry.ts';

/** One store to one table entry. `writer` is undefined for the zero store of an `alloc`. */
export interface Store {
  readonly value: bigint;
  readonly writer: CpuId | undefined;
  /** The event index of the store (the `alloc` event for the zero store). */
  readonly time: number;
  /** A short name of (entry, value) for entry keys (empty for the zero store; memory.ts `internKey`). */
  readonly key: string;
  /** The value decoded at its page's level (descriptor.ts). */
  readonly d: Decoded;
}

/** An allocated table page and the store history of each entry that was written since. */
export interface TablePage {
  readonly pa: bigint;
  readonly level: number;
  /** The event index of its `alloc` (0 for the root): SEMANTICS.md §1 "generation". */
  readonly gen: number;
  /** `pa#gen` in hex, for entry keys. */
  readonly name: string;
  /** Store histories by entry index, the alloc's zero store first; an absent index was never written. */
  readonly written: Map<number, Store[]>;
  /** The alloc's zero store. */
  readonly zero: Store;
}

/** A barrier executed by a CPU. */
export interface Barrier {
  readonly time: number;
  /** The DSB domain, or `'isb'`. */
  readonly kind: DSBDomain | 'isb';
}

/** The memory part of the reference state. */
export interface RefMemory {
  readonly geometry: RefGeometry;
  readonly root: bigint;
  readonly pages: Map<bigint, TablePage>;
  /** Every DSB and ISB, per CPU, in order. */
  readonly barriers: Map<CpuId, Barrier[]>;
  /** Short names of (entry, value) pairs for entry keys (`internKey`). */
  readonly keys: Map<string, string>;
}

/**
 * A freshly allocated (zeroed) table page.
 * @param pa - its PA
 * @param level - the level of its entries
 * @param gen - its generation (the alloc's event index)
 * @returns the page
 */
export function newPage(pa: bigint, level: number, gen: number): TablePage {
  return {
    pa,
    level,
    gen,
    name: `${pa.toString(16)}#${gen}`,
    written: new Map(),
    zero: { value: 0n, writer: undefined, time: gen, key: '', d: INVALID },
  };
}

/**
 * A short name for one (entry, value) pair, unique in the trace (speed only: entry keys stay short).
 * @param mem - the memory
 * @param long - `page#gen[index]=value`
 * @returns its short name
 */
function internKey(mem: RefMemory, long: string): string {
  let k = mem.keys.get(long);
  if (k === undefined) {
    k = mem.keys.size.toString(36);
    mem.keys.set(long, k);
  }
  return k;
}

/**
 * Appends a store to an entry's history.
 * @param mem - the memory
 * @param page - the page
 * @param index - the entry index
 * @param value - the value stored
 * @param writer - the CPU
 * @param time - the event index
 */
export function appendStore(
  mem: RefMemory,
  page: TablePage,
  index: number,
  value: bigint,
  writer: CpuId,
  time: number,
): void {
  const h = page.written.get(index) ?? [page.zero];
  const d = decode(mem.geometry, page.level, value);
  h.push({ value, writer, time, key: internKey(mem, `${page.name}[${index}]=${value.toString(16)}`), d });
  page.written.set(index, h);
}

/**
 * The page holding a table-entry address, if it is an allocated table page.
 * @param mem - the memory
 * @param pa - an entry address
 * @returns the page and the entry's index in it, or undefined
 */
export function locate(mem: RefMemory, pa: bigint): { page: TablePage; index: number } | undefined {
  const base = pa & ~(mem.geometry.pageBytes - 1n);
  const page = mem.pages.get(base);
  if (page === undefined) return undefined;
  return { page, index: Number((pa - base) / 8n) };
}

/**
 * The address of entry `index` of a page.
 * @param page - the page
 * @param index - the entry index
 * @returns its PA
 */
export const entryPA = (page: TablePage, index: number): bigint => page.pa + BigInt(index) * 8n;

/**
 * The full store history of an entry, the alloc's zero store first.
 * @param page - the page
 * @param index - the entry index
 * @returns the stores in order
 */
export function history(page: TablePage, index: number): readonly Store[] {
  return page.written.get(index) ?? [page.zero];
}

/**
 * The latest store of an entry (its current value).
 * @param page - the page
 * @param index - the entry index
 * @returns the store
 */
export function current(page: TablePage, index: number): Store {
  const h = history(page, index);
  return h[h.length - 1] as Store;
}

/**
 * Whether CPU `cpu` executed, after `time`, a barrier that `accept`s (scanning its log backward
 * from the latest barrier).
 * @param mem - the memory
 * @param cpu - the CPU
 * @param time - the store time
 * @param accept - which barrier kinds count
 * @returns true if such a barrier exists
 */
function barrierAfter(mem: RefMemory, cpu: CpuId, time: number, accept: (b: Barrier) => boolean): boolean {
  const log = mem.barriers.get(cpu) ?? [];
  for (let i = log.length - 1; i >= 0 && (log[i] as Barrier).time > time; i--)
    if (accept(log[i] as Barrier)) return true;
  return false;
}

const isDsb = (b: Barrier): boolean => b.kind !== 'isb';
const isShareableDsb = (b: Barrier): boolean => b.kind === 'ish' || b.kind === 'ishst' || b.kind === 'sy';

/**
 * SEMANTICS.md §1: whether a store is visible to CPU `c`'s table walker.
 * @param mem - the memory
 * @param s - the store
 * @param c - the walking CPU
 * @returns true once the writer's DSB (of a domain that reaches `c`) followed the store
 */
export function visibleTo(mem: RefMemory, s: Store, c: CpuId): boolean {
  if (s.writer === undefined) return true;
  return barrierAfter(mem, s.writer, s.time, s.writer === c ? isDsb : isShareableDsb);
}

/**
 * SEMANTICS.md §1 (S1): whether a store is synchronized for its writer's own use: a DSB after
 * it, then an ISB.
 * @param mem - the memory
 * @param s - the store
 * @returns true when synchronized (always for the alloc store)
 */
export function synchronizedForWriter(mem: RefMemory, s: Store): boolean {
  if (s.writer === undefined) return true;
  let isbSeen = false;
  for (const b of [...(mem.barriers.get(s.writer) ?? [])].reverse()) {
    if (b.time <= s.time) return false;
    if (b.kind === 'isb') isbSeen = true;
    else if (isbSeen) return true;
  }
  return false;
}

/**
 * The stores from the latest one that `counts` onward (the alloc store always counts).
 * @param h - a history
 * @param counts - which stores count as seen
 * @returns the suffix of the history
 */
function suffixFrom(h: readonly Store[], counts: (s: Store) => boolean): readonly Store[] {
  for (let i = h.length - 1; i >= 0; i--) if (counts(h[i] as Store)) return h.slice(i);
  return h;
}

/**
 * SEMANTICS.md §1: the view of CPU `c` of an entry, the stores its walker may read.
 * @param mem - the memory
 * @param c - the CPU
 * @param page - the page
 * @param index - the entry index
 * @returns the latest store visible to `c` and every later store
 */
export function view(mem: RefMemory, c: CpuId, page: TablePage, index: number): readonly Store[] {
  const h = history(page, index);
  for (let i = h.length - 1; i >= 0; i--) if (visibleTo(mem, h[i] as Store, c)) return i === 0 ? h : h.slice(i);
  return h;
}

/**
 * SEMANTICS.md §5 `walk` (S1): the view of CPU `c` for its own use, where its own stores count
 * only once synchronized (DSB then ISB) — or once a DSB of `c` made them visible to its walker
 * before the link store through which every walk reaches the page was made (`linkedAfter`): the
 * walk reads that link first and the link was stored after the DSB completed (found/031).
 * @param mem - the memory
 * @param c - the CPU
 * @param page - the page
 * @param index - the entry index
 * @param linkedAfter - the earliest time of a link store the walk may have followed to `page`
 *   (minus infinity for the root, or when a walk may reach the page by no link read now)
 * @returns the stores `c` may still read when it relies on the translation
 */
export function synchronizedView(
  mem: RefMemory,
  c: CpuId,
  page: TablePage,
  index: number,
  linkedAfter = Number.NEGATIVE_INFINITY,
): readonly Store[] {
  return suffixFrom(history(page, index), (s) =>
    s.writer === c
      ? synchronizedForWriter(mem, s) || barrierBetween(mem, c, s.time, linkedAfter, isDsb)
      : visibleTo(mem, s, c),
  );
}

/**
 * Whether CPU `cpu` executed a barrier that `accept`s strictly between two moments.
 * @param mem - the memory
 * @param cpu - the CPU
 * @param from - the earlier moment
 * @param to - the later moment
 * @param accept - which barrier kinds count
 * @returns true if such a barrier exists
 */
function barrierBetween(
  mem: RefMemory,
  cpu: CpuId,
  from: number,
  to: number,
  accept: (b: Barrier) => boolean,
): boolean {
  return (mem.barriers.get(cpu) ?? []).some((b) => b.time > from && b.time < to && accept(b));
}
