/**
 * Family "contiguous repaint" (C3; RJQQTC; issue 7 family 4): permissions that still differ
 * inside a group holding a Contiguous leaf are a partial repaint, caught at the DSB that
 * completes a TLBI overlapping the group or issued by the CPU that made the last store into it —
 * whichever CPU flushes — and at the end of the trace if never flushed (SEMANTICS.md `dsb`,
 * "End of trace", reported as event N + 1).
 *
 * Layer: model/scenarios (generator only).
 */
import { Trace } from '../builder.ts';
import { KERNEL_RO } from '../descriptors.ts';
import type { Layout } from '../anygranule.ts';
import { ptePrefix } from '../anygranule.ts';
import type { Granule } from '../geometry.ts';
import { GRANULES } from '../geometry.ts';
import { NOABORT2 } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('cont-repaint');

/**
 * Two noabort CPUs; group 0 of a PTE table (2N pages, the first N Contiguous) made read-only on
 * its first `count` members by CPU 0, CONT kept, then `dsb ishst`.
 * @param granule - the granule
 * @param count - how many members are repainted (N/2 or N)
 * @returns the trace, its layout and the group size N
 */
function repaint(granule: Granule, count: 'half' | 'all'): { t: Trace; m: Layout; n: bigint; sz: bigint } {
  const t = new Trace({ granule, cpus: NOABORT2 });
  const n = t.contN(3);
  const sz = t.size(3);
  const m = ptePrefix(t, { count: 2n * n, page: (i) => ({ cont: i < n }) });
  for (let i = 0n; i < (count === 'half' ? n / 2n : n); i++)
    t.map(0, m.pte, 3, m.va + i * sz, m.pa + i * sz, { ...KERNEL_RO, cont: true });
  t.dsb(0, 'ishst');
  return { t, m, n, sz };
}

/**
 * The repaint, then CPU 1 flushes the group span: `tlbi rvaale1is` + `dsb ish`.
 * @param count - half or all of the group
 * @returns the trace
 */
function flushedByOther(count: 'half' | 'all'): Trace {
  const { t, m, n, sz } = repaint('4K', count);
  t.tlbi(1, 'rvaale1is', m.va, n * sz).dsb(1, 'ish');
  if (count === 'half') t.expect('cont-misprogrammed');
  return t.isb(1);
}

scenario(
  'bad',
  'cont-repaint-partial-flushed-by-other-cpu-4k',
  "Two noabort CPUs. CPU 0 makes members 0..7 of a live Contiguous group read-only (CONT kept) and publishes them; CPU 1, not the writer, flushes the group (`tlbi rvaale1is` over the 64 KiB, `dsb ish`). The DSB completes a TLBI whose scope overlaps the group while its permissions still differ: a partial repaint (C3, RJQQTC; SEMANTICS.md `dsb`), whoever flushes. Flagged at CPU 1's DSB.",
  () => flushedByOther('half'),
);

scenario(
  'good',
  'cont-repaint-full-flushed-by-other-cpu-4k',
  'The repaint of `cont-repaint-partial-flushed-by-other-cpu-4k` over all 16 members before CPU 1 flushes: the group is uniform again when the TLBI completes (RJQQTC: repainting every member one by one with CONT unchanged is allowed, C3).',
  () => flushedByOther('all'),
);

scenario(
  'bad',
  'cont-repaint-partial-unrelated-tlbi-4k',
  'Two noabort CPUs. CPU 0 makes half of a live Contiguous group read-only, then flushes only an unrelated page outside the group (`tlbi vaale1is`, `dsb ish`). The TLBI does not overlap the group, but this CPU made the last store into it (SEMANTICS.md `dsb`: C3 when a TLBI completes and "this CPU made the last store into the group"). Flagged at that DSB.',
  () => {
    const { t, m, n, sz } = repaint('4K', 'half');
    t.tlbi(0, 'vaale1is', m.va + (n + 3n) * sz)
      .dsb(0, 'ish')
      .expect('cont-misprogrammed');
    return t.isb(0);
  },
);

for (const granule of GRANULES) {
  scenario(
    'bad',
    `cont-repaint-partial-never-flushed-${granule.toLowerCase()}`,
    `${granule} granule, two noabort CPUs. Half of a live Contiguous group is made read-only and the trace ends without any TLBI (\`dsb ish; isb\` only, which completes nothing): no DSB ever checks the group, so the partial repaint is caught by the end-of-trace judgement (SEMANTICS.md "End of trace": C3 for a walkable group, any group, whoever wrote it), reported as event N + 1 one line after the last line.`,
    () => {
      const { t } = repaint(granule, 'half');
      return t.dsb(0, 'ish').isb(0).expectAtEnd('cont-misprogrammed');
    },
  );
}

scenario(
  'good',
  'cont-repaint-full-never-flushed-4k',
  'Every member of a live Contiguous group made read-only, CONT kept, and never flushed: at the end of the trace the group is uniform, so the end-of-trace C3 check finds nothing (the missing flush is B8-style completion, which the checker does not judge).',
  () => repaint('4K', 'all').t.dsb(0, 'ish').isb(0),
);
