/**
 * A software translation-table reader for impl's tests: lists the leaves of the test machine's
 * tables without scheduling points, merges them into maplets (runs with contiguous output and
 * equal attributes) so that "a split changed nothing but the shape" is one comparison, and draws
 * the entries along a VA range for failure messages. Independent of the port's shims.
 *
 * Layer: impl/testing (harness support).
 */
import type { GranuleName } from '../contract.ts';
import type { MemoryMachine } from './memory-machine.ts';

/** The shift of each Arm level's entries (index 0 = level 0) for VA_BITS = 48. */
const SHIFTS: Readonly<Record<GranuleName, readonly number[]>> = {
  '4K': [39, 30, 21, 12],
  '16K': [47, 36, 25, 14],
  '64K': [-1, 42, 29, 16],
};

/** A leaf entry (block or page, valid or not) met by the walk. */
export interface Leaf {
  /** First VA it maps. */
  readonly va: bigint;
  /** Bytes it maps. */
  readonly size: bigint;
  /** Arm level (3 = page). */
  readonly level: number;
  /** PA of the entry itself. */
  readonly entry: bigint;
  /** The descriptor. */
  readonly desc: bigint;
  /** Its output address. */
  readonly pa: bigint;
}

/** A run of VAs mapped linearly with the same attributes. */
export interface Maplet {
  readonly va: bigint;
  readonly size: bigint;
  readonly pa: bigint;
  /** The attributes, type bits and PTE_CONT removed (valid bit kept). */
  readonly attrs: bigint;
}

const OA_MASK = (1n << 48n) - 1n;
const CONT = 1n << 52n;
const TOP = 0xffff000000000000n;

/**
 * The leaves overlapping `[start, end)`, in VA order.
 * @param m - the machine
 * @param start - start VA (TTBR1)
 * @param end - end VA
 * @returns the leaves
 */
export function leaves(m: MemoryMachine, start: bigint, end: bigint): Leaf[] {
  const shifts = SHIFTS[m.granule];
  const pageMask = m.pageSize - 1n;
  const out: Leaf[] = [];
  const rootLevel = m.granule === '64K' ? 1 : 0;
  const visit = (table: bigint, level: number, base: bigint): void => {
    const shift = BigInt(shifts[level] ?? 0);
    const span = 1n << shift;
    const entries = level === rootLevel ? 1n << (48n - shift) : m.pageSize / 8n;
    for (let i = 0n; i < entries; i++) {
      const va = base + i * span;
      if (va + span <= start || va >= end) continue;
      const entry = table + i * 8n;
      const desc = m.peek(entry);
      if (desc === 0n) continue;
      if (level < 3 && (desc & 3n) === 3n) {
        visit(desc & OA_MASK & ~pageMask, level + 1, va);
      } else {
        out.push({ va, size: span, level, entry, desc, pa: desc & OA_MASK & ~pageMask });
      }
    }
  };
  visit(m.rootTable(), rootLevel, TOP);
  return out;
}

/**
 * The attributes of a leaf: the descriptor without output address, type bit 1 and PTE_CONT.
 * @param l - a leaf
 * @returns the attributes (valid bit kept)
 */
export function leafAttrs(l: Leaf): bigint {
  return l.desc & ~(OA_MASK & ~(l.size - 1n)) & ~CONT & ~2n;
}

/**
 * Merges leaves into maplets.
 * @param ls - leaves in VA order
 * @returns the maplets
 */
export function maplets(ls: readonly Leaf[]): Maplet[] {
  const out: Maplet[] = [];
  for (const l of ls) {
    const attrs = leafAttrs(l);
    const last = out[out.length - 1];
    if (last !== undefined && last.va + last.size === l.va && last.pa + last.size === l.pa && last.attrs === attrs) {
      out[out.length - 1] = { ...last, size: last.size + l.size };
    } else {
      out.push({ va: l.va, size: l.size, pa: l.pa, attrs });
    }
  }
  return out;
}

/**
 * Translates one VA by the current tables.
 * @param m - the machine
 * @param va - the VA
 * @returns the leaf and the PA, or undefined when nothing maps it
 */
export function translate(m: MemoryMachine, va: bigint): { leaf: Leaf; pa: bigint } | undefined {
  const l = leaves(m, va, va + 1n)[0];
  return l === undefined ? undefined : { leaf: l, pa: l.pa + (va - l.va) };
}

const SIZE_NAMES: readonly [bigint, string][] = [
  [1n << 40n, 'T'],
  [1n << 30n, 'G'],
  [1n << 20n, 'M'],
  [1n << 10n, 'K'],
];

/**
 * @param n - a size in bytes
 * @returns e.g. "2M", "64K"
 */
export function sizeName(n: bigint): string {
  for (const [unit, name] of SIZE_NAMES) if (n >= unit && n % unit === 0n) return `${n / unit}${name}`;
  return `${n}`;
}

/**
 * Draws the leaves of `[start, end)`, one line per run of similar leaves, e.g.
 * `L2 +0x00200000 x8  2M block` / `L3 +0x40010000 x16 4K page CONT`.
 * @param m - the machine
 * @param start - start VA
 * @param end - end VA
 * @returns the lines
 */
export function drawLayout(m: MemoryMachine, start: bigint, end: bigint): string[] {
  const lines: string[] = [];
  let run: { l: Leaf; n: number } | undefined;
  const kind = (l: Leaf): string =>
    `L${l.level} ${sizeName(l.size)} ${l.level === 3 ? 'page' : 'block'}${(l.desc & CONT) !== 0n ? ' CONT' : ''}${(l.desc & 1n) === 0n ? ' INVALID' : ''}`;
  const flush = (): void => {
    if (run !== undefined)
      lines.push(`+0x${(run.l.va - start).toString(16).padStart(9, '0')} x${run.n} ${kind(run.l)}`);
  };
  let expect = -1n;
  for (const l of leaves(m, start, end)) {
    if (run !== undefined && kind(run.l) === kind(l) && l.va === expect) run.n++;
    else {
      flush();
      run = { l, n: 1 };
    }
    expect = l.va + l.size;
  }
  flush();
  return lines;
}
