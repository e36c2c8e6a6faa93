/**
 * Reference checker — contiguous groups (SEMANTICS.md §5 W7 and `dsb`; arm-bbm-rules.md §4.2,
 * C1/C3; RNGLXZ, RJQQTC). A group is the naturally aligned run of N entries of one table page at a
 * level with the Contiguous bit (§4.1); its members are read at their current values.
 *
 * Layer: model/reference (tests only).
 */
import type { CpuSpec } from '../events.ts';
import type { Decoded, LeafDesc } from './descriptor.ts';
import { contEntries, entryBytes } from './geometry.ts';
import { current, history } from './memory.ts';
import type { RefMemory, Store, TablePage } from './memory.ts';

/** One member of a group at its current value. */
interface Member {
  readonly i: number;
  readonly d: Decoded;
}

/**
 * The current members of group `groupIndex` of a page.
 * @param mem - the memory
 * @param page - the table page
 * @param groupIndex - which group
 * @returns the members (empty where the level has no Contiguous bit)
 */
function members(mem: RefMemory, page: TablePage, groupIndex: number): Member[] {
  const n = contEntries(mem.geometry, page.level);
  const out: Member[] = [];
  for (let i = 0; i < n; i++) out.push({ i, d: current(page, groupIndex * n + i).d });
  return out;
}

const contLeaf = (m: Member): boolean => m.d.type === 'leaf' && m.d.cont;

/**
 * The number of groups of a page (0 where its level has no Contiguous bit).
 * @param mem - the memory
 * @param page - a table page
 * @returns how many groups
 */
export function groupCount(mem: RefMemory, page: TablePage): number {
  const n = contEntries(mem.geometry, page.level);
  if (n === 0) return 0;
  return Math.ceil(Number(mem.geometry.pageBytes / 8n) / n);
}

/**
 * W7 (C1): a group holding a valid Contiguous leaf must have every valid leaf member map
 * `base + i × size` with `base` aligned to the group, with one AttrIndx, SH, NS and nG; a valid
 * member without the Contiguous bit, or a table, is allowed beside Contiguous ones only when every
 * observer has noabort. Permissions may differ (C3 judges that at a DSB).
 * @param mem - the memory
 * @param page - the table page
 * @param groupIndex - the group
 * @param observers - the running CPUs that may walk the page
 * @returns the reason it is misprogrammed, or undefined
 */
export function misprogrammed(
  mem: RefMemory,
  page: TablePage,
  groupIndex: number,
  observers: readonly CpuSpec[],
): string | undefined {
  const ms = members(mem, page, groupIndex);
  if (!ms.some(contLeaf)) return undefined;
  const n = BigInt(ms.length);
  const size = entryBytes(mem.geometry, page.level);
  // The Contiguous members first, then every other valid leaf against them.
  const leaves = ms.filter((m) => m.d.type === 'leaf').sort((a, b) => Number(contLeaf(b)) - Number(contLeaf(a)));
  let first: LeafDesc | undefined;
  let base: bigint | undefined;
  for (const m of leaves) {
    if (m.d.type !== 'leaf') continue;
    const who = `member ${m.i}${m.d.cont ? '' : ' (non-Contiguous)'}`;
    const b = m.d.oa - BigInt(m.i) * size;
    if (first === undefined) {
      first = m.d;
      base = b;
      if (b % (n * size) !== 0n) return `${who}: group base OA is not aligned to the group`;
      continue;
    }
    if (b !== base) return `${who}: OA is not base + ${m.i} × size`;
    if (m.d.attrIndx !== first.attrIndx) return `${who}: AttrIndx differs`;
    if (m.d.sh !== first.sh) return `${who}: SH differs`;
    if (m.d.ns !== first.ns) return `${who}: NS differs`;
    if (m.d.ng !== first.ng) return `${who}: nG differs`;
  }
  const mixed = ms.find((m) => m.d.type !== 'invalid' && !contLeaf(m));
  const lacking = observers.find((c) => !c.noabort);
  if (mixed !== undefined && lacking !== undefined)
    return `member ${mixed.i} is valid without the Contiguous bit while cpu ${lacking.id} lacks noabort`;
  return undefined;
}

/**
 * C3: whether a group holds a valid Contiguous leaf and valid members whose permissions (AP,
 * PXN, UXN) differ, a partial repaint (RJQQTC).
 * @param mem - the memory
 * @param page - the table page
 * @param groupIndex - the group
 * @returns `contiguous` when the Contiguous members themselves differ, `mixed` when only a
 *   non-Contiguous member differs from them, undefined when not partly repainted
 */
export function partlyRepainted(
  mem: RefMemory,
  page: TablePage,
  groupIndex: number,
): 'contiguous' | 'mixed' | undefined {
  const ms = members(mem, page, groupIndex);
  if (!ms.some(contLeaf)) return undefined;
  const perms = (keep: (m: Member) => boolean): number =>
    new Set(ms.flatMap((m) => (m.d.type === 'leaf' && keep(m) ? [`${m.d.ap}/${m.d.pxn}/${m.d.uxn}`] : []))).size;
  if (perms(contLeaf) > 1) return 'contiguous';
  return perms(() => true) > 1 ? 'mixed' : undefined;
}

/**
 * The latest store into any member of a group (the alloc stores are not stores by a CPU).
 * @param mem - the memory
 * @param page - the table page
 * @param groupIndex - the group
 * @returns the store, or undefined if no member was written
 */
export function lastStoreInto(mem: RefMemory, page: TablePage, groupIndex: number): Store | undefined {
  const n = contEntries(mem.geometry, page.level);
  let last: Store | undefined;
  for (let i = groupIndex * n; i < (groupIndex + 1) * n; i++)
    for (const s of history(page, i))
      if (s.writer !== undefined && (last === undefined || s.time > last.time)) last = s;
  return last;
}

/**
 * VA span of a group, given the VA of the page's entry 0.
 * @param mem - the memory
 * @param page - the page
 * @param groupIndex - the group
 * @param pageVa - VA of entry 0
 * @returns `[base, size]`
 */
export function groupSpan(mem: RefMemory, page: TablePage, groupIndex: number, pageVa: bigint): [bigint, bigint] {
  const bytes = entryBytes(mem.geometry, page.level) * BigInt(contEntries(mem.geometry, page.level));
  return [pageVa + BigInt(groupIndex) * bytes, bytes];
}
