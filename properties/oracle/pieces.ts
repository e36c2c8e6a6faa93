/**
 * The translation of a VA space as sorted, disjoint pieces (a maplet without its shape), with the
 * few range operations the expected-map oracle needs: clip to a range, cut a range out, put pieces
 * in, transform a range. Every operation costs the number of pieces, never the number of pages,
 * so a 1 GiB block counts as one piece.
 *
 * Layer: properties/oracle.
 */
import type { Maplet } from '../../model/abstract/interp.ts';
import { translationOnly } from '../../model/abstract/interp.ts';

/** A run of VAs mapped alike: `[va, va + size)` → `[pa, pa + size)` with these attributes. */
export interface Piece {
  readonly va: bigint;
  readonly size: bigint;
  readonly pa: bigint;
  /** `PERM` packing (model/arch/descriptor.ts): AP[2] 1, AP[1] 2, PXN 4, UXN 8. */
  readonly perms: number;
  readonly memKey: number;
  readonly nG: number;
  readonly af: number;
}

/**
 * Pieces of a translation read from the model (shape dropped).
 * @param ms - maplets from `interp`
 * @returns the pieces
 */
export function piecesOf(ms: readonly Maplet[]): Piece[] {
  return translationOnly(ms).map((m) => ({
    va: m.va,
    size: m.size,
    pa: m.pa,
    perms: m.perms,
    memKey: m.memKey,
    nG: m.nG,
    af: m.af,
  }));
}

/** `[a, b)` of one piece, or undefined when they do not meet. */
function slice(p: Piece, a: bigint, b: bigint): Piece | undefined {
  const lo = p.va > a ? p.va : a;
  const end = p.va + p.size;
  const hi = end < b ? end : b;
  return hi > lo ? { ...p, va: lo, size: hi - lo, pa: p.pa + (lo - p.va) } : undefined;
}

/**
 * The parts of the pieces inside `[a, b)`.
 * @param ps - sorted pieces
 * @param a - first VA
 * @param b - end VA
 * @returns the clipped pieces
 */
export function clip(ps: readonly Piece[], a: bigint, b: bigint): Piece[] {
  const out: Piece[] = [];
  for (const p of ps) {
    const s = slice(p, a, b);
    if (s !== undefined) out.push(s);
  }
  return out;
}

/**
 * The pieces with `[a, b)` removed.
 * @param ps - sorted pieces
 * @param a - first VA
 * @param b - end VA
 * @returns the remaining pieces
 */
export function cut(ps: readonly Piece[], a: bigint, b: bigint): Piece[] {
  const out: Piece[] = [];
  for (const p of ps) {
    const end = p.va + p.size;
    if (end <= a || p.va >= b) {
      out.push(p);
      continue;
    }
    const before = slice(p, p.va, a);
    const after = slice(p, b, end);
    if (before !== undefined) out.push(before);
    if (after !== undefined) out.push(after);
  }
  return out;
}

/**
 * Pieces put into a set that has nothing where they go (sorted result).
 * @param ps - sorted pieces
 * @param add - pieces to add
 * @returns the union
 */
export function insert(ps: readonly Piece[], add: readonly Piece[]): Piece[] {
  return [...ps, ...add].sort((x, y) => (x.va < y.va ? -1 : x.va > y.va ? 1 : 0));
}

/**
 * The pieces with `f` applied to the parts inside `[a, b)`.
 * @param ps - sorted pieces
 * @param a - first VA
 * @param b - end VA
 * @param f - the transformation
 * @returns the new pieces
 */
export function mapRange(ps: readonly Piece[], a: bigint, b: bigint, f: (p: Piece) => Piece): Piece[] {
  return insert(cut(ps, a, b), clip(ps, a, b).map(f));
}

/** Two pieces translate alike (same OA offset and attributes). */
function alike(x: Piece, y: Piece): boolean {
  return x.pa - x.va === y.pa - y.va && x.perms === y.perms && x.memKey === y.memKey && x.nG === y.nG && x.af === y.af;
}

/**
 * The piece of sorted `ps` holding `va` (binary search), or undefined.
 * @param ps - sorted pieces
 * @param va - a VA
 * @returns the piece
 */
export function pieceAt(ps: readonly Piece[], va: bigint): Piece | undefined {
  let lo = 0;
  let hi = ps.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = ps[mid];
    if (p === undefined) return undefined;
    if (va < p.va) hi = mid - 1;
    else if (va >= p.va + p.size) lo = mid + 1;
    else return p;
  }
  return undefined;
}

/**
 * The VAs where any of the sets starts or stops a piece, sorted: between two of them every set is
 * constant.
 * @param sets - piece sets
 * @param extra - more edges
 * @returns the edges
 */
export function edges(sets: readonly (readonly Piece[])[], extra: readonly bigint[] = []): bigint[] {
  const e = new Set<bigint>(extra);
  for (const ps of sets)
    for (const p of ps) {
      e.add(p.va);
      e.add(p.va + p.size);
    }
  return [...e].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/**
 * Compares two piece sets at every elementary interval, with `allowed` saying which states the
 * interval may be in (expected and actual are looked up at the interval's first VA).
 * @param actual - what the model's tables say
 * @param choices - the allowed sets, in the order a report names them
 * @param within - the interval is one where any choice is allowed; elsewhere only the first
 * @returns the first VA that matches none, with what was expected and found, or undefined
 */
export function firstMismatch(
  actual: readonly Piece[],
  choices: readonly (readonly Piece[])[],
  within: (va: bigint) => boolean = () => false,
): { va: bigint; expected: Piece | undefined; found: Piece | undefined } | undefined {
  const all = edges([actual, ...choices]);
  for (const va of all) {
    const found = pieceAt(actual, va);
    const options = within(va) ? choices : choices.slice(0, 1);
    const ok = options.some((c) => {
      const e = pieceAt(c, va);
      return e === undefined ? found === undefined : found !== undefined && alike(e, found);
    });
    if (!ok) return { va, expected: choices[0] === undefined ? undefined : pieceAt(choices[0], va), found };
  }
  return undefined;
}
