/**
 * Boot-time maps that exist in every granule, for the scenarios whose rule depends on the
 * granule (group sizes, page size, where bit 16 falls): the table chain from the root down to
 * the level-2 table that maps VA LM(PA0), then either blocks there or one PTE table.
 * 4K: root -> L1 0x80001000 -> L2 0x80002000 (index 0) -> PTE 0x80003000;
 * 16K: root -> L1 0x80004000 -> L2 0x80008000 (index 32) -> PTE 0x8000c000;
 * 64K: root (level 1) -> L2 0x80010000 (index 2) -> PTE 0x80020000.
 *
 * Layer: model/scenarios (generator only).
 */
import type { Trace } from './builder.ts';
import type { LeafProt, TableProt } from './descriptors.ts';
import type { Granule, Level } from './geometry.ts';
import { LM } from './geometry.ts';
import { L1_16K, L1_4K, L2_16K, L2_4K, L2_64K, PA0, ROOT } from './layouts.ts';

/** The tables of one granule's chain. */
interface Chain {
  /** The tables between the root and the level-2 table, top first (level 1 in 4K/16K). */
  readonly upper: readonly bigint[];
  readonly l2: bigint;
  /** A free page for a PTE table, and a second one. */
  readonly pte: bigint;
  readonly spare: bigint;
}

const CHAIN: Readonly<Record<Granule, Chain>> = {
  '4K': { upper: [L1_4K], l2: L2_4K, pte: 0x80003000n, spare: 0x80004000n },
  '16K': { upper: [L1_16K], l2: L2_16K, pte: 0x8000c000n, spare: 0x80010000n },
  '64K': { upper: [], l2: L2_64K, pte: 0x80020000n, spare: 0x80030000n },
};

/** Where a map built by this module lives. */
export interface Layout {
  /** The level-2 table and the PTE table page (allocated only by `ptePrefix`). */
  readonly l2: bigint;
  readonly pte: bigint;
  /** A page number free for another table of this granule. */
  readonly spare: bigint;
  /** VA and PA of the first entry (LM(PA0), PA0). */
  readonly va: bigint;
  readonly pa: bigint;
}

/**
 * Allocates and links the chain root -> … -> L2 for VA LM(PA0) (tables linked empty).
 * @param t - the trace
 * @returns the map
 */
function chain(t: Trace): Layout {
  const ch = CHAIN[t.granule];
  const tables = [...ch.upper, ch.l2];
  tables.forEach((pa, i) => t.alloc(pa, (t.g.root + 1 + i) as Level));
  let parent = ROOT;
  tables.forEach((pa, i) => {
    t.link(0, parent, (t.g.root + i) as Level, LM(PA0), pa);
    parent = pa;
  });
  return { l2: ch.l2, pte: ch.pte, spare: ch.spare, va: LM(PA0), pa: PA0 };
}

/**
 * `blocks` level-2 blocks from VA LM(PA0) (identity OAs), then `dsb ishst; isb`.
 * @param t - the trace
 * @param blocks - how many
 * @param prot - their fields (default `PAGE_KERNEL`)
 * @returns the map
 */
export function blockPrefix(t: Trace, blocks: number, prot: LeafProt = {}): Layout {
  const m = chain(t);
  t.mapRange(0, m.l2, 2, m.va, m.pa, blocks, prot);
  t.dsb(0, 'ishst').isb(0);
  return m;
}

/** What `ptePrefix` maps in its PTE table. */
export interface PtePages {
  /** Entries 0..count-1 are considered. */
  readonly count: number | bigint;
  /** The fields of entry i, or undefined to leave it invalid (default: `PAGE_KERNEL`). */
  readonly page?: (i: bigint) => LeafProt | undefined;
  /** The table descriptor's attributes (default PXNTable + UXNTable + TABLE_AF). */
  readonly table?: TableProt;
}

/**
 * A PTE table at the L2 entry of VA LM(PA0), linked empty, then pages at identity OAs, then
 * `dsb ishst; isb`.
 * @param t - the trace
 * @param o - which pages
 * @returns the map
 */
export function ptePrefix(t: Trace, o: PtePages): Layout {
  const m = chain(t);
  t.alloc(m.pte, 3);
  t.link(0, m.l2, 2, m.va, m.pte, o.table ?? { pxnTable: true });
  const sz = t.size(3);
  for (let i = 0n; i < BigInt(o.count); i++) {
    const prot = o.page ? o.page(i) : {};
    if (prot !== undefined) t.map(0, m.pte, 3, m.va + i * sz, m.pa + i * sz, prot);
  }
  t.dsb(0, 'ishst').isb(0);
  return m;
}
