/**
 * C1/C3, the programming of a contiguous group: the naturally aligned run of N entries of one
 * table. Every valid leaf with the Contiguous bit must map base + i × size (base aligned to the
 * group) with exactly the same AttrIndx, SH, NS and nG; a valid member without the bit (or a table
 * descriptor) beside them is a conflict risk for a CPU without noabort and, with noabort, must
 * translate as the group does; differing permissions are allowed only transiently (RJQQTC) and
 * are reported by the caller when the repaint is flushed (SEMANTICS.md W7, C3).
 *
 * @see Arm ARM DDI 0487 M.b D8.7.1 "The Contiguous bit" (RNGLXZ, RJQQTC); arch/arm64/mm/mmu.c:
 *   alloc_init_cont_pte(); arch/arm64/mm/contpte.c: contpte_is_consistent()
 * Layer: model/bbm.
 */
import {
  DescriptorType,
  contiguousBit,
  decodeDescriptorType,
  groupAttributeKey,
  leafPermissions,
  leafOutputAddress,
} from '../arch/descriptor.ts';
import type { Geometry } from '../arch/geometry.ts';
import type { TablePage } from '../arch/memory.ts';

export { groupAttributeKey } from '../arch/descriptor.ts';

/** The verdict on one group. */
export interface GroupVerdict {
  /** What is misprogrammed, or undefined. */
  readonly problem: string | undefined;
  /** Whether valid members disagree on permissions only (a transient repaint, C3). */
  readonly mixedPermissions: boolean;
  /** Whether the group has any valid Contiguous leaf. */
  readonly hasContiguous: boolean;
  /** Whether a valid member without the Contiguous bit (or a table) sits beside Contiguous ones. */
  readonly mixed: boolean;
}

const NONE: GroupVerdict = { problem: undefined, mixedPermissions: false, hasContiguous: false, mixed: false };

/**
 * Checks the group containing `page[index]`, whatever the bits of the entry just written
 * (a rule about a set of entries is judged on the set, SEMANTICS.md W7). The page's group counts
 * (`TablePage.groups`, model/arch/groupSummary.ts) answer when every valid leaf agrees with the
 * others; any disagreement is described by {@link scanContiguousGroup}, which defines the verdict.
 * @param geo - granule geometry
 * @param page - the table page
 * @param index - an entry of the group
 * @param mixAllowed - whether a mix of Contiguous and non-Contiguous valid entries is tolerated
 *   (every CPU that may walk the group has noabort)
 * @returns the verdict
 */
export function checkContiguousGroup(geo: Geometry, page: TablePage, index: number, mixAllowed: boolean): GroupVerdict {
  const s = page.groups;
  if (s.n === 0) return NONE;
  const g = Math.floor(index / s.n);
  if ((s.cont[g] ?? 0) === 0) return NONE;
  const leaves = s.leaves(g);
  if (s.placeMatch[g] === 0 || s.permMatch[g] === 0) s.rebase(g, page.lo, page.hi);
  const mixed = (s.plain[g] ?? 0) > 0 || (s.tables[g] ?? 0) > 0;
  const groupSpan = s.n * (geo.entrySpan[page.level] ?? 0);
  // Some member misplaced or with other attributes, the group misaligned, or a forbidden mix.
  if (s.placeMatch[g] !== leaves || (s.refBase[g] ?? 0) % groupSpan !== 0 || (mixed && !mixAllowed))
    return scanContiguousGroup(geo, page, index, mixAllowed);
  return { problem: undefined, mixedPermissions: s.permMatch[g] !== leaves, hasContiguous: true, mixed };
}

/**
 * The verdict on a group from its entries, one pass in entry order: the first valid leaf is the
 * reference, the first member that disagrees with it is the problem reported.
 * @param geo - granule geometry
 * @param page - the table page
 * @param index - an entry of the group
 * @param mixAllowed - as for {@link checkContiguousGroup}
 * @returns the verdict
 */
export function scanContiguousGroup(geo: Geometry, page: TablePage, index: number, mixAllowed: boolean): GroupVerdict {
  const n = geo.contEntries[page.level] ?? 0;
  if (n === 0) return NONE;
  const size = geo.entrySpan[page.level] ?? 0;
  const groupSpan = n * size;
  const start = index - (index % n);
  // One pass: every valid leaf member, with or without the bit, must sit at its place in one
  // aligned group with one set of attributes; the first one found is the reference.
  let base = -1;
  let key = -1;
  let perms = -1;
  let cont = false;
  let mixedPermissions = false;
  let plain = -1;
  let table = -1;
  let problem: string | undefined;
  for (let i = start; i < start + n; i++) {
    const lo = page.lo[i] ?? 0;
    const type = decodeDescriptorType(geo, lo, page.level);
    if (type === DescriptorType.Invalid) continue;
    if (type === DescriptorType.Table) {
      table = i;
      continue;
    }
    const hi = page.hi[i] ?? 0;
    const isCont = contiguousBit(hi) === 1;
    if (isCont) cont = true;
    else plain = i;
    if (problem !== undefined) continue;
    const oa = leafOutputAddress(geo, lo, hi, page.level);
    const entryBase = oa - (i - start) * size;
    const k = groupAttributeKey(lo);
    const p = leafPermissions(lo, hi);
    const what = isCont ? '' : ' (without the Contiguous bit)';
    if (base < 0) {
      base = entryBase;
      key = k;
      perms = p;
      if (entryBase % groupSpan !== 0)
        problem = `entry ${i - start}${what} maps 0x${oa.toString(16)}, not at its place in an aligned group`;
      continue;
    }
    if (entryBase !== base)
      problem = `entry ${i - start}${what} maps 0x${oa.toString(16)}, expected 0x${(base + (i - start) * size).toString(16)}`;
    else if (k !== key) problem = `entry ${i - start}${what} has different memory attributes (AttrIndx, SH, NS) or nG`;
    else if (p !== perms) mixedPermissions = true;
  }
  if (!cont) return NONE;
  const mixed = plain >= 0 || table >= 0;
  if (mixed && !mixAllowed) {
    const at = plain >= 0 ? plain : table;
    const what = plain >= 0 ? 'valid without the Contiguous bit' : 'a table descriptor';
    return bad(`entry ${at - start} is ${what} beside Contiguous entries`, true);
  }
  if (problem !== undefined) return bad(problem, mixed);
  return { problem: undefined, mixedPermissions, hasContiguous: true, mixed };
}

function bad(problem: string, mixed = false): GroupVerdict {
  return { problem, mixedPermissions: false, hasContiguous: true, mixed };
}
