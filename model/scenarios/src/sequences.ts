/**
 * Whole operations on the 4K boot map that several families vary: the on-demand noabort split
 * and the level-0 collapse of a PTE table. Each states its expectation (`bad`) on the event that
 * the caller's rule makes the first violation.
 *
 * Layer: model/scenarios (generator only).
 */
import type { ViolationCode } from '../../bbm/violations.ts';
import type { Trace } from './builder.ts';
import { LM } from './geometry.ts';
import type { SplitOptions } from './kernel.ts';
import { flushAll, parkSecondary, rewriteGroup, splitBlock } from './kernel.ts';
import { L2_4K, base4k, pmdPA } from './layouts.ts';

/** Knobs of `noabortSplit4k`. */
export interface NoabortSplitVariant {
  /** An `online` event before the split. */
  readonly online?: readonly [cpu: number, bbm: number, noabort: boolean];
  /** `to_cont` (default true). */
  readonly cont?: boolean;
  /** Overrides of the split. */
  readonly split?: Partial<SplitOptions>;
  /** The violation expected at the table descriptor. */
  readonly bad: ViolationCode;
}

/**
 * The on-demand `split_pmd()` of the live block at L2[1] (`l2-noabort-split-pmd-block-4k`),
 * expected to fail at the table descriptor.
 * @param t - the trace (its CPU set decides)
 * @param v - the variant
 * @returns the trace
 */
export function noabortSplit4k(t: Trace, v: NoabortSplitVariant): Trace {
  base4k(t, { blocks: 2 });
  if (v.online) t.online(...v.online);
  splitBlock(t, 0, {
    parent: L2_4K,
    level: 2,
    va: LM(pmdPA(1)),
    pa: pmdPA(1),
    table: 0x80003000n,
    cont: v.cont ?? true,
    ...v.split,
  });
  t.expect(v.bad);
  t.dsb(0, 'ishst').isb(0);
  return t;
}

/**
 * A level-0 collapse of the PTE table at L2[1] (512 plain pages) into a 2 MiB block: table
 * descriptor -> invalid, `dsb ishst`, `flush`, `dsb ish`, block, `dsb ishst; isb`, free the table.
 * @param t - the trace
 * @param flush - the TLBI(s) between the break and the make
 * @param bad - the violation expected at the block write, if any
 * @returns the trace
 */
export function l0Collapse4k(t: Trace, flush: (t: Trace, va: bigint) => void, bad?: ViolationCode): Trace {
  const va = LM(pmdPA(1));
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 512 } });
  t.write(0, t.ent(L2_4K, 2, va), 0n).dsb(0, 'ishst');
  flush(t, va);
  t.dsb(0, 'ish');
  t.map(0, L2_4K, 2, va, pmdPA(1));
  if (bad) t.expect(bad);
  t.dsb(0, 'ishst').isb(0);
  t.free(0x80003000n);
  return t;
}

/** Knobs of `repaint4k`. */
export interface RepaintVariant {
  /** The parked CPU's own `vmalle1` (default true). */
  readonly localFlush?: boolean;
  /** Replaces the park and its local flush. */
  readonly park?: (t: Trace) => void;
  /** CPU 0's flush before the release (default `flush_tlb_all()`; null: none). */
  readonly flush?: ((t: Trace) => void) | null;
  /** The violation expected at `unpark`. */
  readonly bad?: ViolationCode;
}

/**
 * `linear_map_split_to_ptes()` on an asymmetric system (4K): CPU 0 noabort, CPU 1 level 0.
 * Map: L2[0], L2[1] blocks; L2[2] -> PTE table with a CONT group (pages 0..15) and 16 plain pages.
 * @param t - the trace
 * @param v - the variant
 * @returns the trace
 */
export function repaint4k(t: Trace, v: RepaintVariant = {}): Trace {
  const pte = 0x80003000n;
  const flush = v.flush === undefined ? flushAll : v.flush;
  base4k(t, { blocks: 2, pte: { at: 2, table: pte, n: 32, cont: (i) => i < 16n } });
  t.stop(0);
  if (v.park) v.park(t);
  else parkSecondary(t, 1, { localFlush: v.localFlush ?? true });
  // range_split_to_ptes(): split_pmd(to_cont = false) for both blocks, split_contpte for the group
  splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(0)), pa: pmdPA(0), table: 0x80004000n });
  splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(1)), pa: pmdPA(1), table: 0x80005000n });
  rewriteGroup(t, 0, { table: pte, level: 3, va: LM(pmdPA(2)), pa: pmdPA(2), cont: false });
  t.dsb(0, 'ishst').isb(0);
  if (flush) flush(t);
  t.unpark(1);
  if (v.bad) t.expect(v.bad);
  t.isb(1).resume(0);
  return t;
}
