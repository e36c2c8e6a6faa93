/**
 * Reference checker — B5 identity of a live size change or Contiguous flip (SEMANTICS.md §5 W5;
 * RPVTFW: "the only change is the size"; decision 1, strict). Every VA of the old span must
 * translate the same through the new state: OA, AttrIndx exactly (family 3), SH, NS, nG, AF,
 * validity, and the effective permissions with the hierarchical limits. A VA whose entry in a
 * newly linked subtree was never written is a publication fault instead (T2, `split_pmd()`).
 *
 * Layer: model/reference (tests only).
 */
import { NO_LIMITS, addLimits, effectivePermissions } from './descriptor.ts';
import type { LeafDesc, Limits } from './descriptor.ts';
import { TTBR1_BASE, entriesPerTable, entryBytes } from './geometry.ts';
import { current } from './memory.ts';
import type { RefMemory, TablePage } from './memory.ts';
import { linkTarget, walkedIndexes } from './pointers.ts';

/** The outcome of an identity check: fine, or the code and the first VA that fails. */
export type IdentityResult =
  | undefined
  | { readonly code: 'non-identity-split' | 'table-linked-before-init'; readonly va: bigint; readonly detail: string };

/** A leaf as the walk sees it: the descriptor, its limits and the VA of its first byte. */
interface Piece {
  readonly leaf: LeafDesc;
  readonly limits: Limits;
  readonly va: bigint;
}

/**
 * How two leaves translate a common VA differently, if they do.
 * @param a - the old leaf piece
 * @param b - the new leaf piece
 * @param va - a VA both cover
 * @returns the first differing property, or undefined
 */
export function translationDifference(a: Piece, b: Piece, va: bigint): string | undefined {
  if (a.leaf.oa + (va - a.va) !== b.leaf.oa + (va - b.va)) return 'OA';
  if (a.leaf.attrIndx !== b.leaf.attrIndx) return 'AttrIndx';
  if (a.leaf.sh !== b.leaf.sh) return 'SH';
  if (a.leaf.ns !== b.leaf.ns) return 'NS';
  if (a.leaf.ng !== b.leaf.ng) return 'nG';
  if (a.leaf.af !== b.leaf.af) return 'AF';
  const pa = effectivePermissions(a.leaf, a.limits);
  const pb = effectivePermissions(b.leaf, b.limits);
  if (pa.readOnly !== pb.readOnly || pa.el0 !== pb.el0 || pa.pxn !== pb.pxn || pa.uxn !== pb.uxn) return 'permissions';
  return undefined;
}

/** Where the current tables walk a page: the VA of its entry 0 and the limits above it. */
export interface CurrentPlace {
  readonly vaBase: bigint;
  readonly limits: Limits;
}

/**
 * The current walk from the root down to `target` (through current values only), if any.
 * @param mem - the memory
 * @param target - a table page
 * @returns the VA of its entry 0 and the limits accumulated above it, or undefined
 */
export function currentPlaceOf(mem: RefMemory, target: TablePage): CurrentPlace | undefined {
  const search = (p: TablePage, vaBase: bigint, limits: Limits): CurrentPlace | undefined => {
    if (p === target) return { vaBase, limits };
    const size = entryBytes(mem.geometry, p.level);
    for (const i of walkedIndexes(mem, p)) {
      const s = current(p, i);
      const x = linkTarget(mem, p.level, s);
      const d = s.d;
      if (x === undefined || d.type !== 'table') continue;
      const found = search(x, vaBase + BigInt(i) * size, addLimits(limits, d.limits));
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const root = mem.pages.get(mem.root);
  return root !== undefined ? search(root, TTBR1_BASE, NO_LIMITS) : undefined;
}

/**
 * Compares one leaf piece with everything a table subtree maps over its span, in VA order.
 * `zeroIsT2` makes a never-written entry of the new subtree — the top table or a table it links —
 * a T2 failure (block → table; found/025).
 */
function compareWithTable(
  mem: RefMemory,
  piece: Piece,
  table: TablePage,
  tableVa: bigint,
  limits: Limits,
  pieceIsOld: boolean,
  zeroIsT2: boolean,
): IdentityResult {
  const g = mem.geometry;
  const size = entryBytes(g, table.level);
  for (let i = 0; i < entriesPerTable(g, table.level); i++) {
    const va = tableVa + BigInt(i) * size;
    if (!table.written.has(i)) {
      if (zeroIsT2)
        return { code: 'table-linked-before-init', va, detail: `entry ${i} of the new table was never written` };
      return { code: 'non-identity-split', va, detail: 'validity differs (an entry is invalid)' };
    }
    const s = current(table, i);
    const d = s.d;
    if (d.type === 'leaf') {
      const other: Piece = { leaf: d, limits, va };
      const diff = pieceIsOld ? translationDifference(piece, other, va) : translationDifference(other, piece, va);
      if (diff !== undefined) return { code: 'non-identity-split', va, detail: `${diff} differs` };
      continue;
    }
    const x = d.type === 'table' ? linkTarget(mem, table.level, s) : undefined;
    if (d.type !== 'table' || x === undefined)
      return { code: 'non-identity-split', va, detail: 'validity differs (an entry is invalid)' };
    const r = compareWithTable(mem, piece, x, va, addLimits(limits, d.limits), pieceIsOld, zeroIsT2);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * B5 for block → table: the old block against the new table's subtree (current values).
 * @param mem - the memory
 * @param block - the old block descriptor
 * @param above - limits above the written entry
 * @param va - the block's first VA
 * @param table - the newly linked table
 * @param tableLimits - the new table descriptor's own limits
 * @returns the failure, if any
 */
export function blockToTable(
  mem: RefMemory,
  block: LeafDesc,
  above: Limits,
  va: bigint,
  table: TablePage,
  tableLimits: Limits,
): IdentityResult {
  return compareWithTable(
    mem,
    { leaf: block, limits: above, va },
    table,
    va,
    addLimits(above, tableLimits),
    true,
    true,
  );
}

/**
 * B5 for table → block: everything the old table maps against the new block.
 * @param mem - the memory
 * @param table - the table the old descriptor linked
 * @param tableLimits - the old table descriptor's own limits
 * @param above - limits above the written entry
 * @param va - the entry's first VA
 * @param block - the new block descriptor
 * @returns the failure, if any
 */
export function tableToBlock(
  mem: RefMemory,
  table: TablePage,
  tableLimits: Limits,
  above: Limits,
  va: bigint,
  block: LeafDesc,
): IdentityResult {
  return compareWithTable(
    mem,
    { leaf: block, limits: above, va },
    table,
    va,
    addLimits(above, tableLimits),
    false,
    false,
  );
}

/**
 * B5 for a Contiguous flip: the old and new descriptor of one entry.
 * @param oldLeaf - the old descriptor
 * @param newLeaf - the new descriptor
 * @param above - limits above the entry
 * @param va - the entry's first VA
 * @returns the failure, if any
 */
export function contiguousFlip(oldLeaf: LeafDesc, newLeaf: LeafDesc, above: Limits, va: bigint): IdentityResult {
  const diff = translationDifference({ leaf: oldLeaf, limits: above, va }, { leaf: newLeaf, limits: above, va }, va);
  return diff === undefined ? undefined : { code: 'non-identity-split', va, detail: `${diff} differs` };
}
