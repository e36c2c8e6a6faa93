/**
 * Family "size change, identity" (B5; RPVTFW "the only change is the size"): a live block <->
 * table change or Contiguous flip must translate every VA of the old span as before — OA,
 * AttrIndx exactly (Normal and Normal-Tagged differ here, family 3, decision 11), SH, NS, nG, AF,
 * validity and permissions with the hierarchical limits (strict, decision 1) — else
 * `non-identity-split` (SEMANTICS.md W5).
 *
 * Layer: model/scenarios (generator only).
 */
import { Trace } from '../builder.ts';
import { KERNEL_RO } from '../descriptors.ts';
import { blockPrefix } from '../anygranule.ts';
import type { Granule } from '../geometry.ts';
import { GRANULES, LM } from '../geometry.ts';
import { splitBlock } from '../kernel.ts';
import { L1_4K, L2_4K, NOABORT2, PA0, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';
import { noabortSplit4k } from '../sequences.ts';

family('size-change-identity');

scenario(
  'good',
  'l2-noabort-split-pmd-pxntable-only-4k',
  'Two noabort CPUs. `split_pmd(to_cont=false)` where the child pages do NOT carry PXN but the new table descriptor sets PXNTable. The effective permission of every VA (hierarchical PXNTable counted, B5) is still privileged-execute-never, so the split preserves the translation and is accepted.',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    base4k(t, { blocks: 2 });
    splitBlock(t, 0, {
      parent: L2_4K,
      level: 2,
      va: LM(pmdPA(1)),
      pa: pmdPA(1),
      table: 0x80003000n,
      child: (_i, o) => ({ ...o, pxn: false }),
      pxnTable: true,
    });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'bad',
  'split-pmd-wrong-pfn-step-4k',
  'Two noabort CPUs. `split_pmd(to_cont=false)` whose child PTEs step the pfn by 2 (entry i maps block PA + i x 8 KiB): most VAs of the old block change OA, so the live size change is not identity-preserving (B5, RPVTFW). Flagged at the table descriptor.',
  () => noabortSplit4k(new Trace({ cpus: NOABORT2 }), { cont: false, split: { step: 2n }, bad: 'non-identity-split' }),
);

scenario(
  'bad',
  'split-pmd-missing-pxn-4k',
  'Two noabort CPUs. `split_pmd(to_cont=false)` of a PXN block where the child PTEs lose PXN and the table descriptor has no PXNTable (the mirror of `PMD_SECT_PXN` into `PMD_TABLE_PXN` forgotten): every VA becomes privileged-executable, a permission change during a size change (B5, decision 1).',
  () =>
    noabortSplit4k(new Trace({ cpus: NOABORT2 }), {
      cont: false,
      split: { child: (_i, o) => ({ ...o, pxn: false }), pxnTable: false },
      bad: 'non-identity-split',
    }),
);

scenario(
  'bad',
  'split-pmd-children-readonly-4k',
  'Two noabort CPUs. A split that also changes permissions: the child PTEs are written read-only (AP[2]=1, DBM=0) while the block was read-write. Under the strict default of decision 1 a split must keep permissions (B5).',
  () =>
    noabortSplit4k(new Trace({ cpus: NOABORT2 }), {
      cont: false,
      split: { child: (_i, o) => ({ ...o, ...KERNEL_RO }) },
      bad: 'non-identity-split',
    }),
);

scenario(
  'bad',
  'split-pmd-children-af0-4k',
  'Two noabort CPUs. `split_pmd(to_cont=false)` whose child PTEs have AF=0 (built from a prot without PTE_AF): accesses would now take Access-flag faults, so AF is not preserved (B5: "AF=1 must be kept on every new leaf").',
  () =>
    noabortSplit4k(new Trace({ cpus: NOABORT2 }), {
      cont: false,
      split: { child: (_i, o) => ({ ...o, af: false }) },
      bad: 'non-identity-split',
    }),
);

/**
 * `split_pmd(to_cont=false)` of the second level-2 block of any granule, children Normal-Tagged.
 * @param granule - the granule
 * @returns the trace
 */
function splitToTagged(granule: Granule): Trace {
  const t = new Trace({ granule, cpus: NOABORT2 });
  const m = blockPrefix(t, 2);
  const blk = t.size(2);
  splitBlock(t, 0, { parent: m.l2, level: 2, va: m.va + blk, pa: m.pa + blk, table: m.pte, prot: { attr: 1 } });
  t.expect('non-identity-split');
  t.dsb(0, 'ishst').isb(0);
  return t;
}

for (const granule of GRANULES) {
  scenario(
    'bad',
    `split-pmd-children-tagged-noabort-${granule.toLowerCase()}`,
    `${granule} granule, two noabort CPUs. \`split_pmd(to_cont=false)\` of a live Normal (AttrIndx 0) block whose child pages are written Normal-Tagged (AttrIndx 1), e.g. a split that picks up \`PROT_NORMAL_TAGGED\`. Decision 11 lets Normal <-> Normal-Tagged change live on a same-shape entry (B1) but a live size change must change nothing but the size (RPVTFW, B5): SEMANTICS.md W5 compares AttrIndx exactly (family 3). Flagged at the table descriptor.`,
    () => splitToTagged(granule),
  );
}

/**
 * The live collapse of the PTE table at L2[1] (512 plain Normal pages) into one 2 MiB block.
 * @param attr - the block's AttrIndx
 * @returns the trace
 */
function liveCollapse4k(attr: number): Trace {
  const t = new Trace({ cpus: NOABORT2 });
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 512 } });
  t.map(0, L2_4K, 2, LM(pmdPA(1)), pmdPA(1), { attr });
  if (attr !== 0) t.expect('non-identity-split');
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'split-collapse-pte-table-live-noabort-4k',
  'Two noabort CPUs. A live PTE table of 512 plain pages is collapsed into the equivalent 2 MiB block in one store (table -> block, the reverse of `split_pmd()`): a live size change that keeps every VA (B5; SEMANTICS.md W5), allowed because every observer has noabort (B3); stale page and walk-cache entries are compatible with the block for noabort CPUs (§4).',
  () => liveCollapse4k(0),
);

scenario(
  'bad',
  'split-collapse-pte-table-to-tagged-block-noabort-4k',
  'The live collapse of `split-collapse-pte-table-live-noabort-4k`, but the new block is Normal-Tagged (AttrIndx 1) while the pages were Normal: a live size change must keep AttrIndx exactly (RPVTFW, B5, decision 11: Normal-Tagged is "same type" only for B1). Flagged at the block write (`non-identity-split`).',
  () => liveCollapse4k(1),
);

scenario(
  'bad',
  'split-fold-contpte-retag-noabort-4k',
  'Two noabort CPUs; a live PTE table of 32 plain Normal pages. The fold of the first group sets CONT on entry 0 and, in the same store, makes it Normal-Tagged. A Contiguous flip is a size change (SEMANTICS.md W5, B5): it must keep AttrIndx exactly (family 3), so the store is `non-identity-split` (W5 comes before the group check W7).',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    base4k(t, { blocks: 2, pte: { at: 2, table: 0x80003000n, n: 32 } });
    t.map(0, 0x80003000n, 3, LM(pmdPA(2)), pmdPA(2), { cont: true, attr: 1 }).expect('non-identity-split');
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

/**
 * A live 1 GiB PUD block (4K) replaced in one store by a PMD table whose first entry links a PTE
 * table, the rest 2 MiB blocks — a split two levels deep at once, built and published with
 * `dsb ishst` before the link. `hole` leaves PTE entry 5 never written or writes a zero into it.
 * @param hole - what entry 5 of the PTE table holds
 * @returns the trace
 */
function nestedSplit4k(hole: 'none' | 'never-written' | 'stored-zero'): Trace {
  const t = new Trace({ cpus: NOABORT2 });
  base4k(t, { pud: true });
  const pmdTable = 0x80002000n;
  const pteTable = 0x80003000n;
  t.alloc(pmdTable, 2).alloc(pteTable, 3);
  for (let i = 0n; i < 512n; i++) {
    if (i === 5n && hole === 'never-written') continue;
    if (i === 5n && hole === 'stored-zero') t.write(0, t.ent(pteTable, 3, LM(PA0) + i * t.size(3)), 0n);
    else t.map(0, pteTable, 3, LM(PA0) + i * t.size(3), PA0 + i * t.size(3));
  }
  t.link(0, pmdTable, 2, LM(PA0), pteTable, { pxnTable: true });
  t.mapRange(0, pmdTable, 2, LM(pmdPA(1)), pmdPA(1), 511);
  t.dsb(0, 'ishst');
  t.link(0, L1_4K, 1, LM(PA0), pmdTable);
  if (hole === 'never-written') t.expect('table-linked-before-init');
  if (hole === 'stored-zero') t.expect('non-identity-split');
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'split-pud-two-levels-at-once-noabort-4k',
  'Two noabort CPUs. A live 1 GiB PUD block is replaced in one store by a PMD table whose first entry links a fully written PTE table and whose other 511 entries are the equivalent 2 MiB blocks, all written and published by `dsb ishst` first: every VA translates as before (B5), so the live size change is accepted (B3: noabort).',
  () => nestedSplit4k('none'),
);

scenario(
  'bad',
  'split-pud-two-levels-never-written-pte-4k',
  'The two-level split of `split-pud-two-levels-at-once-noabort-4k`, but entry 5 of the PTE table under the new PMD table is never written: the subtree replaces the live block before all of its entries are initialised, a publication fault at any depth of the new subtree (SEMANTICS.md W5, T2; `table-linked-before-init`, not a translation difference; model/reference/found/025).',
  () => nestedSplit4k('never-written'),
);

scenario(
  'bad',
  'split-pud-two-levels-stored-zero-pte-4k',
  'The two-level split of `split-pud-two-levels-at-once-noabort-4k`, but a zero is stored into entry 5 of the PTE table: the entry was written, and invalid, so one 4 KiB page of the old block is no longer mapped — a live size change that does not keep the translation (B5, RPVTFW; `non-identity-split`, model/reference/found/026).',
  () => nestedSplit4k('stored-zero'),
);
