/**
 * Writing the members of a level-3 contiguous group one store at a time, in any order, into
 * the empty PTE table of `ptePrefix` (any granule): the shape the family-1 scenarios vary.
 *
 * Layer: model/scenarios (generator only).
 */
import type { ViolationCode } from '../../bbm/violations.ts';
import type { Trace } from './builder.ts';
import type { LeafProt } from './descriptors.ts';
import type { Layout } from './anygranule.ts';
import { ptePrefix } from './anygranule.ts';

/** One member store. */
export interface MemberWrite {
  /** The entry index in the PTE table. */
  readonly i: bigint;
  readonly o: LeafProt;
  /** The OA (default: the identity OA of entry i). */
  readonly pa?: bigint;
  /** This store is the expected first violation. */
  readonly bad?: boolean;
}

/**
 * Maps an empty PTE table, then the member stores in order, then `dsb ishst; isb`.
 * @param t - the trace
 * @param writes - the stores, given the layout and the group size N
 * @param code - the violation expected at the store marked `bad`
 * @returns the trace
 */
export function writeMembers(
  t: Trace,
  writes: (m: Layout, n: bigint) => readonly MemberWrite[],
  code?: ViolationCode,
): Trace {
  const m = ptePrefix(t, { count: 0 });
  const sz = t.size(3);
  for (const w of writes(m, t.contN(3))) {
    t.map(0, m.pte, 3, m.va + w.i * sz, w.pa ?? m.pa + w.i * sz, w.o);
    if (w.bad && code) t.expect(code);
  }
  t.dsb(0, 'ishst').isb(0);
  return t;
}

/**
 * The stores `o(i)` for entries `from` to `to - 1`.
 * @param from - first entry
 * @param to - one past the last
 * @param o - the fields of entry i
 * @returns the stores
 */
export function members(from: bigint, to: bigint, o: (i: bigint) => Omit<MemberWrite, 'i'>): MemberWrite[] {
  const out: MemberWrite[] = [];
  for (let i = from; i < to; i++) out.push({ i, ...o(i) });
  return out;
}
