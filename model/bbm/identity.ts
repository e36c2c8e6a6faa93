/**
 * B5, identity of a live size change: for every VA of the old entry's span, the new state gives
 * the same OA, memory attributes, nG, AF and (strict, decision 1) permissions; only the shape
 * (block vs table, Contiguous) may change.
 *
 * @see Arm ARM DDI 0487 M.b D8.17.2 RPVTFW ("only the size may change"); arch/arm64/mm/mmu.c:
 *   split_pmd(), split_pud() copy the block's pgprot and step the pfn
 * Layer: model/bbm.
 */
import type { LeafEntry } from '../arch/walk.ts';
import { oaAt, ttdUpdateNeedsBBM } from './change.ts';

/** How strictly permissions must be kept (see `ModelOptions.splitPermissions`). */
export type PermissionRule = 'strict' | 'allow-permissions';

/**
 * Compares one piece of a new (or old) layout with the entry it replaces.
 * @param whole - the single entry on the other side of the change
 * @param piece - one leaf of the table side
 * @param rule - permission rule
 * @returns undefined when identical for the piece's VAs, else what differs
 */
export function pieceMismatch(whole: LeafEntry, part: LeafEntry, rule: PermissionRule): string | undefined {
  // The piece's own OA field, not its contiguous span: a misplaced entry must not hide behind StageOA.
  const piece = { ...part, spanVa: part.va, span: part.size, spanOa: part.oa };
  const cls = ttdUpdateNeedsBBM(whole, piece);
  if (cls === 'oa')
    return `OA 0x${oaAt(piece, piece.va).toString(16)} instead of 0x${oaAt(whole, piece.va).toString(16)}`;
  if (cls !== undefined) return `${cls} differs`;
  if (whole.attrIndx !== piece.attrIndx)
    return `AttrIndx ${piece.attrIndx} instead of ${whole.attrIndx} (a size change keeps the memory attributes exactly, RPVTFW)`;
  if (whole.nG !== piece.nG) return 'nG differs';
  if (whole.af !== piece.af) return 'AF differs';
  if (rule === 'strict' && whole.perms !== piece.perms) return 'permissions differ (AP/PXN/UXN, table limits included)';
  return undefined;
}

/** The first VA where a table side and a single entry disagree, and how. */
export interface IdentityMismatch {
  readonly va: number;
  readonly what: string;
}

/**
 * Checks that the leaves of a table side cover the whole span of `whole` and each matches it.
 * @param whole - the block (or cont entry) on one side
 * @param pieces - the cacheable and non-cacheable leaves under the table side, in VA order
 * @param rule - permission rule
 * @returns the first mismatch, or undefined
 */
export function tableSideMismatch(
  whole: LeafEntry,
  pieces: readonly LeafEntry[],
  rule: PermissionRule,
): IdentityMismatch | undefined {
  let next = whole.va;
  for (const piece of pieces) {
    if (piece.va > next) return { va: next, what: 'VA unmapped on the table side' };
    const what = pieceMismatch(whole, piece, rule);
    if (what !== undefined) return { va: piece.va, what };
    next = piece.va + piece.size;
  }
  if (next < whole.va + whole.size) return { va: next, what: 'VA unmapped on the table side' };
  return undefined;
}

/**
 * B5 for a Contiguous flip on one live leaf: nothing but bit 52 may change (strict), or nothing
 * but bit 52 and the permission bits (allow-permissions).
 * @param older - the old leaf
 * @param newer - the new leaf
 * @param rule - permission rule
 * @returns what differs besides the Contiguous bit, or undefined
 */
export function contFlipMismatch(older: LeafEntry, newer: LeafEntry, rule: PermissionRule): string | undefined {
  return pieceMismatch({ ...older, spanVa: older.va, span: older.size, spanOa: older.oa }, newer, rule);
}
