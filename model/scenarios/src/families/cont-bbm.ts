/**
 * Family "contiguous BBM" (§4.4, §4.5; issue 7 family 7): the Contiguous bit is a hint, so a TLB
 * may hold a group's span entry and its members' own entries (SEMANTICS.md §2). A level-0 BBM of
 * a group to a new OA must invalidate every member's entry: a TLBI of one VA removes the span
 * entry and one member, not the others (W6 `bbm-unclean`); a range TLBI over the span does.
 *
 * Layer: model/scenarios (generator only).
 */
import { Trace } from '../builder.ts';
import { ptePrefix } from '../anygranule.ts';
import type { Granule } from '../geometry.ts';
import { GRANULES, MiB } from '../geometry.ts';
import { L0x2 } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('cont-bbm');

/** How the break is flushed. */
type Flush = 'single-va' | 'range' | 'per-page';

/**
 * A live Contiguous group at PA0 moved to PA0 + 16 MiB with BBM on two level-0 CPUs.
 * @param granule - the granule
 * @param flush - the TLBI(s) between break and make
 * @returns the trace
 */
function contBbm(granule: Granule, flush: Flush): Trace {
  const t = new Trace({ granule, cpus: L0x2 });
  const m = ptePrefix(t, { count: t.contN(3), page: () => ({ cont: true }) });
  const n = t.contN(3);
  const sz = t.size(3);
  for (let i = 0n; i < n; i++) t.write(0, t.ent(m.pte, 3, m.va + i * sz), 0n);
  t.dsb(0, 'ishst');
  if (flush === 'single-va') t.tlbi(0, 'vaale1is', m.va);
  if (flush === 'range') t.tlbi(0, 'rvaale1is', m.va, n * sz);
  if (flush === 'per-page') for (let i = 0n; i < n; i++) t.tlbi(0, 'vaale1is', m.va + i * sz);
  t.dsb(0, 'ish');
  const to = m.pa + 16n * MiB;
  for (let i = 0n; i < n; i++) {
    t.map(0, m.pte, 3, m.va + i * sz, to + i * sz, { cont: true });
    if (flush === 'single-va' && i === 0n) t.expect('bbm-unclean');
  }
  t.dsb(0, 'ishst').isb(0);
  return t;
}

for (const granule of GRANULES) {
  const g = granule.toLowerCase();
  scenario(
    'bad',
    `cont-bbm-single-va-tlbi-new-oa-l0-${g}`,
    `${granule} granule, two level-0 CPUs. A live Contiguous PTE group is moved to a new OA with break-before-make, but the break is flushed with ONE \`tlbi vaale1is\` at the group's first VA: it removes the span entry and member 0's own entry, while the other members' own entries (family 7: a TLB may cache the group entry by entry, SEMANTICS.md §2) do not contain that VA and stay (§3 scope). The first make store makes the new span entry fillable over them with a different OA (§4, RFVQCK): \`bbm-unclean\` at member 0 of the make.`,
    () => contBbm(granule, 'single-va'),
  );
  scenario(
    'good',
    `cont-bbm-range-tlbi-new-oa-l0-${g}`,
    `${granule} granule, two level-0 CPUs. The group move of \`cont-bbm-single-va-tlbi-new-oa-l0-${g}\` with the break flushed by one \`tlbi rvaale1is\` over the whole group span (§4.4: "TLBI every VA of the span (or a range TLBI)"): every span and member entry overlaps the range and is removed once \`dsb ish\` completes it, so the new group appears with nothing stale (B2).`,
    () => contBbm(granule, 'range'),
  );
}

scenario(
  'good',
  'cont-bbm-per-page-tlbi-new-oa-l0-4k',
  'The 4K group move with the break flushed as Linux does it, one `tlbi vaale1is` per page of the span (`__flush_tlb_range()` with a page stride): each member entry contains one of the VAs, so all are gone before the make (§4.4, B2).',
  () => contBbm('4K', 'per-page'),
);
