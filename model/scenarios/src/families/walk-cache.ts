/**
 * Family "walk cache" (T4; RRVJDB, IHYQMB; issue 7 family 5): a table descriptor is cached as a
 * walk entry, and only a non-last-level TLBI removes it (decision 2). A table replaced by another
 * table through a break flushed by last-level TLBIs leaves the old walk entry beside the new one:
 * two walk entries of one level linking different pages conflict on a CPU without noabort
 * (SEMANTICS.md §4, W6), and on every CPU the old page stays reachable (T1).
 *
 * Layer: model/scenarios (generator only).
 */
import type { Cpu } from '../builder.ts';
import { Trace } from '../builder.ts';
import { KERNEL } from '../descriptors.ts';
import type { Granule } from '../geometry.ts';
import { VMALLOC } from '../geometry.ts';
import { ptePrefix } from '../anygranule.ts';
import { L0x2, NOABORT2, PTE_VMAP_64K, L2_64K, vmap64k } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('walk-cache');

/** How a table-to-table replacement goes wrong (or not). */
interface Replace {
  readonly granule: Granule;
  readonly cpus: readonly Cpu[];
  /** The range TLBI after the break. */
  readonly kind: 'rvaale1is' | 'rvaae1is';
  /** What is expected, and where. */
  readonly bad?: 'at-link' | 'at-free';
}

/**
 * A live PTE table A replaced by a copy B: B built and published, the table descriptor broken,
 * `dsb ishst`, a range TLBI over the span, `dsb ish`, B linked, then A freed.
 * 4K: A is the PTE table of `ptePrefix` (512 pages); 64K: A is the vmalloc PTE table of `vmap64k`.
 * @param r - the variant
 * @returns the trace
 */
function replaceTable(r: Replace): Trace {
  const t = new Trace({ granule: r.granule, cpus: r.cpus });
  const n = r.granule === '4K' ? 512n : 4n;
  const m =
    r.granule === '4K'
      ? ptePrefix(t, { count: n })
      : (vmap64k(t), { l2: L2_64K, pte: PTE_VMAP_64K, spare: 0x80030000n, va: VMALLOC, pa: 0x48000000n });
  t.alloc(m.spare, 3);
  t.mapRange(0, m.spare, 3, m.va, m.pa, n, KERNEL);
  t.dsb(0, 'ishst');
  t.write(0, t.ent(m.l2, 2, m.va), 0n).dsb(0, 'ishst');
  t.tlbi(0, r.kind, m.va, t.size(2)).dsb(0, 'ish');
  t.link(0, m.l2, 2, m.va, m.spare, { pxnTable: true });
  if (r.bad === 'at-link') t.expect('bbm-unclean');
  t.dsb(0, 'ishst').isb(0);
  t.free(m.pte);
  if (r.bad === 'at-free') t.expect('table-freed-while-reachable');
  return t;
}

for (const granule of ['4K', '64K'] as const) {
  const g = granule.toLowerCase();
  scenario(
    'bad',
    `walkcache-table-to-table-last-level-tlbi-l0-${g}`,
    `${granule} granule, two level-0 CPUs. A live PTE table A is replaced by a published copy B with break-before-make, but the break is flushed with the LAST-LEVEL \`tlbi rvaale1is\` over the whole level-2 span: the page entries go, the walk-cache entry for A stays (decision 2). When B is linked, a CPU may hold the level-2 walk entry to A beside the new one to B: two walk entries of one level linking different pages conflict without noabort (SEMANTICS.md §4, W6; T4, family 5). \`bbm-unclean\` at the link of B.`,
    () => replaceTable({ granule, cpus: L0x2, kind: 'rvaale1is', bad: 'at-link' }),
  );
}

scenario(
  'good',
  'walkcache-table-to-table-full-tlbi-l0-4k',
  'The table replacement of `walkcache-table-to-table-last-level-tlbi-l0-4k` flushed with the non-last-level `tlbi rvaae1is`: walk-cache entries are removed too (T4, RRVJDB), so B is linked with nothing stale and A, unlinked and no longer cached, is freed (T1).',
  () => replaceTable({ granule: '4K', cpus: L0x2, kind: 'rvaae1is' }),
);

scenario(
  'bad',
  'walkcache-table-to-table-last-level-noabort-free-4k',
  'The last-level flush of `walkcache-table-to-table-last-level-tlbi-l0-4k` on two noabort CPUs: linking B beside a stale walk entry to A is no conflict for noabort CPUs (SEMANTICS.md §4), but the walk entry still points at A, so freeing A is `table-freed-while-reachable` (T1, SEMANTICS.md `free`: "through a walk entry some CPU holds").',
  () => replaceTable({ granule: '4K', cpus: NOABORT2, kind: 'rvaale1is', bad: 'at-free' }),
);
