/**
 * Family "links" (W0, W2; RRVJDB, Casemate "double-use pte"): a store must land in an allocated
 * table page (`write-to-non-table`), and a table descriptor must link an allocated table page of
 * the next level that no other entry links (`bad-table-link`).
 *
 * Layer: model/scenarios (generator only).
 */
import { Trace } from '../builder.ts';
import { KERNEL } from '../descriptors.ts';
import { KiB, LM } from '../geometry.ts';
import { L0x2, L1_4K, L2_4K, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('links');

scenario(
  'bad',
  'write-to-freed-table-4k',
  'Two level-0 CPUs. A PTE table is built for a split that is abandoned and freed (legal: never linked), but the code then keeps writing through the stale pointer: a store to a page that is no longer a table page.',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.alloc(0x80003000n, 3);
    t.mapRange(0, 0x80003000n, 3, LM(pmdPA(1)), pmdPA(1), 8, KERNEL);
    t.free(0x80003000n);
    t.map(0, 0x80003000n, 3, LM(pmdPA(1)) + 8n * 4n * KiB, pmdPA(1) + 8n * 4n * KiB).expect('write-to-non-table');
    return t;
  },
);

scenario(
  'bad',
  'write-to-data-page-4k',
  'Two level-0 CPUs. A descriptor store lands in ordinary memory (PA 0x40000010, inside the block-mapped data at PA 0x40000000, e.g. a PTE pointer computed from the wrong pfn): no allocated table page holds that PA.',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.write(0, 0x40000010n, t.leaf(3, 0x40002000n)).expect('write-to-non-table');
    t.dsb(0, 'ishst');
    return t;
  },
);

scenario(
  'bad',
  'link-non-table-page-4k',
  'Two level-0 CPUs. A table descriptor at the empty L2[2] points at PA 0x80009000, which was never allocated as a table page (RRVJDB).',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.link(0, L2_4K, 2, LM(pmdPA(2)), 0x80009000n, { pxnTable: true }).expect('bad-table-link');
    t.dsb(0, 'ishst');
    return t;
  },
);

scenario(
  'bad',
  'link-table-twice-4k',
  'Two level-0 CPUs. The PTE table already linked at L2[1] is also linked at the empty L2[2]: one table page used twice (Casemate "double-use pte").',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
    t.link(0, L2_4K, 2, LM(pmdPA(2)), 0x80003000n, { pxnTable: true }).expect('bad-table-link');
    t.dsb(0, 'ishst');
    return t;
  },
);

scenario(
  'bad',
  'link-wrong-level-table-4k',
  'Two level-0 CPUs. A page allocated as a level-3 (PTE) table is linked from a level-1 entry, whose next level is 2: the walker would read PTEs as PMD entries.',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.alloc(0x80003000n, 3);
    t.link(0, L1_4K, 1, LM(0x80000000n), 0x80003000n).expect('bad-table-link');
    t.dsb(0, 'ishst');
    return t;
  },
);

scenario(
  'bad',
  'link-freed-table-4k',
  'Two level-0 CPUs. A PTE table is built, freed (never linked: legal), and then linked anyway at L2[2]: the descriptor points at a page that is no longer a table page.',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.alloc(0x80003000n, 3);
    t.mapRange(0, 0x80003000n, 3, LM(pmdPA(2)), pmdPA(2), 4, KERNEL);
    t.dsb(0, 'ishst');
    t.free(0x80003000n);
    t.link(0, L2_4K, 2, LM(pmdPA(2)), 0x80003000n, { pxnTable: true }).expect('bad-table-link');
    t.dsb(0, 'ishst');
    return t;
  },
);
