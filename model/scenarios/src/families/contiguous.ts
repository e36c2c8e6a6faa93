/**
 * Family "contiguous" (C1–C3; RNGLXZ, RJQQTC, RKHRBC): a group holding a valid Contiguous leaf
 * must be aligned, map consecutive OAs with identical attributes, and may mix Contiguous and plain
 * members only when every observer has noabort (SEMANTICS.md W7); a live Contiguous flip is a size
 * change (W5); a partial repaint is caught at the DSB that completes a TLBI (C3).
 *
 * Layer: model/scenarios (generator only).
 */
import type { ViolationCode } from '../../../bbm/violations.ts';
import { cpu, Trace } from '../builder.ts';
import { KERNEL, KERNEL_RO } from '../descriptors.ts';
import { KiB, LM } from '../geometry.ts';
import { rewriteGroup } from '../kernel.ts';
import { ASYM, L0x2, L2_64K, NOABORT2, PA0, ROOT, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('contiguous');

scenario(
  'good',
  'l2-noabort-split-contpte-4k',
  'Two noabort CPUs; L2[4] is a PTE table of 512 CONT pages (as left by an earlier `split_pmd(to_cont)`). `split_contpte()` clears CONT on the 16 entries of the group holding 0xffff000040805000, one by one, with no TLBI (RKHRBC; transient CONT/non-CONT mix allowed under noabort, decision 5); then `set_memory_ro()` of that page and `flush_tlb_kernel_range()`. Events carry an extra `fn` key, which the checker must ignore.',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    const pte = 0x80003000n;
    base4k(t, { blocks: 4, pte: { at: 4, table: pte, n: 512, cont: true } });
    const va = LM(pmdPA(4)) + 0x5000n;
    const n = t.contN(3);
    for (let i = 0n; i < n; i++)
      t.map(0, pte, 3, LM(pmdPA(4)) + i * 4n * KiB, pmdPA(4) + i * 4n * KiB, KERNEL, { fn: 'split_contpte' });
    t.dsb(0, 'ishst', { fn: 'lazy_mmu_mode_disable' }).isb(0, { fn: 'lazy_mmu_mode_disable' });
    t.map(0, pte, 3, va, pmdPA(4) + 0x5000n, KERNEL_RO, { fn: 'pageattr_pte_entry' });
    t.dsb(0, 'ishst', { fn: 'flush_tlb_kernel_range' });
    t.tlbi(0, 'vaale1is', va, undefined, { fn: 'flush_tlb_kernel_range' });
    t.dsb(0, 'ish', { fn: 'flush_tlb_kernel_range' }).isb(0, { fn: 'flush_tlb_kernel_range' });
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-fold-contpte-4k',
  'Two noabort CPUs; a live PTE table of 32 plain pages. The first 16 (an aligned 64 KiB group with contiguous, aligned OAs) are folded live by setting CONT entry by entry, then flushed with a range TLBI. A Contiguous flip is allowed live when every walker has noabort (decision 5, RKHRBC) and it preserves every VA (B5); the final group is well programmed (C1).',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    const pte = 0x80003000n;
    base4k(t, { blocks: 2, pte: { at: 2, table: pte, n: 32 } });
    rewriteGroup(t, 0, { table: pte, level: 3, va: LM(pmdPA(2)), pa: pmdPA(2), cont: true });
    t.dsb(0, 'ishst')
      .tlbi(0, 'rvaale1is', LM(pmdPA(2)), 64n * KiB)
      .dsb(0, 'ish')
      .isb(0);
    return t;
  },
);

scenario(
  'good',
  'l0-cont-full-group-repaint-ro-4k',
  'Two level-0 CPUs; a live PTE table whose first 16 pages form a CONT group. All 16 entries are rewritten read-only one by one with CONT unchanged (RJQQTC: the transient mix of permissions is benign, decision 5), then `dsb ishst; tlbi rvaale1is` over the 64 KiB group; `dsb ish`. At the completing DSB the group is uniform again (C3).',
  () => {
    const t = new Trace({ cpus: L0x2 });
    const pte = 0x80003000n;
    base4k(t, { blocks: 1, pte: { at: 1, table: pte, n: 32, cont: (i) => i < 16n } });
    t.mapRange(0, pte, 3, LM(pmdPA(1)), pmdPA(1), 16, { ...KERNEL_RO, cont: true });
    t.dsb(0, 'ishst')
      .tlbi(0, 'rvaale1is', LM(pmdPA(1)), 64n * KiB)
      .dsb(0, 'ish')
      .isb(0);
    return t;
  },
);

scenario(
  'bad',
  'l2-noabort-split-contpte-l0-running-4k',
  '`split_contpte()` of a live CONT-PTE group while CPU 1 (BBM level 0) is running. Clearing the Contiguous bit of the first entry is a live Contiguous flip (RKHRBC needs level >= 1; RFCPSG: conflict abort possible without noabort; decision 5), flagged at the first rewrite.',
  () => {
    const t = new Trace({ cpus: ASYM });
    const pte = 0x80003000n;
    base4k(t, { blocks: 4, pte: { at: 4, table: pte, n: 512, cont: true } });
    const n = t.contN(3);
    for (let i = 0n; i < n; i++) {
      t.map(0, pte, 3, LM(pmdPA(4)) + i * 4n * KiB, pmdPA(4) + i * 4n * KiB, KERNEL);
      if (i === 0n) t.expect('size-change-without-bbml2');
    }
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'bad',
  'l2-noabort-split-contpte-l1-running-64k',
  '64K granule. `split_contpte()` of a live 32-page CONT group while CPU 1 (BBM level 1, no noabort) is running: the Contiguous flip is allowed by RKHRBC at level 1 but may abort (RFCPSG), and the model requires noabort of every running CPU (decision 5). Flagged at the first rewrite.',
  () => {
    const t = new Trace({ granule: '64K', cpus: [cpu(0, 2, true), cpu(1, 1, false)] });
    const pte = 0x80020000n;
    t.alloc(L2_64K, 2).alloc(pte, 3);
    t.link(0, ROOT, 1, LM(PA0), L2_64K);
    t.link(0, L2_64K, 2, LM(PA0), pte, { pxnTable: true });
    t.mapRange(0, pte, 3, LM(PA0), PA0, 64, { cont: true });
    t.dsb(0, 'ishst').isb(0);
    for (let i = 0n; i < 32n; i++) {
      t.map(0, pte, 3, LM(PA0) + i * 64n * KiB, PA0 + i * 64n * KiB, KERNEL);
      if (i === 0n) t.expect('size-change-without-bbml2');
    }
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

/**
 * A live, linked, empty PTE table at L2[2] (4K), into which a new CONT group is mapped.
 * @param t - the trace
 * @param pageOf - the OA of entry i, and whether it is the expected violation
 * @param bad - the expected violation
 * @param o - `prefixPlain`: entries written plain (and published) before the CONT ones
 * @returns the trace
 */
function contGroupNew(
  t: Trace,
  pageOf: (i: bigint) => { readonly pa: bigint; readonly bad?: boolean },
  bad: ViolationCode,
  o: { readonly prefixPlain?: number } = {},
): Trace {
  const prefixPlain = o.prefixPlain ?? 0;
  base4k(t, { blocks: 2, pte: { at: 2, table: 0x80003000n, n: 0 } });
  const va0 = LM(pmdPA(2));
  for (let i = 0n; i < BigInt(prefixPlain); i++) t.map(0, 0x80003000n, 3, va0 + i * 4n * KiB, pmdPA(2) + i * 4n * KiB);
  if (prefixPlain) t.dsb(0, 'ishst');
  for (let i = BigInt(prefixPlain); i < 16n; i++) {
    const { pa, bad: here } = pageOf(i);
    t.map(0, 0x80003000n, 3, va0 + i * 4n * KiB, pa, { cont: true });
    if (here) t.expect(bad);
  }
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'bad',
  'cont-pte-one-oa-wrong-4k',
  'Two noabort CPUs. A new CONT-PTE group is written into a live PTE table; entry 5 maps base + 0x15000 instead of base + 0x5000. Valid Contiguous entries of one group disagree on OA (C1, RNGLXZ), flagged when entry 5 is written.',
  () =>
    contGroupNew(
      new Trace({ cpus: NOABORT2 }),
      (i) => (i === 5n ? { pa: pmdPA(2) + 0x15000n, bad: true } : { pa: pmdPA(2) + i * 4n * KiB }),
      'cont-misprogrammed',
    ),
);

scenario(
  'bad',
  'cont-pte-misaligned-base-4k',
  'Two level-0 CPUs. A new CONT-PTE group whose OAs are consecutive but start at PA 0x40401000, not aligned to the 64 KiB group (C1: "entry i maps base + i x size, base aligned to the group"; `alloc_init_cont_pte()` only sets CONT when phys is aligned). Flagged at the first entry.',
  () =>
    contGroupNew(
      new Trace({ cpus: L0x2 }),
      (i) => ({ pa: pmdPA(2) + 0x1000n + i * 4n * KiB, bad: i === 0n }),
      'cont-misprogrammed',
    ),
);

scenario(
  'bad',
  'cont-pte-mixed-noncont-l0-4k',
  "Two level-0 CPUs. The first four pages of an aligned group are already mapped without CONT; a later mapping then writes pages 4..15 with CONT (what Ard Biesheuvel's `pte_range_has_valid_noncont()` check prevents). A valid non-Contiguous entry beside Contiguous ones while a running CPU lacks noabort (C1 at level 0, RNGLXZ), flagged at page 4.",
  () =>
    contGroupNew(
      new Trace({ cpus: L0x2 }),
      (i) => ({ pa: pmdPA(2) + i * 4n * KiB, bad: i === 4n }),
      'cont-misprogrammed',
      { prefixPlain: 4 },
    ),
);

scenario(
  'bad',
  'cont-pte-partial-repaint-flush-4k',
  'Two noabort CPUs; a live CONT-PTE group of 16 pages. Only pages 0..7 are made read-only (CONT kept), then `dsb ishst; tlbi rvaale1is` over them; the `dsb ish` that completes the TLBI finds permissions still differing inside the group: a partial repaint (C3, RJQQTC; the SUT must unfold first). Flagged at that DSB.',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    const pte = 0x80003000n;
    base4k(t, { blocks: 1, pte: { at: 1, table: pte, n: 32, cont: (i) => i < 16n } });
    t.mapRange(0, pte, 3, LM(pmdPA(1)), pmdPA(1), 8, { ...KERNEL_RO, cont: true });
    t.dsb(0, 'ishst')
      .tlbi(0, 'rvaale1is', LM(pmdPA(1)), 32n * KiB)
      .dsb(0, 'ish')
      .expect('cont-misprogrammed');
    t.isb(0);
    return t;
  },
);
