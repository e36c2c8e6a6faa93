/**
 * Reference checker — every TLB entry a walk of CPU `c` can produce now (SEMANTICS.md §2,
 * decision 8: TLBs may fill at any time from any VA). A walk starts at the root or at any
 * walk-cache entry `c` holds, and reads at each entry every value of `c`'s view; a table
 * descriptor that links a page yields a walk entry and the walk goes on, a leaf with AF = 1
 * (decision 12) yields one entry, or two if it has the Contiguous bit (span and individual).
 * Dangling or undecodable descriptors yield nothing. Exhaustive: every path of every view.
 *
 * Layer: model/reference (tests only).
 */
import type { CpuId } from '../events.ts';
import { NO_LIMITS, addLimits } from './descriptor.ts';
import type { LeafDesc, Limits } from './descriptor.ts';
import type { HeldEntry, LeafEntry, PathStep, TlbEntry, WalkEntry } from './entries.ts';
import { TTBR1_BASE, contEntries, entryBytes } from './geometry.ts';
import { entryPA, view } from './memory.ts';
import type { RefMemory, TablePage } from './memory.ts';
import { linkTarget, walkedIndexes } from './pointers.ts';

/** The state of one fill computation. */
interface Fill {
  readonly mem: RefMemory;
  readonly cpu: CpuId;
  readonly out: Map<string, HeldEntry>;
  readonly reuse: ReadonlyMap<string, HeldEntry> | undefined;
  /** The current moment (`lastFill` of everything this walk yields). */
  readonly now: number;
  /** The `pointerFill` moment of the walk in progress (R1). */
  at: number;
}

/** Whether `key` is already out at least as fresh (and, for a leaf, from as late a store). */
function known(f: Fill, key: string, storeTime: number): boolean {
  const had = f.out.get(key);
  return (
    had !== undefined && had.pointerFill >= f.at && (had.entry.kind === 'walk' || had.entry.storeTime >= storeTime)
  );
}

/** The held entry object for `key`, when it is the same entry (speed only: no new object). */
function reused(f: Fill, key: string, storeTime: number): TlbEntry | undefined {
  const old = f.reuse?.get(key)?.entry;
  return old !== undefined && (old.kind === 'walk' || old.storeTime === storeTime) ? old : undefined;
}

/** Records an entry with the current fill moment (keeping the freshest moment and latest store). */
function put(f: Fill, e: TlbEntry): void {
  const had = f.out.get(e.key);
  if (had === undefined) {
    f.out.set(e.key, { entry: e, lastFill: f.now, pointerFill: f.at });
    return;
  }
  const newer = e.kind === 'leaf' && had.entry.kind === 'leaf' && e.storeTime > had.entry.storeTime;
  f.out.set(e.key, { entry: newer ? e : had.entry, lastFill: f.now, pointerFill: Math.max(f.at, had.pointerFill) });
}

/** Walks every value of the CPU's view of every entry of `page`, and below. */
function walkTable(
  f: Fill,
  page: TablePage,
  vaBase: bigint,
  limits: Limits,
  keyPrefix: string,
  path: readonly PathStep[],
): void {
  const g = f.mem.geometry;
  const level = page.level;
  const size = entryBytes(g, level);
  for (const index of walkedIndexes(f.mem, page)) {
    const va = vaBase + BigInt(index) * size;
    for (const s of view(f.mem, f.cpu, page, index)) {
      const d = s.d;
      if (d.type === 'table') {
        const x = linkTarget(f.mem, level, s);
        if (x === undefined) continue;
        const key = `${keyPrefix}/${s.key}@${x.gen}`;
        if (known(f, key, s.time)) continue;
        const w =
          (reused(f, key, s.time) as WalkEntry | undefined) ??
          ({
            kind: 'walk',
            key,
            path: [...path, { loc: entryPA(page, index), value: s.value, linkGen: x.gen }],
            level,
            vaBase: va,
            vaSize: size,
            page: x.pa,
            gen: x.gen,
            limits: addLimits(limits, d.limits),
          } satisfies WalkEntry);
        put(f, w);
        walkTable(f, x, va, w.limits, key, w.path);
      } else if (d.type === 'leaf' && d.af) {
        const key = `${keyPrefix}/${s.key}`;
        const leafPath: PathStep[] = [...path, { loc: entryPA(page, index), value: s.value }];
        if (!d.cont) {
          const k = key + ':p';
          if (!known(f, k, s.time))
            put(
              f,
              reused(f, k, s.time) ??
                leafEntry(k, leafPath, level, 'plain', undefined, va, size, d.oa, d, limits, s.time),
            );
          continue;
        }
        const n = contEntries(g, level);
        const groupIndex = Math.floor(index / n);
        const group = `${page.name}/${groupIndex}`;
        const ks = key + ':s';
        if (!known(f, ks, s.time)) {
          const groupBytes = size * BigInt(n);
          put(
            f,
            reused(f, ks, s.time) ??
              leafEntry(
                ks,
                leafPath,
                level,
                'span',
                group,
                vaBase + BigInt(groupIndex) * groupBytes,
                groupBytes,
                d.oa & ~(groupBytes - 1n),
                d,
                limits,
                s.time,
              ),
          );
        }
        const ki = key + ':i';
        if (!known(f, ki, s.time))
          put(
            f,
            reused(f, ki, s.time) ??
              leafEntry(ki, leafPath, level, 'individual', group, va, size, d.oa, d, limits, s.time),
          );
      }
    }
  }
}

/**
 * The entries CPU `c` may fill now, each with the moments it counts as filled for TLBI completion
 * (SEMANTICS.md §3): `lastFill` is `now`; `pointerFill` is `now` for a walk from the root and, for
 * a walk that starts at a held walk-cache entry, that entry's own `pointerFill` — an entry built
 * from a cached table pointer is no fresher than the pointer, so a TLBI that removes the pointer
 * removes what was built from it (model/reference/README.md, reading R1). The `…L` forms spare the
 * pointer, and what a walk through it refills after their issue survives them (`lastFill`).
 * @param mem - the memory
 * @param c - the CPU (as if running)
 * @param heldWalks - the walk-cache entries it holds with their fill moments (walks may start at them)
 * @param now - the current moment
 * @param reuse - entries already held, whose objects may be returned again for the same key
 * @returns the entries by key
 */
export function fillable(
  mem: RefMemory,
  c: CpuId,
  heldWalks: readonly HeldEntry[],
  now: number,
  reuse?: ReadonlyMap<string, HeldEntry>,
): Map<string, HeldEntry> {
  const f: Fill = { mem, cpu: c, out: new Map(), reuse, now, at: now };
  const root = mem.pages.get(mem.root);
  if (root !== undefined) walkTable(f, root, TTBR1_BASE, NO_LIMITS, '', []);
  for (const h of heldWalks) {
    const w = h.entry;
    // A walk entry the root walk produced again was walked below already, at `now`.
    if (w.kind !== 'walk' || f.out.has(w.key)) continue;
    const x = mem.pages.get(w.page);
    f.at = h.pointerFill;
    if (x !== undefined && x.gen === w.gen) walkTable(f, x, w.vaBase, w.limits, w.key, w.path);
  }
  return f.out;
}

/** Builds a leaf entry. */
function leafEntry(
  key: string,
  path: readonly PathStep[],
  level: number,
  shape: LeafEntry['shape'],
  group: string | undefined,
  vaBase: bigint,
  vaSize: bigint,
  oaBase: bigint,
  desc: LeafDesc,
  limits: Limits,
  storeTime: number,
): LeafEntry {
  return { kind: 'leaf', key, path, level, shape, group, vaBase, vaSize, oaBase, desc, limits, storeTime };
}
