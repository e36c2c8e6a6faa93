/**
 * Family "resume" (B6/B7, A1; IHYQMB; issue 7 family 4): a CPU that resumes (`unpark`) or comes
 * `online` is judged against everything it may hold or walk from then on — stale leaf and
 * walk-cache entries it kept while parked, and live Contiguous/non-Contiguous mixes it can now
 * see (SEMANTICS.md `unpark`/`online`) — and a CPU still parked when the trace ends is judged as
 * if it resumed then ("End of trace", event N + 1).
 *
 * Layer: model/scenarios (generator only).
 */
import { cpu, Trace } from '../builder.ts';
import { KERNEL } from '../descriptors.ts';
import { ptePrefix } from '../anygranule.ts';
import type { Granule } from '../geometry.ts';
import { GRANULES, LM, MiB } from '../geometry.ts';
import { flushAll, parkSecondary, splitBlock } from '../kernel.ts';
import { ASYM, L2_4K, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('resume');

/**
 * CPU 1 (level 0) parked without a local flush, holding the walk-cache entry of the PTE table at
 * L2[1]; CPU 0 (noabort) collapses that table into a block live and flushes the 2 MiB.
 * @param kind - the range TLBI: last-level (`rvaale1is`) or not (`rvaae1is`)
 * @returns the trace
 */
function parkedCollapse(kind: 'rvaale1is' | 'rvaae1is'): Trace {
  const t = new Trace({ cpus: ASYM });
  const va = LM(pmdPA(1));
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 512 } });
  t.stop(0);
  parkSecondary(t, 1, { localFlush: false });
  t.map(0, L2_4K, 2, va, pmdPA(1));
  t.dsb(0, 'ishst')
    .tlbi(0, kind, va, 2n * MiB)
    .dsb(0, 'ish')
    .isb(0);
  t.unpark(1);
  if (kind === 'rvaale1is') t.expect('tlb-conflict');
  t.isb(1).resume(0);
  if (kind === 'rvaae1is') t.free(0x80003000n);
  return t;
}

scenario(
  'bad',
  'resume-unpark-stale-walk-cache-4k',
  'CPU 0 noabort, CPU 1 level 0 parked inside `stop` without a local flush, so it keeps the walk-cache entry for the PTE table at L2[1]. CPU 0 collapses that table into the equivalent 2 MiB block live (allowed: the only observer has noabort) and flushes the range with the LAST-LEVEL `tlbi rvaale1is`, which removes the page entries but spares walk-cache entries (decision 2). At `unpark` CPU 1 holds a level-2 walk entry beside the level-2 block it may now fill: a conflict for a CPU without noabort (SEMANTICS.md §4, IHYQMB, RRVJDB; `unpark` judges walk-cache entries, family 4).',
  () => parkedCollapse('rvaale1is'),
);

scenario(
  'good',
  'resume-unpark-walk-cache-flushed-4k',
  'The parked collapse of `resume-unpark-stale-walk-cache-4k` flushed with the non-last-level `tlbi rvaae1is` over the 2 MiB: the walk-cache entries go too (T4), CPU 1 unparks holding nothing stale, and after `resume` the old PTE table is freed (unlinked and no walk entry left: T1).',
  () => parkedCollapse('rvaae1is'),
);

/**
 * A fully Contiguous PTE table (two groups); `between` runs after the boot map (the park), then
 * CPU 0 clears CONT on the first half of group 0 (`split_contpte()` stopped half way) or on all
 * of it, then `dsb ish`.
 * @param t - the trace
 * @param half - stop half way (a live mix) or clear every member
 * @param between - events between the boot map and the split
 * @returns the trace
 */
function splitContpte(t: Trace, half: boolean, between: (t: Trace) => void = () => {}): Trace {
  const n = t.contN(3);
  const sz = t.size(3);
  const m = ptePrefix(t, { count: 2n * n, page: () => ({ cont: true }) });
  between(t);
  for (let i = 0n; i < (half ? n / 2n : n); i++) t.map(0, m.pte, 3, m.va + i * sz, m.pa + i * sz, KERNEL);
  return t.dsb(0, 'ish');
}

/**
 * The parked-CPU variant: boot map, stop, park CPU 1 with its local flush, split, unpark.
 * @param granule - the granule
 * @param half - leave a live mix at unpark
 * @returns the trace
 */
function parkedSplitContpte(granule: Granule, half: boolean): Trace {
  const t = new Trace({ granule, cpus: ASYM });
  splitContpte(t, half, (x) => parkSecondary(x.stop(0), 1)).unpark(1);
  if (half) t.expect('tlb-conflict');
  return t.isb(1).resume(0);
}

for (const granule of GRANULES) {
  scenario(
    'bad',
    `resume-unpark-cont-mix-l0-${granule.toLowerCase()}`,
    `${granule} granule, CPU 0 noabort, CPU 1 level 0 parked (with its local flush: its TLB is empty). CPU 0 clears the Contiguous bit on only the first half of a live group (allowed while the only running CPU has noabort, W7, decision 5) and publishes it; CPU 1 unparks. It can now fill the group's span entry from the remaining Contiguous members and the plain members' own entries: different shapes, a conflict for a CPU without noabort (SEMANTICS.md §4 and \`unpark\`: "live Contiguous/non-Contiguous mixes it can now see", family 4). Flagged at \`unpark\`.`,
    () => parkedSplitContpte(granule, true),
  );
}

scenario(
  'good',
  'resume-unpark-cont-split-complete-l0-4k',
  'The parked `split_contpte()` of `resume-unpark-cont-mix-l0-4k` carried out on every member of the group before CPU 1 unparks: the group is all plain, the next group all Contiguous (a span entry and a member entry of one group are one shape, §4), and CPU 1 flushed its TLB when it parked: no conflict at `unpark`.',
  () => parkedSplitContpte('4K', false),
);

scenario(
  'bad',
  'resume-online-cont-mix-l0-4k',
  'One noabort CPU clears the Contiguous bit on half of a live group (allowed: it is the only observer) and publishes it; then a level-0 CPU without noabort comes `online`. Its TLB is empty, but from now on it walks, and it can fill the mix: span entry and plain member entries of different shapes (SEMANTICS.md `online`, family 4). Flagged at `online`.',
  () => {
    const t = new Trace({ cpus: [cpu(0, 2, true)] });
    return splitContpte(t, true).online(1, 0, false).expect('tlb-conflict');
  },
);

/**
 * The two-block repaint with CPU 1 parked without its local flush and never resumed.
 * @param flush - `flush_tlb_all()` by CPU 0 before the trace ends
 * @returns the trace
 */
function endsParked(flush: boolean): Trace {
  const t = new Trace({ cpus: ASYM });
  base4k(t, { blocks: 2 });
  t.stop(0);
  parkSecondary(t, 1, { localFlush: false });
  splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(0)), pa: pmdPA(0), table: 0x80003000n });
  splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(1)), pa: pmdPA(1), table: 0x80004000n });
  t.dsb(0, 'ishst').isb(0);
  if (flush) return flushAll(t, 0);
  return t.expectAtEnd('tlb-conflict');
}

scenario(
  'bad',
  'resume-ends-parked-stale-4k',
  'CPU 0 noabort splits two 2 MiB blocks to pages while CPU 1 (level 0) is parked without a local flush, and the trace ends before CPU 1 unparks, with no broadcast flush. CPU 1 still holds the blocks: if it resumed now it would hold them beside the pages (a shape conflict without noabort). SEMANTICS.md "End of trace": `tlb-conflict` for a parked CPU that would conflict if it resumed now, reported as event N + 1.',
  () => endsParked(false),
);

scenario(
  'good',
  'resume-ends-parked-flushed-4k',
  'The trace of `resume-ends-parked-stale-4k` with `flush_tlb_all()` (`vmalle1is`, `dsb ish`) before it ends: the broadcast TLBI reaches the parked CPU (§3), so at the end it holds nothing stale and resuming would conflict with nothing.',
  () => endsParked(true),
);
