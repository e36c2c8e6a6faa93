/**
 * Family "visibility" (§1.4, S1, IWZCBG; decision 4 revised; issue 7 family 9): a store is visible
 * to other CPUs' walkers only after its writer's `DSB ISH`/`ISHST`/`SY`, to the writer's own
 * walker after any DSB, and synchronized for the writer's own use after a DSB then an ISB
 * (SEMANTICS.md §1). A walker reads any value of its view, so a CPU that resumes or comes online
 * before the writer's DSB may see old and new values at once (`tlb-conflict`), and a `walk` that
 * may read a faulting value is `walk-unsynchronized`.
 *
 * Layer: model/scenarios (generator only).
 */
import { cpu, Trace } from '../builder.ts';
import { LM, VMALLOC } from '../geometry.ts';
import { parkSecondary, splitBlock } from '../kernel.ts';
import { ASYM, L0x2, L1_4K, L2_4K, L2_64K, PA0, PTE_VMAP_64K, ROOT, base4k, pmdPA, vmap64k } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('visibility');

/**
 * CPU 0 (noabort) splits the live block at L2[1] to plain pages (fill, `dsb ishst`, table
 * descriptor), then a level-0 CPU 1 starts walking — by `unpark` (parked with its local flush
 * before the split) or `online` — with or without CPU 0's `dsb ish` after the table descriptor.
 * @param how - how CPU 1 starts walking
 * @param published - CPU 0's `dsb ish` before it
 * @returns the trace
 */
function walkerStarts(how: 'unpark' | 'online', published: boolean): Trace {
  const t = new Trace({ cpus: how === 'unpark' ? ASYM : [cpu(0, 2, true)] });
  base4k(t, { blocks: 2 });
  if (how === 'unpark') parkSecondary(t.stop(0), 1);
  splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(1)), pa: pmdPA(1), table: 0x80003000n });
  if (published) t.dsb(0, 'ish');
  if (how === 'unpark') t.unpark(1);
  else t.online(1, 0, false);
  if (!published) t.expect('tlb-conflict');
  if (how === 'unpark') t.isb(1).resume(0);
  return t;
}

scenario(
  'bad',
  'vis-unpark-before-writer-dsb-4k',
  "CPU 0 noabort, CPU 1 level 0 parked with its local flush (empty TLB). CPU 0 splits a live 2 MiB block to pages and CPU 1 unparks before CPU 0 executes any DSB after the table descriptor. That store is not yet visible to CPU 1's walker, whose view holds both the old block and the new table (SEMANTICS.md §1: the latest visible store and every later one): it may fill the block and the pages, two shapes, a conflict without noabort (family 9). `tlb-conflict` at `unpark`.",
  () => walkerStarts('unpark', false),
);

scenario(
  'good',
  'vis-unpark-after-writer-dsb-4k',
  "The split of `vis-unpark-before-writer-dsb-4k` published by CPU 0's `dsb ish` before CPU 1 unparks: CPU 1's view of the entry is the table only, and its TLB was emptied at park, so it holds pages only. No TLBI is needed: a parked CPU fills nothing (SEMANTICS.md §2).",
  () => walkerStarts('unpark', true),
);

scenario(
  'bad',
  'vis-online-before-writer-dsb-4k',
  "One noabort CPU splits a live 2 MiB block to pages; a level-0 CPU comes `online` (empty TLB) before the writer's DSB after the table descriptor. The new CPU's view of the entry holds the old block and the table (SEMANTICS.md §1), so it may fill both shapes at once: `tlb-conflict` at `online` (family 9).",
  () => walkerStarts('online', false),
);

scenario(
  'good',
  'vis-online-after-writer-dsb-4k',
  "The online of `vis-online-before-writer-dsb-4k` after the writer's `dsb ish`: the new CPU can see only the table and fill only pages, so nothing conflicts when it starts walking (its size-change restrictions apply from then on).",
  () => walkerStarts('online', true),
);

/** What follows the new page's store before the `walk`. */
type Sync = 'none' | 'dsb' | 'dsb-isb' | 'nsh-isb' | 'other-ishst' | 'other-nsh';

/**
 * Two level-0 CPUs; CPU 0 maps a new page (invalid -> valid) in a live PTE table, then `sync`,
 * then a `walk` of that page by CPU 0 (or CPU 1 for the `other-` variants).
 * @param sync - the barriers after the store
 * @returns the trace
 */
function walkAfterMake(sync: Sync): Trace {
  const t = new Trace({ cpus: L0x2 });
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
  const va = LM(pmdPA(1)) + 0x14000n;
  t.map(0, 0x80003000n, 3, va, pmdPA(1) + 0x14000n);
  if (sync === 'dsb' || sync === 'dsb-isb' || sync === 'other-ishst') t.dsb(0, 'ishst');
  if (sync === 'nsh-isb' || sync === 'other-nsh') t.dsb(0, 'nsh');
  if (sync === 'dsb-isb' || sync === 'nsh-isb') t.isb(0);
  t.walk(sync.startsWith('other') ? 1 : 0, va);
  if (sync === 'none' || sync === 'dsb' || sync === 'other-nsh') t.expect('walk-unsynchronized');
  return t;
}

scenario(
  'bad',
  'vis-walk-writer-no-dsb-4k',
  "Two level-0 CPUs. CPU 0 makes a new page valid and walks it at once, with no barrier: the writer's store counts for its own walker only once synchronized (DSB then ISB, S1; SEMANTICS.md `walk`), so its walk may still read the invalid entry and fault. `walk-unsynchronized` at the walk.",
  () => walkAfterMake('none'),
);

scenario(
  'bad',
  'vis-walk-writer-dsb-no-isb-4k',
  "As `vis-walk-writer-no-dsb-4k` with `dsb ishst` but no ISB before the walk: the DSB makes the store visible, but the writer's own use needs the context synchronization too (S1, IWZCBG; `__set_pte()` issues `dsb(ishst); isb()`). `walk-unsynchronized`.",
  () => walkAfterMake('dsb'),
);

scenario(
  'good',
  'vis-walk-writer-dsb-isb-4k',
  "The make of `vis-walk-writer-no-dsb-4k` followed by `dsb ishst; isb` before the writer's walk (`__set_pte()`): synchronized for its own use (S1), the walk cannot fault.",
  () => walkAfterMake('dsb-isb'),
);

scenario(
  'good',
  'vis-walk-writer-dsb-nsh-isb-4k',
  "The writer's own walk after `dsb nsh; isb`: any DSB, NSH included, makes a store visible to its writer's walker, and the ISB then synchronizes it (SEMANTICS.md §1). Clean.",
  () => walkAfterMake('nsh-isb'),
);

scenario(
  'good',
  'vis-walk-other-cpu-after-dsb-ishst-4k',
  "CPU 1 walks the new page after CPU 0's `dsb ishst`: the store is visible to every walker of the Inner Shareable domain (SEMANTICS.md §1); another CPU needs no ISB of the writer. Clean.",
  () => walkAfterMake('other-ishst'),
);

scenario(
  'bad',
  'vis-walk-other-cpu-after-dsb-nsh-4k',
  "CPU 1 walks the new page after CPU 0's `dsb nsh` only: a non-shareable DSB does not make the store visible to another CPU's walker (SEMANTICS.md §1), so CPU 1 may still read the invalid entry. `walk-unsynchronized` at CPU 1's walk.",
  () => walkAfterMake('other-nsh'),
);

/**
 * One noabort CPU splits the live block at L2[1] (fill, `dsb ishst` or none, table descriptor)
 * and walks a page of it at once, with no ISB and no barrier after the table descriptor.
 * @param ordered - the `dsb ishst` between the fill and the table descriptor
 * @returns the trace
 */
function walkNewTableAtOnce(ordered: boolean): Trace {
  const t = new Trace({ cpus: [cpu(0, 2, true)] });
  base4k(t, { blocks: 2 });
  splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(1)), pa: pmdPA(1), table: 0x80003000n, dsb: ordered });
  if (!ordered) t.expect('table-linked-before-init');
  t.walk(0, LM(pmdPA(1)) + 0x5000n);
  return t;
}

scenario(
  'good',
  'vis-walk-writer-new-table-dsb-no-isb-4k',
  "One noabort CPU splits a live 2 MiB block (fill the new PTE table, `dsb ishst`, table descriptor) and walks a page of it at once, with no ISB. Its walk may still read the old block (valid) or the new table descriptor; a walk that reads the descriptor reads the PTEs after it, and the DSB completed them before the descriptor was stored, so it cannot read the table's zeroes (SEMANTICS.md `walk`; found/031). Clean.",
  () => walkNewTableAtOnce(true),
);

scenario(
  'bad',
  'vis-walk-writer-new-table-no-dsb-4k',
  'As `vis-walk-writer-new-table-dsb-no-isb-4k` without the `dsb ishst` between the fill and the table descriptor: nothing orders the PTE stores before the descriptor, so a walker that follows it may read zeroes. `table-linked-before-init` (T2) at the table descriptor.',
  () => walkNewTableAtOnce(false),
);

/**
 * Two level-0 CPUs, 64K, a vmalloc PTE table. CPU 1 maps page 4 and never issues a DSB. CPU 0
 * unlinks the PTE table (break, `dsb ishst`, `tlbi vaae1is`, `dsb ish`), maps page 4 itself over
 * CPU 1's store, `dsb ishst`, links the table again, `dsb ishst`, then (or not) an ISB, and walks
 * page 4.
 * @param isb - CPU 0's ISB before its walk
 * @returns the trace
 */
function ownStoreOverUnseen(isb: boolean): Trace {
  const t = vmap64k(new Trace({ granule: '64K', cpus: L0x2 }));
  const va = VMALLOC + 4n * 0x10000n;
  t.map(1, PTE_VMAP_64K, 3, va, 0x48040000n);
  t.write(0, t.ent(L2_64K, 2, VMALLOC), 0n).dsb(0, 'ishst');
  t.tlbi(0, 'vaae1is', VMALLOC).dsb(0, 'ish');
  t.map(0, PTE_VMAP_64K, 3, va, 0x48040000n, { pxn: true });
  t.dsb(0, 'ishst');
  t.link(0, L2_64K, 2, VMALLOC, PTE_VMAP_64K).dsb(0, 'ishst');
  if (isb) t.isb(0);
  t.walk(0, va);
  if (!isb) t.expect('walk-unsynchronized');
  return t;
}

scenario(
  'good',
  'vis-own-store-over-unseen-one-64k',
  "CPU 1 stores page 4 into a vmalloc PTE table and never issues a DSB. CPU 0 unlinks the table with a full break (DSB, broadcast TLBI, DSB), stores page 4 itself over CPU 1's store, links the table again and synchronizes (`dsb ishst; isb`). CPU 1's store is older than CPU 0's in the entry's coherence order, and a store superseded by one visible to the walker is in no view (SEMANTICS.md §1): CPU 0's walk reads its own page 4 only (found/032). Clean.",
  () => ownStoreOverUnseen(true),
);

scenario(
  'bad',
  'vis-own-relink-without-isb-64k',
  "As `vis-own-store-over-unseen-one-64k` without CPU 0's ISB before its walk: its own break of the table descriptor and its relink are visible to its walker but not synchronized for its own use (S1), so a walk started before them may read the broken (invalid) descriptor. `walk-unsynchronized` at the walk.",
  () => ownStoreOverUnseen(false),
);

/**
 * Two level-0 CPUs, 4K. CPU 0 links a level-1 table under the root and unlinks it again with no
 * DSB between (CPU 1, running, may cache the link in its walk cache), links a level-2 table into
 * the detached level-1 table, and CPU 1 parks (no flush). CPU 0's `dsb ish` orders the unlink
 * and a local `tlbi vmalle1` empties its own TLB (nobody running can walk there now); then it stores block A at L2[1] and over it block B (another OA), with or without a final
 * `dsb ish`.
 * @param ordered - CPU 0's `dsb ish` after the two stores
 * @returns the trace
 */
function parkedThroughWalkCache(ordered: boolean): Trace {
  const t = new Trace({ cpus: L0x2 });
  t.alloc(L1_4K, 1);
  t.link(0, ROOT, 0, LM(PA0), L1_4K);
  t.write(0, t.ent(ROOT, 0, LM(PA0)), 0n);
  t.alloc(L2_4K, 2);
  t.link(0, L1_4K, 1, LM(PA0), L2_4K);
  t.park(1);
  t.dsb(0, 'ish').tlbi(0, 'vmalle1').dsb(0, 'nsh');
  t.map(0, L2_4K, 2, LM(pmdPA(1)), pmdPA(1));
  t.map(0, L2_4K, 2, LM(pmdPA(1)), pmdPA(7));
  if (ordered) t.dsb(0, 'ish');
  else t.expectAtEnd('tlb-conflict');
  return t;
}

scenario(
  'bad',
  'vis-parked-walk-cache-detached-table-4k',
  "CPU 1 parks holding a walk-cache entry for a level-1 table that CPU 0 linked and unlinked while it ran; CPU 0 flushes only its own TLB. Below that detached table CPU 0 stores a 2 MiB block and then, over it, a block with another OA, with no DSB after them. Both values are in CPU 1's view of the entry, and its walk cache still leads there: if it resumed it could fill both, two OAs at one VA. `tlb-conflict` at the end of the trace (SEMANTICS.md §5; found/033).",
  () => parkedThroughWalkCache(false),
);

scenario(
  'good',
  'vis-parked-walk-cache-detached-table-dsb-4k',
  "`vis-parked-walk-cache-detached-table-4k` with CPU 0's `dsb ish` after the two stores: the second block is visible to every walker and supersedes the first in every view, so CPU 1 resuming through its walk cache can fill one OA only. Clean.",
  () => parkedThroughWalkCache(true),
);
