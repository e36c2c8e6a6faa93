/**
 * Family "table lifetime" (T1, W2; RRVJDB, Casemate "double-use pte"; issue 7 family 8): a table
 * page freed while a detached (unlinked) parent still points at it becomes reachable again when
 * that parent is relinked. SEMANTICS.md W2 judges the subtree a table descriptor makes walkable:
 * a dangling link in it (to a freed page, or to a page allocated again after the link was
 * stored) is `bad-table-link` at the relink.
 *
 * Layer: model/scenarios (generator only).
 */
import { Trace } from '../builder.ts';
import { LM } from '../geometry.ts';
import { L0x2, L1_4K, L2_4K, PA0, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('lifetime');

/** The PTE table under the detached PMD table. */
const PTE = 0x80003000n;

/** What happens to the PTE table while its parent is detached. */
type Detached = 'free' | 'free-realloc' | 'clear-then-free';

/**
 * 4K, two level-0 CPUs: L1[1] -> PMD table (L2[0] block, L2[1] -> PTE table). The PMD table is
 * detached (L1[1] = 0, `dsb ishst`, `tlbi vmalle1is`, `dsb ish`), the PTE table is freed (and
 * maybe allocated again), then the PMD table is linked again at L1[1].
 * @param v - the variant
 * @returns the trace
 */
function relink(v: Detached): Trace {
  const t = new Trace({ cpus: L0x2 });
  base4k(t, { blocks: 1, pte: { at: 1, table: PTE, n: 16 } });
  t.write(0, t.ent(L1_4K, 1, LM(PA0)), 0n)
    .dsb(0, 'ishst')
    .tlbi(0, 'vmalle1is')
    .dsb(0, 'ish');
  if (v === 'clear-then-free') t.write(0, t.ent(L2_4K, 2, LM(pmdPA(1))), 0n).dsb(0, 'ishst');
  t.free(PTE);
  if (v === 'free-realloc') t.alloc(PTE, 3);
  t.link(0, L1_4K, 1, LM(PA0), L2_4K);
  if (v !== 'clear-then-free') t.expect('bad-table-link');
  return t.dsb(0, 'ishst').isb(0);
}

scenario(
  'bad',
  'lifetime-free-under-detached-parent-relink-l0-4k',
  'Two level-0 CPUs. A PMD table is detached from L1 and flushed (`tlbi vmalle1is`, `dsb ish`); its PTE table, now unreachable, is freed (legal, T1). But the detached PMD table still holds the table descriptor to it, and the PMD table is then linked back: the subtree it makes walkable holds a link to a freed page (SEMANTICS.md W2, family 8). `bad-table-link` at the relink.',
  () => relink('free'),
);

scenario(
  'bad',
  'lifetime-free-realloc-under-detached-parent-relink-l0-4k',
  'As `lifetime-free-under-detached-parent-relink-l0-4k`, but the freed page is allocated again as a (zeroed) PTE table before the PMD table is relinked. The stale descriptor now names an allocated table page of the right level, yet its store is older than the new allocation (SEMANTICS.md §1: a link needs a generation older than the store; otherwise dangling): `bad-table-link` at the relink.',
  () => relink('free-realloc'),
);

scenario(
  'good',
  'lifetime-clear-detached-parent-then-relink-l0-4k',
  'The detach of `lifetime-free-under-detached-parent-relink-l0-4k` done right: the entry of the detached PMD table that pointed at the PTE table is cleared and published (`dsb ishst`) before the PTE table is freed; relinking the PMD table then makes walkable a subtree with no dangling link (W2) whose stores are all visible (T2).',
  () => relink('clear-then-free'),
);
