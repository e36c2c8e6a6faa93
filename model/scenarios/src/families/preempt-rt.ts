/**
 * Family "PREEMPT_RT" (spec §5.4, decision 9): on PREEMPT_RT a page-table allocation inside
 * `stop_machine()` may sleep, so `alloc` between `stop` and `resume` is `alloc-while-stopped`
 * (SEMANTICS.md `alloc`; the page is allocated all the same).
 *
 * Layer: model/scenarios (generator only).
 */
import type { ViolationCode } from '../../../bbm/violations.ts';
import { Trace } from '../builder.ts';
import { LM } from '../geometry.ts';
import { flushAll, parkSecondary, splitBlock } from '../kernel.ts';
import { ASYM, L2_4K, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('preempt-rt');

/**
 * A one-block repaint (CPU 0 noabort, CPU 1 level 0 parked) used for the allocation checks.
 * @param t - the trace
 * @param o - `prealloc`: allocate before `stop`; `bad`: the violation expected at the `alloc`
 * @returns the trace
 */
function rtRepaint(t: Trace, o: { readonly prealloc?: boolean; readonly bad?: ViolationCode } = {}): Trace {
  base4k(t, { blocks: 2 });
  if (o.prealloc) t.alloc(0x80003000n, 3);
  t.stop(0);
  parkSecondary(t, 1);
  if (!o.prealloc) t.alloc(0x80003000n, 3);
  if (o.bad) t.expect(o.bad);
  splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(0)), pa: pmdPA(0), table: 0x80003000n, alloc: false });
  t.dsb(0, 'ishst').isb(0);
  flushAll(t, 0);
  t.unpark(1).isb(1).resume(0);
  return t;
}

scenario(
  'good',
  'repaint-nonrt-alloc-inside-stop-4k',
  'One-block repaint (CPU 0 noabort, CPU 1 level 0 parked) whose PTE table is allocated inside `stop`/`resume` with GFP_ATOMIC, as upstream does. The header says `preempt_rt: false`, so allocating inside stop_machine() is fine (spec §5.4).',
  () => rtRepaint(new Trace({ cpus: ASYM })),
);

scenario(
  'good',
  'repaint-rt-prealloc-before-stop-4k',
  'The same one-block repaint on PREEMPT_RT (`preempt_rt: true`) with the proposed pre-allocation: the PTE table is allocated before `stop`, and only used inside (spec §5.4, decision 9 `prealloc`).',
  () => rtRepaint(new Trace({ cpus: ASYM, preempt_rt: true }), { prealloc: true }),
);

scenario(
  'bad',
  'repaint-rt-alloc-inside-stop-4k',
  "The one-block repaint of `repaint-nonrt-alloc-inside-stop-4k` with `preempt_rt: true`: upstream's GFP_ATOMIC allocation inside stop_machine() may sleep on PREEMPT_RT (spec §5.4). Flagged at the `alloc`.",
  () => rtRepaint(new Trace({ cpus: ASYM, preempt_rt: true }), { bad: 'alloc-while-stopped' }),
);

scenario(
  'bad',
  'rt-alloc-inside-stop-kept-then-freed-4k',
  'PREEMPT_RT (`preempt_rt: true`). A PTE table is allocated inside `stop`/`resume` (`alloc-while-stopped`, the first violation), filled for a split that is then abandoned, and freed after `resume` (legal: never linked). SEMANTICS.md `alloc`: the page is allocated all the same (ADR 003, family 10), so the later writes into it and its `free` are neither `write-to-non-table` nor bad input (a `free` of a page that is not a table would be exit 2). The verdict stays the `alloc`.',
  () => {
    const t = new Trace({ cpus: ASYM, preempt_rt: true });
    base4k(t, { blocks: 2 });
    t.stop(0);
    parkSecondary(t, 1);
    t.alloc(0x80003000n, 3).expect('alloc-while-stopped');
    t.mapRange(0, 0x80003000n, 3, LM(pmdPA(0)), pmdPA(0), 16);
    t.unpark(1).isb(1).resume(0);
    return t.free(0x80003000n);
  },
);
