/**
 * Family "size change" (B3, B4; RKFLJB): a live block <-> table change is allowed only when every
 * running CPU has noabort (SEMANTICS.md W5 `size-change-without-bbml2`; a BBM-level-1 observer is
 * exempt only for an old block with nT = 1). What such a change must keep is
 * `size-change-identity.ts` (B5).
 *
 * Layer: model/scenarios (generator only).
 */
import { cpu, Trace } from '../builder.ts';
import { KERNEL_RO } from '../descriptors.ts';
import { LM } from '../geometry.ts';
import { rewriteGroup, splitBlock, flushKernelPage } from '../kernel.ts';
import {
  L1_4K,
  L2_16K,
  L2_4K,
  L2_64K,
  NOABORT2,
  ASYM,
  PA0,
  base16k,
  base4k,
  base64k,
  blk16,
  blk64,
  pmdPA,
} from '../layouts.ts';
import { family, scenario } from '../registry.ts';
import { noabortSplit4k } from '../sequences.ts';

family('size-change');

// split_pmd(to_cont) under noabort, the on-demand split of split_kernel_leaf_mapping().
scenario(
  'good',
  'l2-noabort-split-pmd-block-4k',
  'Two noabort CPUs (BBM level 2). `split_pmd(to_cont=true)` of the live 2 MiB block at L2[1]: alloc a PTE table, 512 page writes with CONT on every aligned 16-entry group, `dsb ishst`, then the table descriptor (TABLE_PXN, TABLE_UXN) written straight over the live block. Identity-preserving (B5/RPVTFW), every walker has noabort, stale block entries are compatible under B7. T2 holds (DSB before the link).',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    base4k(t, { blocks: 2 });
    t.walk(1, LM(pmdPA(1)) + 0x5000n);
    splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(1)), pa: pmdPA(1), table: 0x80003000n, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-split-pud-block-4k',
  'Two noabort CPUs. `split_pud(to_cont=true)` of a live 1 GiB PUD block (4K only): a PMD table of 512 2 MiB blocks, CONT on each aligned 16-block (32 MiB) group, `dsb ishst`, table descriptor over the live PUD block. Identity-preserving size change under noabort (B5, B7; RKFLJB level 2).',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    base4k(t, { pud: true });
    splitBlock(t, 0, { parent: L1_4K, level: 1, va: LM(PA0), pa: PA0, table: L2_4K, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-set-memory-ro-page-in-pud-4k',
  'Four noabort CPUs; the whole of `set_memory_ro(0xffff000040123000, 1)` on a linear map held by one 1 GiB PUD block: `split_kernel_leaf_mapping()` splits only at the odd-page start: `split_pud(to_cont)` (512 CONT PMD blocks), `split_contpmd()` of the group holding the address (16 writes), `split_pmd(to_cont)` of L2[0] (512 CONT pages), `split_contpte()` of the group 288..303, lazy-MMU exit (`dsb ishst; isb`); then the pageattr walk writes the page read-only (AP[2]=1, DBM=0) and `flush_tlb_kernel_range()` (`vaale1is`, `dsb ish`, `isb`). Every step is identity-preserving or a permission-only change; the last-level TLBI removes the stale PUD/CONT-PMD/PMD/CONT-PTE entries of the VA (decisions 2, 3).',
  () => {
    const t = new Trace({ cpus: [cpu(0, 2, true), cpu(1, 2, true), cpu(2, 2, true), cpu(3, 2, true)] });
    base4k(t, { pud: true });
    const addr = LM(0x40123000n);
    // split_pud(pudp, pud, GFP_PGTABLE_KERNEL, to_cont = true)
    splitBlock(t, 2, { parent: L1_4K, level: 1, va: LM(PA0), pa: PA0, table: L2_4K, cont: true });
    // split_contpmd(L2[0]): the CONT_PMDS group 0..15
    rewriteGroup(t, 2, { table: L2_4K, level: 2, va: addr, pa: 0x40123000n, cont: false });
    // split_pmd(L2[0], to_cont = true)
    splitBlock(t, 2, { parent: L2_4K, level: 2, va: LM(PA0), pa: PA0, table: 0x80003000n, cont: true });
    // split_contpte(): group of PTE 291 = entries 288..303
    rewriteGroup(t, 2, { table: 0x80003000n, level: 3, va: addr, pa: 0x40123000n, cont: false });
    t.dsb(2, 'ishst').isb(2);
    // update_range_prot(): PTE_RDONLY set, PTE_WRITE cleared, then __change_memory_common's flush
    t.map(2, 0x80003000n, 3, addr, 0x40123000n, KERNEL_RO);
    flushKernelPage(t, 2, addr);
    return t;
  },
);

scenario(
  'good',
  'noabort-unadvertised-bbm0-split-pmd-4k',
  'Both CPUs report BBM level 0 but are on the noabort MIDR list (AmpereOne-like: noabort is a property of the implementation, not of `bbm`; README header and §3.2). A live `split_pmd(to_cont=true)` is therefore allowed: only `noabort` decides size changes.',
  () => {
    const t = new Trace({ cpus: [cpu(0, 0, true), cpu(1, 0, true)] });
    base4k(t, { blocks: 2 });
    splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(0)), pa: pmdPA(0), table: 0x80003000n, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-split-pmd-block-16k',
  '16K granule; CPU 0 reports FEAT_BBML3 (`bbm: 3`, read as level 2 + noabort), CPU 1 is level 2 + noabort. `split_pmd(to_cont=true)` of the live 32 MiB block at L2[33]: 2048 pages with CONT on each aligned 128-page (2 MiB) group, `dsb ishst`, table descriptor over the block.',
  () => {
    const t = new Trace({ granule: '16K', cpus: [cpu(0, 3, true), cpu(1, 2, true)] });
    base16k(t, { blocks: 2 });
    splitBlock(t, 0, { parent: L2_16K, level: 2, va: LM(blk16(1)), pa: blk16(1), table: 0x8000c000n, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-split-contpmd-then-pmd-16k',
  '16K granule, two noabort CPUs; the linear map is one CONT-PMD group of 32 blocks (1 GiB) at L2[32..63]. `set_memory_ro(0xffff000040124000, 1)`: `split_contpmd()` (32 writes clearing CONT), `split_pmd(to_cont=true)` of L2[32] (2048 pages, 128-page CONT groups), `split_contpte()` of the group holding PTE 73 (128 writes), lazy-MMU exit, the page made read-only, `flush_tlb_kernel_range()`. The real 16K sequence of §3.2: every write identity-preserving or permission-only.',
  () => {
    const t = new Trace({ granule: '16K', cpus: NOABORT2 });
    base16k(t, { blocks: 32, contPmd: true });
    const addr = LM(0x40124000n);
    rewriteGroup(t, 0, { table: L2_16K, level: 2, va: addr, pa: 0x40124000n, cont: false });
    splitBlock(t, 0, { parent: L2_16K, level: 2, va: LM(PA0), pa: PA0, table: 0x8000c000n, cont: true });
    rewriteGroup(t, 0, { table: 0x8000c000n, level: 3, va: addr, pa: 0x40124000n, cont: false });
    t.dsb(0, 'ishst').isb(0);
    t.map(0, 0x8000c000n, 3, addr, 0x40124000n, KERNEL_RO);
    flushKernelPage(t, 0, addr);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-split-pmd-block-64k',
  '64K granule (root at level 1), two noabort CPUs. `split_pmd(to_cont=true)` of the live 512 MiB block at L2[2]: 8192 pages with CONT on each aligned 32-page (2 MiB) group, `dsb ishst`, table descriptor over the block.',
  () => {
    const t = new Trace({ granule: '64K', cpus: NOABORT2 });
    base64k(t, { blocks: 2 });
    splitBlock(t, 0, { parent: L2_64K, level: 2, va: LM(blk64(0)), pa: blk64(0), table: 0x80020000n, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'bad',
  'l2-noabort-split-pmd-block-l0-running-4k',
  'The `split_pmd(to_cont=true)` of `l2-noabort-split-pmd-block-4k`, but CPU 1 is BBM level 0 and running (not parked). The table descriptor written over the live block is a live size change while a running CPU lacks noabort (B3/B6, RKFLJB).',
  () => noabortSplit4k(new Trace({ cpus: ASYM }), { bad: 'size-change-without-bbml2' }),
);

scenario(
  'bad',
  'l2-noabort-split-pmd-block-l1-running-4k',
  'The same split with CPU 1 at BBM level 1 (no noabort) and running. Level 1 only allows a size change through the nT protocol, which the kernel never uses (decision 6), so the live block -> table write is flagged (B4/B6).',
  () => noabortSplit4k(new Trace({ cpus: [cpu(0, 2, true), cpu(1, 1, false)] }), { bad: 'size-change-without-bbml2' }),
);

scenario(
  'bad',
  'l2-noabort-split-pud-block-l2-abort-running-4k',
  '`split_pud(to_cont=true)` of a live 1 GiB block while CPU 1 is plain BBM level 2 WITHOUT noabort: level 2 allows the write architecturally but may raise a TLB conflict abort (IHYQMB), which Linux cannot handle (§3.1). Flagged at the PUD table descriptor.',
  () => {
    const t = new Trace({ cpus: [cpu(0, 2, true), cpu(1, 2, false)] });
    base4k(t, { pud: true });
    splitBlock(t, 0, { parent: L1_4K, level: 1, va: LM(PA0), pa: PA0, table: L2_4K, cont: true });
    t.expect('size-change-without-bbml2');
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);
