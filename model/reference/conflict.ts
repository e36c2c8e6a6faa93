/**
 * Reference checker — when a held entry is current (SEMANTICS.md §2) and when two held entries
 * conflict for a CPU (SEMANTICS.md §4, arm-bbm-rules.md §5.5 multi-hits):
 *
 * - two leaf entries that need break-before-make between them (RWHZWS through herd's
 *   `TTD-update-needsBBM`: OA at a common VA, memory-type class with Normal ≡ Normal-Tagged, SH,
 *   NS, nG 1 → 0 from the older to the newer) — on every CPU (RFVQCK);
 * - else two leaf entries of different shape — on a CPU without noabort, unless it has BBM level
 *   ≥ 1 and one side comes from a block with nT = 1 (IXPRKH);
 * - two walk entries of one level linking different pages — without noabort;
 * - a walk entry of level L and a leaf entry of level ≤ L — without noabort (IHYQMB, RRVJDB).
 *
 * Layer: model/reference (tests only).
 */
import type { CpuSpec } from '../events.ts';
import { memoryClass } from './descriptor.ts';
import type { LeafDesc } from './descriptor.ts';
import { oaOf, spansOverlap } from './entries.ts';
import type { LeafEntry, TlbEntry } from './entries.ts';
import { current, locate } from './memory.ts';
import type { RefMemory } from './memory.ts';
import { linkTarget } from './pointers.ts';

/**
 * SEMANTICS.md §2: an entry is current when every descriptor of its walk (which starts at the
 * root) is the latest store of its entry, and every table link on it still links the same page.
 * @param mem - the memory
 * @param e - a held entry
 * @returns true if current, false if stale
 */
export function isCurrent(mem: RefMemory, e: TlbEntry): boolean {
  for (const step of e.path) {
    const at = locate(mem, step.loc);
    if (at === undefined) return false;
    const s = current(at.page, at.index);
    if (s.value !== step.value) return false;
    if (step.linkGen !== undefined && linkTarget(mem, at.page.level, s)?.gen !== step.linkGen) return false;
  }
  return true;
}

/**
 * `ttdUpdateNeedsBBM(older, newer)` for two overlapping leaf entries (B1, RWHZWS).
 * @param older - the entry whose leaf store is older
 * @param newer - the other one
 * @returns a short reason, or undefined when no break-before-make is needed between them
 */
export function needsBBM(older: LeafEntry, newer: LeafEntry): string | undefined {
  const va = older.vaBase > newer.vaBase ? older.vaBase : newer.vaBase;
  if (oaOf(older, va) !== oaOf(newer, va)) return 'OA';
  return attributesNeedBBM(older.desc, newer.desc);
}

/**
 * W5 (B1) for a leaf → leaf store with the Contiguous bit unchanged: the same classes, on the
 * descriptors' own OAs.
 * @param a - the old leaf
 * @param b - the new leaf
 * @returns a short reason, or undefined
 */
export function descriptorsNeedBBM(a: LeafDesc, b: LeafDesc): string | undefined {
  return a.oa !== b.oa ? 'OA' : attributesNeedBBM(a, b);
}

/** The attribute classes of `ttdUpdateNeedsBBM` (memory type, SH, NS, nG 1 → 0). */
function attributesNeedBBM(a: LeafDesc, b: LeafDesc): string | undefined {
  if (memoryClass(a.attrIndx) !== memoryClass(b.attrIndx)) return 'memory type';
  if (a.sh !== b.sh) return 'shareability';
  if (a.ns !== b.ns) return 'NS';
  if (a.ng && !b.ng) return 'nG 1→0';
  return undefined;
}

/**
 * SEMANTICS.md §4 shapes: (level, span); the span and individual entries of Contiguous
 * descriptors of one group at one level are one shape.
 * @param a - a leaf entry
 * @param b - another
 * @returns true if same shape
 */
export function sameShape(a: LeafEntry, b: LeafEntry): boolean {
  if (a.level !== b.level) return false;
  if (a.vaBase === b.vaBase && a.vaSize === b.vaSize) return true;
  return a.group !== undefined && a.group === b.group;
}

/**
 * Whether two entries of `Held(c)` conflict for CPU `c` (SEMANTICS.md §4).
 * @param cpu - the CPU's BBM level and noabort
 * @param a - an entry
 * @param b - another entry
 * @returns the reason, or undefined if they do not conflict
 */
export function conflictReason(cpu: CpuSpec, a: TlbEntry, b: TlbEntry): string | undefined {
  if (!spansOverlap(a, b)) return undefined;
  if (a.kind === 'leaf' && b.kind === 'leaf') {
    const [older, newer] = a.storeTime <= b.storeTime ? [a, b] : [b, a];
    const bbm = needsBBM(older, newer);
    if (bbm !== undefined) return `leaf entries differ in ${bbm}`;
    if (cpu.noabort || sameShape(a, b)) return undefined;
    if (cpu.bbm >= 1 && ((a.desc.block && a.desc.nT) || (b.desc.block && b.desc.nT))) return undefined;
    return 'leaf entries of different sizes';
  }
  if (cpu.noabort) return undefined;
  if (a.kind === 'walk' && b.kind === 'walk') {
    return a.level === b.level && a.page !== b.page ? 'walk-cache entries link different tables' : undefined;
  }
  const [w, leaf] = a.kind === 'walk' ? [a, b] : [b, a];
  if (leaf.kind !== 'leaf' || leaf.level > w.level) return undefined;
  // Reading R10 (scenario README reading 11): IXPRKH's "not cached in a way that can conflict"
  // covers walk entries too, or the nT protocol (W5's B4 exemption) could never be clean.
  if (cpu.bbm >= 1 && leaf.desc.block && leaf.desc.nT) return undefined;
  return 'walk-cache entry beside a leaf at its level or above';
}
