/**
 * Which descriptor changes need break-before-make, and which pairs of TLB entries for one VA may
 * coexist. The predicates reuse herd7's relation names (`aarch64bbm.cat`) as camelCase; the
 * size/contiguity relaxations of FEAT_BBM level 2 with noabort are layered on top.
 *
 * @see Arm ARM DDI 0487 M.b D8.17.1 "Using break-before-make when updating translation table
 *   entries" (RWHZWS, IWZRHR), D8.17.2 (RKFLJB, RPVTFW), D8.16 (IHYQMB, RFVQCK)
 * Layer: model/bbm.
 */
import { memoryTypeClass } from '../arch/descriptor.ts';
import type { LeafEntry } from '../arch/walk.ts';

/** OA of `va` as a leaf entry translates it (Sail `StageOA` over the entry's TLB span). */
export function oaAt(entry: LeafEntry, va: number): number {
  return entry.spanOa + (va - entry.spanVa);
}

/**
 * `TTD-OA-update`: the two entries give a different OA (or OA space) for a VA they both map.
 * DEVIATION: herd also requires a writable side or differing memory contents; the model does not
 * track memory contents, so every OA change counts (as Linux's `pgattr_change_is_safe()` does).
 */
export function ttdOAUpdate(a: LeafEntry, b: LeafEntry): boolean {
  const va = Math.max(a.spanVa, b.spanVa);
  return oaAt(a, va) !== oaAt(b, va) || ((a.memKey ^ b.memKey) & 0x20) !== 0;
}

/** `TTD-MT-update` | `TTD-DT-update` | cacheability: the memory type class differs (decision 11). */
export function ttdMTUpdate(a: LeafEntry, b: LeafEntry): boolean {
  return memoryTypeClass(a.memKey & 7) !== memoryTypeClass(b.memKey & 7);
}

/** `TTD-SH-update`: shareability differs. */
export function ttdSHUpdate(a: LeafEntry, b: LeafEntry): boolean {
  return ((a.memKey >>> 3) & 3) !== ((b.memKey >>> 3) & 3);
}

/** RWHZWS item 4: a global entry is created where a non-global one may be cached (nG 1 → 0). */
export function ttdGlobalCreated(older: LeafEntry, newer: LeafEntry): boolean {
  return older.nG === 1 && newer.nG === 0;
}

/**
 * `TTD-update-needsBBM`: the class of change that needs break-before-make at every FEAT_BBM
 * level, or undefined when the change may be made live (permissions, AF, DBM, nG 0 → 1, SW bits,
 * Normal ↔ Normal-Tagged).
 * @param older - the entry being replaced (or held stale)
 * @param newer - the entry that becomes visible
 * @returns `'oa' | 'memtype' | 'shareability' | 'global'` or undefined
 */
export function ttdUpdateNeedsBBM(older: LeafEntry, newer: LeafEntry): string | undefined {
  if (ttdOAUpdate(older, newer)) return 'oa';
  if (ttdMTUpdate(older, newer)) return 'memtype';
  if (ttdSHUpdate(older, newer)) return 'shareability';
  if (ttdGlobalCreated(older, newer)) return 'global';
  return undefined;
}

/**
 * Same TLB shape (SEMANTICS.md §4): the same level and span; a span entry and an individual entry
 * of Contiguous descriptors of one group at one level count as one shape (the bit is a hint: a TLB
 * may cache the group either way, and consistent copies of it never conflict).
 */
export function sameShape(a: LeafEntry, b: LeafEntry): boolean {
  if (a.level !== b.level) return false;
  if (a.spanVa === b.spanVa && a.span === b.span) return true;
  return a.contiguous === 1 && b.contiguous === 1 && overlaps(a, b);
}

/** Whether two leaf spans overlap. */
export function overlaps(a: LeafEntry, b: LeafEntry): boolean {
  return a.spanVa < b.spanVa + b.span && b.spanVa < a.spanVa + a.span;
}

/** What a CPU may do with a pair of TLB entries for one VA (arm-bbm-rules.md §5.5). */
export interface CpuCapability {
  readonly bbm: number;
  readonly noabort: boolean;
}

/**
 * Whether a CPU may hold `older` (cached) and `newer` (visible in memory) for the same VAs.
 * Compatible copies (same shape and memory, permissions may differ) are fine everywhere; a size
 * or contiguity difference with the same memory is fine with noabort (B7), or at level ≥ 1 when
 * one side is an nT=1 block (IXPRKH); a memory difference is a conflict everywhere (RFVQCK).
 * @param older - the cached entry
 * @param newer - the entry now in memory
 * @param cpu - the holder
 * @returns undefined when allowed, else a short reason
 */
export function conflictFor(older: LeafEntry, newer: LeafEntry, cpu: CpuCapability): string | undefined {
  const pair = pairConflict(older, newer);
  return pair === SHAPE_ONLY ? shapeConflictFor(older, newer, cpu) : pair;
}

/** {@link pairConflict}'s answer when only the size or contiguity differs: it depends on the CPU. */
export const SHAPE_ONLY = 'shape-only';

/**
 * The part of {@link conflictFor} that does not depend on the CPU, so that a pair held by several
 * CPUs is judged once (a data-structure shortcut, the same rule): undefined when the pair is
 * allowed everywhere (no overlap, or the same shape and memory), a reason when it conflicts
 * everywhere (a memory difference), {@link SHAPE_ONLY} when {@link shapeConflictFor} decides.
 * @param older - the cached entry
 * @param newer - the entry now in memory
 * @returns undefined, a reason, or SHAPE_ONLY
 */
export function pairConflict(older: LeafEntry, newer: LeafEntry): string | undefined {
  if (!overlaps(older, newer)) return undefined;
  const needs = ttdUpdateNeedsBBM(older, newer);
  if (needs !== undefined) return `${needs} differs`;
  if (sameShape(older, newer)) return undefined;
  return SHAPE_ONLY;
}

/**
 * {@link conflictFor} for a pair that differs only in size or contiguity ({@link SHAPE_ONLY}):
 * allowed with noabort, or at level ≥ 1 when one side is an nT=1 block.
 * @param older - the cached entry
 * @param newer - the entry now in memory
 * @param cpu - the holder
 * @returns undefined when allowed, else a short reason
 */
export function shapeConflictFor(older: LeafEntry, newer: LeafEntry, cpu: CpuCapability): string | undefined {
  if (cpu.noabort) return undefined;
  if (cpu.bbm >= 1 && (older.nT === 1 || newer.nT === 1)) return undefined;
  return `${describeShape(older)} and ${describeShape(newer)}`;
}

/**
 * A short human description of a leaf's TLB shape, e.g. `2M block` or `64K contiguous pages`.
 * @param e - the leaf
 * @returns the description
 */
export function describeShape(e: LeafEntry): string {
  const kind = e.level === 3 ? 'page' : 'block';
  return e.contiguous === 1 ? `${formatSize(e.span)} contiguous ${kind}s` : `${formatSize(e.size)} ${kind}`;
}

/**
 * Formats a power-of-two byte size as `4K`, `2M`, `1G`, `16T`.
 * @param bytes - the size
 * @returns the short form
 */
export function formatSize(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit++;
  }
  return `${value}${units[unit] ?? ''}`;
}
