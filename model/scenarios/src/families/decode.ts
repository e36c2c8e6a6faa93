/**
 * Family "decode" (issue 7 family 2; Arm ARM D8.3, `AArch64_DecodeDescriptorType` first, fields
 * after): bit 16 is nT only in a block descriptor — in a page it is an OA bit (part of OA[47:16]
 * in 64K) — and bit 52 (Contiguous) and AF exist only in leaves: in a table descriptor they are
 * IGNORED (SEMANTICS.md §2: "bit 52 read only in block and page descriptors, bit 16 only in block
 * descriptors, AF only in leaves").
 *
 * Layer: model/scenarios (generator only).
 */
import { cpu, Trace } from '../builder.ts';
import { blockPrefix, ptePrefix } from '../anygranule.ts';
import type { Granule } from '../geometry.ts';
import { GRANULES, LM, bit } from '../geometry.ts';
import { L0x2, L2_4K, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('decode');

const L1x2 = [cpu(0, 1, false), cpu(1, 1, false)];

for (const granule of GRANULES) {
  const g = granule.toLowerCase();
  scenario(
    'bad',
    `decode-page-bit16-oa-change-valid-to-valid-${g}`,
    `${granule} granule, two level-0 CPUs. A live page is rewritten in one store with only bit 16 flipped (0 -> 1). In a page descriptor bit 16 is an output-address bit (OA[16] for ${granule === '64K' ? '64K, the lowest OA bit' : granule}), not nT: the store changes the OA by 64 KiB, which needs break-before-make (RWHZWS, B1; SEMANTICS.md W5 \`bbm-valid-to-valid\`). Flagged at the store.`,
    () => {
      const t = new Trace({ granule, cpus: L0x2 });
      const m = ptePrefix(t, { count: 4n });
      t.write(0, t.ent(m.pte, 3, m.va), t.leaf(3, m.pa) | bit(16)).expect('bbm-valid-to-valid');
      return t.dsb(0, 'ishst').tlbi(0, 'vaale1is', m.va).dsb(0, 'ish').isb(0);
    },
  );
  for (const flushed of [false, true]) {
    scenario(
      flushed ? 'good' : 'bad',
      `decode-page-bit16-collapse-${flushed ? 'range-tlbi' : 'missed-pages'}-l1-${g}`,
      `${granule} granule, two BBM-level-1 CPUs. A PTE table whose only valid pages are those whose OA has bit 16 set is collapsed into one block with break-before-make; the break is flushed ${flushed ? 'with `tlbi rvaae1is` over the whole block span, which removes every page and the walk-cache entry: clean (B2, T4)' : 'with one `tlbi vaae1is` at the first VA of the block, whose page is invalid: the walk-cache entry goes, the valid pages stay (§3 scope). At the block store they are stale, of another shape: a conflict for a CPU without noabort, and the level-1 exemption is for an entry that "comes from a block with nT = 1" (SEMANTICS.md §4, IXPRKH) — a page with bit 16 set is no such entry (family 2). `bbm-unclean` at the block store'}.`,
      () => {
        const t = new Trace({ granule, cpus: L1x2 });
        const sz = t.size(3);
        const m = ptePrefix(t, { count: 32n, page: (i) => (((i * sz) & bit(16)) !== 0n ? {} : undefined) });
        t.write(0, t.ent(m.l2, 2, m.va), 0n).dsb(0, 'ishst');
        if (flushed) t.tlbi(0, 'rvaae1is', m.va, t.size(2));
        else t.tlbi(0, 'vaae1is', m.va);
        t.dsb(0, 'ish');
        t.map(0, m.l2, 2, m.va, m.pa);
        if (!flushed) t.expect('bbm-unclean');
        return t.dsb(0, 'ishst').isb(0);
      },
    );
  }
}

/**
 * The nT protocol (B4, §7.1 "L1"): nT set on the live block of the second level-2 entry, flushed,
 * then the table of equivalent pages written over it, then the range flushed.
 * @param granule - the granule
 * @param level - the CPUs' BBM level (1: exempt; 0: not)
 * @returns the trace
 */
function ntSplit(granule: Granule, level: 0 | 1): Trace {
  const t = new Trace({ granule, cpus: [cpu(0, level, false), cpu(1, level, false)] });
  const blk = t.size(2);
  const m = blockPrefix(t, 2);
  const va = m.va + blk;
  const pa = m.pa + blk;
  t.alloc(m.pte, 3);
  t.mapRange(0, m.pte, 3, va, pa, t.entries(3));
  t.map(0, m.l2, 2, va, pa, { nT: true }).dsb(0, 'ishst').tlbi(0, 'vaae1is', va).dsb(0, 'ish');
  t.link(0, m.l2, 2, va, m.pte, { pxnTable: true });
  if (level === 0) t.expect('size-change-without-bbml2');
  return t.dsb(0, 'ishst').tlbi(0, 'rvaae1is', va, blk).dsb(0, 'ish').isb(0);
}

for (const granule of ['4K', '64K'] as const) {
  scenario(
    'good',
    `decode-nt-block-split-l1-${granule.toLowerCase()}`,
    `${granule} granule, two BBM-level-1 CPUs (no noabort). The nT protocol of §7.1 "L1" (B4, IXPRKH): set nT (bit 16 of the block descriptor) on the live block, \`dsb ishst\`, \`tlbi vaae1is\`, \`dsb ish\`, write the table of equivalent pages over the nT block, then flush the range. SEMANTICS.md W5 exempts a BBM-level-1 observer when the old block has nT = 1, and §4 exempts shape conflicts with an nT = 1 block; bit 16 of a block is nT in every granule (the block OA starts above it).`,
    () => ntSplit(granule, 1),
  );
}

scenario(
  'bad',
  'decode-nt-block-split-l0-4k',
  'The nT protocol of `decode-nt-block-split-l1-4k` on two BBM-level-0 CPUs: nT exists from FEAT_BBML1 only, and the W5 exemption is for "an observer with BBM level ≥ 1" (SEMANTICS.md), so the table written over the live nT block is a size change without noabort (B3). Flagged at the table descriptor (`size-change-without-bbml2`).',
  () => ntSplit('4K', 0),
);

scenario(
  'good',
  'decode-table-bit52-ignored-l0-4k',
  'Two level-0 CPUs. A live table descriptor (L2[2] -> PTE table) is rewritten with bit 52 set (it is IGNORED in a table descriptor: Contiguous exists only in block and page descriptors), flushed, then rewritten with bit 52 clear. Same next-level table, no leaf changes: no Contiguous flip (SEMANTICS.md W5), no group to check (W7), nothing that needs BBM (family 2).',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2, pte: { at: 2, table: 0x80003000n, n: 16 } });
    for (const bit52 of [true, false]) {
      t.link(0, L2_4K, 2, LM(pmdPA(2)), 0x80003000n, { pxnTable: true, bit52 });
      t.dsb(0, 'ishst')
        .tlbi(0, 'vaae1is', LM(pmdPA(2)))
        .dsb(0, 'ish')
        .isb(0);
    }
    return t;
  },
);

scenario(
  'bad',
  'decode-table-af0-collapse-live-l0-4k',
  'Two level-0 CPUs. The PTE table at L2[1] was linked with TABLE_AF (bit 10) clear — IGNORED in a table descriptor without FEAT_HAFT, so the table is live and walked, and its pages cached, all the same (SEMANTICS.md §2: AF only in leaves). It is replaced in one store by the equivalent 2 MiB block: a live table -> block size change while the observers lack noabort (B3, W5). Flagged at the block store (`size-change-without-bbml2`).',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 512, tableProt: { pxnTable: true, af: false } } });
    t.map(0, L2_4K, 2, LM(pmdPA(1)), pmdPA(1)).expect('size-change-without-bbml2');
    return t.dsb(0, 'ishst').isb(0);
  },
);

for (const flushed of [false, true]) {
  scenario(
    flushed ? 'good' : 'bad',
    `decode-table-af0-free-${flushed ? 'vaae1is' : 'vaale1is'}-l0-4k`,
    `Two level-0 CPUs. A PTE table linked with TABLE_AF clear (ignored: the table is walked and walk-cached as any other, family 2) is unlinked and freed after \`dsb ishst; tlbi ${flushed ? 'vaae1is' : 'vaale1is'}; dsb ish\`. ${flushed ? 'The non-last-level TLBI removes the walk-cache entry, so nothing can reach the page when it is freed (T1): clean.' : 'A last-level TLBI spares walk-cache entries (decision 2), so a CPU may still hold the pointer to the page (T1, SEMANTICS.md `free`): `table-freed-while-reachable` at the free.'}`,
    () => {
      const t = new Trace({ cpus: L0x2 });
      base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16, tableProt: { pxnTable: true, af: false } } });
      t.write(0, t.ent(L2_4K, 2, LM(pmdPA(1))), 0n).dsb(0, 'ishst');
      t.tlbi(0, flushed ? 'vaae1is' : 'vaale1is', LM(pmdPA(1))).dsb(0, 'ish');
      t.free(0x80003000n);
      if (!flushed) t.expect('table-freed-while-reachable');
      return t;
    },
  );
}
