/**
 * C1/C3, the programming of a contiguous group: the naturally aligned run of N entries of one
 * table. Every valid entry with the Contiguous bit must be a leaf that maps base + i × size (base
 * aligned to the group) with the same memory attributes and nG; a non-Contiguous valid entry
 * beside them is a conflict risk for a CPU without noabort; differing permissions are allowed only
 * transiently (RJQQTC) and are reported by the caller when the repaint is flushed.
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
  memoryKey,
  outputAddress,
} from '../arch/descriptor.ts';
import type { Geometry } from '../arch/geometry.ts';
import { BIT } from '../arch/descriptor.ts';
import type { TablePage } from '../arch/memory.ts';

/** The verdict on one group. */
export interface GroupVerdict {
  /** What is misprogrammed, or undefined. */
  readonly problem: string | undefined;
  /** Whether Contiguous entries disagree on permissions only (transient repaint). */
  readonly mixedPermissions: boolean;
  /** Whether the group has any valid Contiguous entry. */
  readonly hasContiguous: boolean;
}

/**
 * Checks the group containing `page[index]`.
 * @param geo - granule geometry
 * @param page - the table page
 * @param index - an entry of the group
 * @param mixAllowed - whether a mix of Contiguous and non-Contiguous valid entries is tolerated
 *   (every CPU that may walk the group has noabort)
 * @returns the verdict
 */
export function checkContiguousGroup(geo: Geometry, page: TablePage, index: number, mixAllowed: boolean): GroupVerdict {
  const n = geo.contEntries[page.level] ?? 0;
  const none: GroupVerdict = { problem: undefined, mixedPermissions: false, hasContiguous: false };
  if (n === 0) return none;
  const size = geo.entrySpan[page.level] ?? 0;
  const groupSpan = n * size;
  const start = index - (index % n);
  let base = -1;
  let key = -1;
  let perms = -1;
  let mixedPermissions = false;
  let plain = -1;
  for (let i = start; i < start + n; i++) {
    const lo = page.lo[i] ?? 0;
    const hi = page.hi[i] ?? 0;
    const type = decodeDescriptorType(geo, lo, page.level);
    if (type === DescriptorType.Invalid) continue;
    if (type === DescriptorType.Table || contiguousBit(hi) === 0) {
      plain = i;
      continue;
    }
    const oa = outputAddress(geo, lo, hi);
    const entryBase = oa - (i - start) * size;
    if (entryBase % groupSpan !== 0)
      return bad(`entry ${i - start} maps 0x${oa.toString(16)}, not at its place in an aligned group`);
    const k = memoryKey(lo) | (((lo >>> BIT.nG) & 1) << 6);
    const p = leafPermissions(lo, hi);
    if (base < 0) {
      base = entryBase;
      key = k;
      perms = p;
      continue;
    }
    if (entryBase !== base)
      return bad(
        `entry ${i - start} maps 0x${oa.toString(16)}, expected 0x${(base + (i - start) * size).toString(16)}`,
      );
    if (k !== key) return bad(`entry ${i - start} has different memory attributes or nG`);
    if (p !== perms) mixedPermissions = true;
  }
  if (base < 0) return none;
  if (plain >= 0 && !mixAllowed)
    return bad(`entry ${plain - start} is valid without the Contiguous bit beside Contiguous entries`);
  return { problem: undefined, mixedPermissions, hasContiguous: true };
}

function bad(problem: string): GroupVerdict {
  return { problem, mixedPermissions: false, hasContiguous: true };
}
