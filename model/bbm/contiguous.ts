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
  leafPermissions,
  outputAddress,
} from '../arch/descriptor.ts';
import type { Geometry } from '../arch/geometry.ts';
import { BIT } from '../arch/descriptor.ts';
import type { TablePage } from '../arch/memory.ts';

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
 * The memory attributes a group's members must share exactly (C1): AttrIndx itself (Normal and
 * Normal-Tagged differ here; decision 11 is for B1 only), SH, NS and nG.
 * @param lo - bits[31:0] of a leaf
 * @returns the packed key
 */
export function groupAttributeKey(lo: number): number {
  return (
    ((lo >>> BIT.AttrIndx) & 7) |
    (((lo >>> BIT.SH) & 3) << 3) |
    (((lo >>> BIT.NS) & 1) << 5) |
    (((lo >>> BIT.nG) & 1) << 6)
  );
}

/**
 * Checks the group containing `page[index]`, whatever the bits of the entry just written
 * (a rule about a set of entries is judged on the set, SEMANTICS.md W7).
 * @param geo - granule geometry
 * @param page - the table page
 * @param index - an entry of the group
 * @param mixAllowed - whether a mix of Contiguous and non-Contiguous valid entries is tolerated
 *   (every CPU that may walk the group has noabort)
 * @returns the verdict
 */
export function checkContiguousGroup(geo: Geometry, page: TablePage, index: number, mixAllowed: boolean): GroupVerdict {
  const n = geo.contEntries[page.level] ?? 0;
  if (n === 0) return NONE;
  const size = geo.entrySpan[page.level] ?? 0;
  const groupSpan = n * size;
  const start = index - (index % n);
  // The Contiguous members fix the group's base, attributes and permissions.
  let base = -1;
  let key = -1;
  let perms = -1;
  for (let i = start; i < start + n; i++) {
    const lo = page.lo[i] ?? 0;
    const hi = page.hi[i] ?? 0;
    if (decodeDescriptorType(geo, lo, page.level) !== DescriptorType.Leaf || contiguousBit(hi) === 0) continue;
    const oa = outputAddress(geo, lo, hi);
    const entryBase = oa - (i - start) * size;
    if (entryBase % groupSpan !== 0)
      return bad(`entry ${i - start} maps 0x${oa.toString(16)}, not at its place in an aligned group`);
    const k = groupAttributeKey(lo);
    if (base < 0) {
      base = entryBase;
      key = k;
      perms = leafPermissions(lo, hi);
      continue;
    }
    if (entryBase !== base)
      return bad(
        `entry ${i - start} maps 0x${oa.toString(16)}, expected 0x${(base + (i - start) * size).toString(16)}`,
      );
    if (k !== key) return bad(`entry ${i - start} has different memory attributes (AttrIndx, SH, NS) or nG`);
  }
  if (base < 0) return NONE;
  // Every other valid member: permissions may differ (transiently); a plain member is a mix.
  let mixedPermissions = false;
  let mixed = false;
  for (let i = start; i < start + n; i++) {
    const lo = page.lo[i] ?? 0;
    const hi = page.hi[i] ?? 0;
    const type = decodeDescriptorType(geo, lo, page.level);
    if (type === DescriptorType.Invalid) continue;
    const plain = type === DescriptorType.Table || contiguousBit(hi) === 0;
    if (plain && !mixAllowed) {
      const what = type === DescriptorType.Table ? 'a table descriptor' : 'valid without the Contiguous bit';
      return bad(`entry ${i - start} is ${what} beside Contiguous entries`, true);
    }
    mixed ||= plain;
    if (type === DescriptorType.Table) continue;
    if (plain) {
      const oa = outputAddress(geo, lo, hi);
      if (oa !== base + (i - start) * size)
        return bad(
          `entry ${i - start} (without the Contiguous bit) maps 0x${oa.toString(16)}, but the group's Contiguous entries translate its VAs to 0x${(base + (i - start) * size).toString(16)}`,
          true,
        );
      if (groupAttributeKey(lo) !== key)
        return bad(`entry ${i - start} (without the Contiguous bit) has different memory attributes or nG`, true);
    }
    if (leafPermissions(lo, hi) !== perms) mixedPermissions = true;
  }
  return { problem: undefined, mixedPermissions, hasContiguous: true, mixed };
}

function bad(problem: string, mixed = false): GroupVerdict {
  return { problem, mixedPermissions: false, hasContiguous: true, mixed };
}
