/**
 * Family "BBM protocol" (B2; RDDMVT §1.1, §7.1 "L0"): a valid entry may be written over a VA
 * only once every stale translation that conflicts with it is gone: break, DSB, a broadcast TLBI
 * covering the old entry, its completing DSB by the issuer, then make (SEMANTICS.md W6
 * `bbm-unclean`, §3 TLBI completion, decision 12 AF=0 as the break).
 *
 * Layer: model/scenarios (generator only).
 */
import type { ViolationCode } from '../../../bbm/violations.ts';
import { cpu, Trace } from '../builder.ts';
import { KERNEL } from '../descriptors.ts';
import { LM, MiB, VMALLOC, KiB } from '../geometry.ts';
import { L0x2, L2_16K, L2_4K, PTE_VMAP_64K, base16k, base4k, blk16, pmdPA, vmap64k } from '../layouts.ts';
import { family, scenario } from '../registry.ts';
import { l0Collapse4k } from '../sequences.ts';

family('bbm-protocol');

/** The steps of `l0BbmSplit4k` a variant drops or changes. */
interface L0SplitVariant {
  readonly blankLines?: boolean;
  readonly tlbiVa?: bigint;
  /** The DSB after the break (`false`: none). */
  readonly dsb1?: false | 'ish' | 'ishst';
  readonly tlbi?: false;
  readonly tlbiCpu?: number;
  readonly tlbiKind?: string;
  /** The DSB after the TLBI (`false`: none). */
  readonly dsb2?: false | 'ish' | 'nsh';
  readonly dsb2Cpu?: number;
  readonly bad?: ViolationCode;
}

/**
 * Level-0 BBM split of the block at L2[1] (4K), per §7.1 "L0". Variants drop or change steps.
 * @param t - the trace
 * @param v - the variant
 * @returns the trace
 */
function l0BbmSplit4k(t: Trace, v: L0SplitVariant = {}): Trace {
  const va = LM(pmdPA(1));
  const tlbiVa = v.tlbiVa ?? va;
  base4k(t, { blocks: 2 });
  if (v.blankLines) t.blank();
  t.walk(1, va + 0x3000n);
  // build the PTE table offline (plain pages), publish it
  t.alloc(0x80003000n, 3);
  t.mapRange(0, 0x80003000n, 3, va, pmdPA(1), 512, KERNEL);
  t.dsb(0, 'ishst');
  if (v.blankLines) t.blank();
  // break
  t.write(0, t.ent(L2_4K, 2, va), 0n);
  if (v.dsb1 !== false) t.dsb(0, v.dsb1 ?? 'ish');
  if (v.tlbi !== false) t.tlbi(v.tlbiCpu ?? 0, v.tlbiKind ?? 'vaae1is', tlbiVa);
  if (v.dsb2 !== false) t.dsb(v.dsb2Cpu ?? 0, v.dsb2 ?? 'ish');
  if (v.blankLines) t.blank();
  // make
  t.link(0, L2_4K, 2, va, 0x80003000n, { pxnTable: true });
  if (v.bad) t.expect(v.bad);
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-bbm-split-pmd-block-4k',
  'Two BBM-level-0 CPUs. The full break-before-make split of a live 2 MiB block (§1.1 RDDMVT, §7.1 L0): PTE table built and `dsb ishst`; block -> invalid; `dsb ish`; `tlbi vaae1is`; `dsb ish`; table descriptor; `dsb ishst`; `isb`. The stale block is gone from every TLB before the pages become visible (B2).',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 })),
);

scenario(
  'good',
  'l2-abort-bbm-split-pmd-block-blank-lines-4k',
  'Two level-2 CPUs WITHOUT noabort (plain FEAT_BBML2: a conflict abort is still possible, so Linux does not split live). The split is done with full BBM (§7.1: `dsb ishst` after the break, last-level `vaale1is` is enough for a block leaf, decision 2). Blank lines separate the phases: they count as lines but not as events.',
  () =>
    l0BbmSplit4k(new Trace({ cpus: [cpu(0, 2, false), cpu(1, 2, false)] }), {
      blankLines: true,
      dsb1: 'ishst',
      tlbiKind: 'vaale1is',
    }),
);

scenario(
  'good',
  'l1-bbm-split-pmd-block-16k',
  '16K granule, two BBM-level-1 CPUs (no noabort). A level-1 CPU may not change the size live without the nT protocol (decision 6), so the 32 MiB block at L2[33] is split with full BBM: 2048 plain pages built, `dsb ishst`, block -> invalid, `dsb ishst`, `tlbi vaae1is`, `dsb ish`, table descriptor.',
  () => l1BbmSplit16k(LM(blk16(1))),
);

/**
 * The level-1 BBM split of the 16K block at L2[33], with the TLBI at `tlbiVa`.
 * @param tlbiVa - the VA the TLBI names
 * @param bad - the violation expected at the table descriptor
 * @returns the trace
 */
function l1BbmSplit16k(tlbiVa: bigint, bad?: ViolationCode): Trace {
  const t = new Trace({ granule: '16K', cpus: [cpu(0, 1, false), cpu(1, 1, false)] });
  base16k(t, { blocks: 2 });
  const va = LM(blk16(1));
  t.alloc(0x8000c000n, 3);
  t.mapRange(0, 0x8000c000n, 3, va, blk16(1), 2048, KERNEL);
  t.dsb(0, 'ishst');
  t.write(0, t.ent(L2_16K, 2, va), 0n)
    .dsb(0, 'ishst')
    .tlbi(0, 'vaae1is', tlbiVa)
    .dsb(0, 'ish');
  t.link(0, L2_16K, 2, va, 0x8000c000n, { pxnTable: true });
  if (bad) t.expect(bad);
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-bbm-collapse-pte-table-rvaae1is-free-4k',
  'Two level-0 CPUs. A PTE table (512 pages) is collapsed back into a 2 MiB block with BBM: table descriptor -> invalid, `dsb ishst`, `tlbi rvaae1is` over the whole 2 MiB (a non-last-level range TLBI: removes the 512 page entries and the walk-cache entry of the old table, T4), `dsb ish`, block, `dsb ishst`, then the old PTE table is freed (unlinked, no walk-cache entry left: T1).',
  () => l0Collapse4k(new Trace({ cpus: L0x2 }), (t, va) => t.tlbi(0, 'rvaae1is', va, 2n * MiB)),
);

/**
 * The BBM remap of page 1 of the 64K vmalloc mapping to PA 0x50000000.
 * @param withTlbi - the TLBI and its `dsb ish` between break and make
 * @returns the trace
 */
function remap64k(withTlbi: boolean): Trace {
  const t = vmap64k(new Trace({ granule: '64K', cpus: L0x2 }));
  const va = VMALLOC + 64n * KiB;
  t.write(0, t.ent(PTE_VMAP_64K, 3, va), 0n).dsb(0, 'ishst');
  if (withTlbi) t.tlbi(0, 'vaale1is', va).dsb(0, 'ish');
  t.map(0, PTE_VMAP_64K, 3, va, 0x50000000n);
  if (!withTlbi) t.expect('bbm-unclean');
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-bbm-remap-page-64k',
  '64K granule, two level-0 CPUs, a 4-page vmalloc-style mapping. Page 1 is moved to a new OA with BBM (the `clear_fixmap()`/`set_fixmap()` pattern): PTE -> invalid, `dsb ishst`, `tlbi vaale1is` (a leaf, so last-level is enough), `dsb ish`, new PTE, `dsb ishst`, `isb` (B2, RDDMVT).',
  () => remap64k(true),
);

scenario(
  'good',
  'l0-bbm-remap-page-local-tlbi-single-cpu-4k',
  "A single level-0 CPU. A page is remapped with BBM using a LOCAL `tlbi vaale1` completed by `dsb nsh` (a local TLBI is complete after the issuer's DSB NSH, and with one CPU it reaches every TLB). The break is made visible with `dsb ishst` before the TLBI.",
  () => {
    const t = new Trace({ cpus: [cpu(0, 0, false)] });
    base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
    const va = LM(pmdPA(1)) + 0x2000n;
    t.write(0, t.ent(0x80003000n, 3, va), 0n)
      .dsb(0, 'ishst')
      .tlbi(0, 'vaale1', va)
      .dsb(0, 'nsh');
    t.map(0, 0x80003000n, 3, va, 0x60000000n);
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

/**
 * A 4K page mapping (PTE table at L2[1], 16 pages) with page 3 remapped through an AF=0 break.
 * @param t - the trace
 * @param withTlbi - the TLBI and its `dsb ish` after the break
 * @returns the trace
 */
function af0Remap(t: Trace, withTlbi: boolean): Trace {
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
  const va = LM(pmdPA(1)) + 0x3000n;
  t.map(0, 0x80003000n, 3, va, pmdPA(1) + 0x3000n, { af: false });
  t.dsb(0, 'ishst');
  if (withTlbi) t.tlbi(0, 'vaale1is', va).dsb(0, 'ish');
  t.map(0, 0x80003000n, 3, va, 0x60000000n);
  if (!withTlbi) t.expect('bbm-unclean');
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-af0-break-remap-page-4k',
  'Two level-0 CPUs, hardware AF off. A page is remapped using AF=0 as the break (decision 12, herd7 `TLBUncacheableTTD`): the live PTE is rewritten with AF=0 (same OA, allowed live), `dsb ishst`, `tlbi vaale1is`, `dsb ish`, then the new OA with AF=1. An AF=0 entry is never cached, so the old translation is gone before the new one appears.',
  () => af0Remap(new Trace({ cpus: L0x2 }), true),
);

scenario(
  'bad',
  'l0-bbm-missing-tlbi-4k',
  'The level-0 BBM split of `l0-bbm-split-pmd-block-4k` with the TLBI left out (break, `dsb ish`, `dsb ish`, table). Both CPUs may still hold the 2 MiB block when the 4 KiB pages become visible: different sizes are incompatible without noabort (B2, RDDMVT). Flagged at the table descriptor.',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { tlbi: false, bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-missing-dsb-before-tlbi-4k',
  "The level-0 BBM split with the DSB between the break and the TLBI missing: the TLBI may run before the invalid entry is visible to walkers, so a walker may refill the block after it; the model only counts a TLBI issued after the breaking store was followed by the writer's DSB (B2). Flagged at the table descriptor.",
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { dsb1: false, bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-missing-dsb-after-tlbi-4k',
  'The level-0 BBM split with the DSB after the TLBI missing: the TLBI is not complete (RDDMVT step 4) when the table is written, so the stale block may still be cached (B2).',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { dsb2: false, bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-local-tlbi-two-cpus-4k',
  'The level-0 BBM split with a LOCAL `tlbi vaae1` + `dsb nsh` on a two-CPU system: the TLBI does not reach CPU 1, which may still hold the block (RDDMVT requires a broadcast TLBI).',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { tlbiKind: 'vaae1', dsb2: 'nsh', bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-dsb-by-other-cpu-4k',
  'The level-0 BBM split where CPU 0 issues `tlbi vaae1is` but the completing `dsb ish` is executed by CPU 1: a TLBI is complete only after a DSB by the issuing PE (§5.4), so the block may still be cached.',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { dsb2Cpu: 1, bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-missing-tlbi-blank-lines-4k',
  'As `l0-bbm-missing-tlbi-4k`, with blank lines between the phases: the violation is the same event, but its line number is shifted by the three blank lines before it.',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { tlbi: false, blankLines: true, bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-tlbi-wrong-va-16k',
  '16K granule, two level-1 CPUs. BBM split of the 32 MiB block at L2[33], but the TLBI names an address in the neighbouring block L2[32]: the by-VA TLBI does not cover the stale block (scope, §5.3), so the new pages appear while it may be cached.',
  () => l1BbmSplit16k(LM(blk16(0)), 'bbm-unclean'),
);

scenario(
  'bad',
  'l0-bbm-remap-page-missing-tlbi-64k',
  '64K granule. The page remap of `l0-bbm-remap-page-64k` without the TLBI and its `dsb ish` (break, `dsb ishst`, new OA): the old translation may still be cached on either CPU when the new OA appears (B2).',
  () => remap64k(false),
);

scenario(
  'bad',
  'l0-bbm-collapse-pte-table-single-vaae1is-4k',
  'The same collapse flushed with ONE `tlbi vaae1is` at the first VA: it removes the walk-cache entry and the first page, but the other 511 page entries (spans that do not contain that VA) may stay cached, and a 4 KiB page is incompatible with the new 2 MiB block on a level-0 CPU. Flagged at the block write.',
  () => l0Collapse4k(new Trace({ cpus: L0x2 }), (t, va) => t.tlbi(0, 'vaae1is', va), 'bbm-unclean'),
);

scenario(
  'bad',
  'l0-af0-break-no-tlbi-4k',
  'The AF=0 break of `l0-af0-break-remap-page-4k` without the TLBI: writing AF=0 stops new fills, but a CPU may still hold the old AF=1 translation (decision 12 needs the TLBI + DSB) when the new OA appears.',
  () => af0Remap(new Trace({ cpus: L0x2 }), false),
);
