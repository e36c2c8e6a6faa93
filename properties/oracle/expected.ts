/**
 * The expected map: what the whole TTBR1 translation must be after a call, computed from what it
 * was before and the call's {@link Change}s, plus what present-invalid VAs will be when they are
 * made valid again (their descriptors keep OA and attributes; the model's walk does not show
 * them, so the oracle remembers them). Every VA not changed must be exactly as before.
 *
 * Layer: properties/oracle.
 */
import { PERM } from '../../model/arch/descriptor.ts';
import type { Change } from '../kernel/outcomes.ts';
import type { Piece } from './pieces.ts';
import { clip, cut, insert, mapRange } from './pieces.ts';

/**
 * The permission bits after a `set_memory_<which>()` (AP[2] for ro/rw, PXN for nx/x).
 * @param which - the change
 * @param perms - `PERM` packing before
 * @returns after
 */
export function permAfter(which: 'ro' | 'rw' | 'nx' | 'x', perms: number): number {
  if (which === 'ro') return perms | PERM.AP2;
  if (which === 'rw') return perms & ~PERM.AP2;
  if (which === 'nx') return perms | PERM.PXN;
  return perms & ~PERM.PXN;
}

/**
 * `subtract(ps, qs)`: the parts of `ps` where `qs` has nothing.
 * @param ps - sorted pieces
 * @param qs - sorted pieces
 * @returns the difference
 */
export function subtract(ps: readonly Piece[], qs: readonly Piece[]): Piece[] {
  let out = [...ps];
  for (const q of qs) out = cut(out, q.va, q.va + q.size);
  return out;
}

/** The oracle of one run. */
export class ExpectedMap {
  /** What present-invalid ranges become when made valid again. */
  hidden: Piece[] = [];

  /**
   * The translation expected after `changes` succeed, from `before`.
   * @param before - the translation before the call
   * @param changes - the call's changes
   * @returns the expected translation and hidden ranges
   */
  after(before: readonly Piece[], changes: readonly Change[]): { pieces: Piece[]; hidden: Piece[] } {
    let cur = [...before];
    let hidden = [...this.hidden];
    for (const c of changes) {
      if (c.kind === 'perm') {
        const f = (p: Piece): Piece => ({ ...p, perms: permAfter(c.which, p.perms) });
        cur = mapRange(cur, c.start, c.end, f);
        hidden = mapRange(hidden, c.start, c.end, f);
      } else if (c.kind === 'invalid') {
        const going = clip(cur, c.start, c.end);
        hidden = insert(subtract(hidden, going), going);
        cur = cut(cur, c.start, c.end);
      } else {
        const back = subtract(clip(hidden, c.start, c.end), clip(cur, c.start, c.end));
        cur = insert(cur, back);
        hidden = cut(hidden, c.start, c.end);
        if (c.rw) cur = mapRange(cur, c.start, c.end, (p) => ({ ...p, perms: p.perms & ~PERM.AP2 }));
      }
    }
    return { pieces: cur, hidden };
  }

  /**
   * Takes the actual state after a call as the truth for the changed ranges (after a failed call
   * each may be old or new): VAs now valid leave `hidden`; VAs now invalid keep what they had.
   * @param before - the translation before the call
   * @param actual - the translation after it
   * @param changes - the call's changes
   */
  settle(before: readonly Piece[], actual: readonly Piece[], changes: readonly Change[]): void {
    for (const c of changes) {
      const known = insert(
        clip(this.hidden, c.start, c.end),
        subtract(clip(before, c.start, c.end), clip(this.hidden, c.start, c.end)),
      );
      const stillHidden = subtract(known, clip(actual, c.start, c.end));
      this.hidden = insert(cut(this.hidden, c.start, c.end), stillHidden);
    }
  }

  /**
   * Whether `va` is out of the linear map as far as the oracle knows (for choosing buddy pages).
   * @param va - a VA
   * @returns true when it is hidden
   */
  isHidden(va: bigint): boolean {
    return this.hidden.some((p) => va >= p.va && va < p.va + p.size);
  }
}
