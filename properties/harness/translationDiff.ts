/**
 * Compares two translations (maplets from `interp`, shape dropped) and names the first VA where
 * they differ, in words a kernel developer reads: "VA … was mapped to PA … (RW, Normal) and is
 * now unmapped".
 *
 * Layer: properties/harness.
 */
import type { Maplet } from '../../model/abstract/interp.ts';
import { PERM } from '../../model/arch/descriptor.ts';

/** What one VA translates to, or undefined when unmapped. */
function at(ms: readonly Maplet[], va: bigint): { pa: bigint; m: Maplet } | undefined {
  for (const m of ms) if (va >= m.va && va < m.va + m.size) return { pa: m.pa + (va - m.va), m };
  return undefined;
}

function describe(t: { pa: bigint; m: Maplet } | undefined): string {
  if (t === undefined) return 'unmapped';
  const p = t.m.perms;
  const rw = (p & PERM.AP2) !== 0 ? 'RO' : 'RW';
  const x = (p & PERM.PXN) !== 0 ? 'PXN' : 'kernel-executable';
  const type =
    ['Normal', '?', 'Normal-NC', 'Device-nGnRnE', 'Device-nGnRE'][t.m.memKey & 7] ?? `type ${t.m.memKey & 7}`;
  return `PA 0x${t.pa.toString(16)} (${rw}, ${x}, ${type}${t.m.af === 0 ? ', AF=0' : ''})`;
}

/**
 * The first difference between two translations, or undefined when equal.
 * @param before - maplets before
 * @param after - maplets after
 * @returns one line, or undefined
 */
export function firstDifference(before: readonly Maplet[], after: readonly Maplet[]): string | undefined {
  const edges = new Set<bigint>();
  for (const m of [...before, ...after]) {
    edges.add(m.va);
    edges.add(m.va + m.size);
  }
  const sorted = [...edges].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const va of sorted) {
    const b = at(before, va);
    const a = at(after, va);
    const same =
      (a === undefined && b === undefined) ||
      (a !== undefined &&
        b !== undefined &&
        a.pa === b.pa &&
        a.m.perms === b.m.perms &&
        a.m.memKey === b.m.memKey &&
        a.m.nG === b.m.nG &&
        a.m.af === b.m.af);
    if (!same)
      return `VA 0x${va.toString(16)} was mapped to ${describe(b)} and is now ${a === undefined ? 'unmapped' : `mapped to ${describe(a)}`}`;
  }
  return undefined;
}
