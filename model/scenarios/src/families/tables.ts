/**
 * Family "tables" (T1, T2, T4; RRVJDB, IHYQMB): a table page may be freed only when no online
 * CPU can reach it through its view or a walk-cache entry (SEMANTICS.md `free`); a table must be
 * written and made visible before it is linked (W4 `table-linked-before-init`); replacing a table
 * needs a TLBI that removes walk-cache entries (walk entries conflict, §4).
 *
 * Layer: model/scenarios (generator only).
 */
import type { ViolationCode } from '../../../bbm/violations.ts';
import { Trace } from '../builder.ts';
import { DEVICE, KERNEL } from '../descriptors.ts';
import { KiB, LM, MiB, VMALLOC } from '../geometry.ts';
import { L0x2, L1_4K, NOABORT2, L2_4K, ROOT, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';
import { l0Collapse4k, noabortSplit4k } from '../sequences.ts';

family('tables');

/**
 * ioremap/iounmap then a huge ioremap at the same VA: `pmd_free_pte_page()` (4K, vmalloc area).
 * @param t - the trace
 * @param pgtableFlush - `__flush_tlb_kernel_pgtable()` (or a broken variant)
 * @param bad - the violation expected at the `free`
 * @returns the trace
 */
function vmapHuge4k(t: Trace, pgtableFlush: (t: Trace) => void, bad?: ViolationCode): Trace {
  const L1v = 0x80001000n;
  const L2v = 0x80002000n;
  const pte = 0x80003000n;
  const mmio = 0x10000000n;
  t.alloc(L1v, 1).alloc(L2v, 2).alloc(pte, 3);
  t.link(0, ROOT, 0, VMALLOC, L1v);
  t.link(0, L1v, 1, VMALLOC, L2v);
  t.link(0, L2v, 2, VMALLOC, pte);
  // ioremap(0x10000000, 8K)
  t.mapRange(0, pte, 3, VMALLOC, mmio, 2, DEVICE);
  t.dsb(0, 'ishst').isb(0);
  // iounmap(): clear the PTEs, flush_tlb_kernel_range()
  t.write(0, t.ent(pte, 3, VMALLOC), 0n).write(0, t.ent(pte, 3, VMALLOC + 4n * KiB), 0n);
  t.dsb(0, 'ishst')
    .tlbi(0, 'vaale1is', VMALLOC)
    .tlbi(0, 'vaale1is', VMALLOC + 4n * KiB)
    .dsb(0, 'ish')
    .isb(0);
  // ioremap(0x10000000, 2M) -> vmap_try_huge_pmd() -> pmd_free_pte_page(): pmd_clear,
  // __flush_tlb_kernel_pgtable(), pte_free_kernel(); then pmd_set_huge()
  t.write(0, t.ent(L2v, 2, VMALLOC), 0n);
  pgtableFlush(t);
  t.free(pte);
  if (bad) {
    t.expect(bad);
    return t;
  }
  t.map(0, L2v, 2, VMALLOC, mmio, DEVICE);
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-vmap-huge-pmd-free-pte-table-vaae1is-4k',
  'Two level-0 CPUs, vmalloc area. `ioremap()` of two device pages, `iounmap()` (clear, `vaale1is` per page, `dsb ish`), then a 2 MiB `ioremap()` at the same VA: `pmd_free_pte_page()` clears the PMD, `__flush_tlb_kernel_pgtable()` (`dsb ishst; tlbi vaae1is; dsb ish`: a non-last-level TLBI removes the walk-cache entry for the table), frees the PTE table (T1 satisfied), then `pmd_set_huge()` writes a device block (no stale entry left: B2).',
  () => vmapHuge4k(new Trace({ cpus: L0x2 }), (t) => t.dsb(0, 'ishst').tlbi(0, 'vaae1is', VMALLOC).dsb(0, 'ish')),
);

scenario(
  'good',
  'l0-free-never-linked-table-4k',
  'Two level-0 CPUs. A PTE table is allocated and partly filled for a split that is then abandoned (error path); it was never linked, so it can be freed at once (T1: "a never-linked table may be freed at once").',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.alloc(0x80003000n, 3);
    t.mapRange(0, 0x80003000n, 3, LM(pmdPA(1)), pmdPA(1), 16, KERNEL);
    t.free(0x80003000n);
    return t;
  },
);

/**
 * Memory hot-add (4K): PMD + PTE tables built offline, then linked at L1[4] (VA …0100000000).
 * @param t - the trace
 * @param withDsb - the `dsb ishst` before the link
 * @returns the trace
 */
function hotplugSubtree(t: Trace, withDsb: boolean): Trace {
  base4k(t, { blocks: 2 });
  const hpa = 0x100000000n;
  const va = LM(hpa);
  t.alloc(0x80004000n, 2).alloc(0x80005000n, 3);
  t.mapRange(0, 0x80005000n, 3, va, hpa, 512, KERNEL);
  t.link(0, 0x80004000n, 2, va, 0x80005000n, { pxnTable: true });
  if (withDsb) t.dsb(0, 'ishst');
  t.link(0, L1_4K, 1, va, 0x80004000n);
  if (!withDsb) t.expect('table-linked-before-init');
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-hotplug-subtree-dsb-then-link-4k',
  'Two level-0 CPUs. Memory hot-add at PA 4 GiB with PTE mappings (NO_BLOCK_MAPPINGS): a PMD table and a PTE table are built off-line (512 pages, then the PMD entry linking the PTE table, which is not yet reachable), `dsb ishst`, and only then the new PMD table is linked into the live L1 table (T2 for the whole subtree).',
  () => hotplugSubtree(new Trace({ cpus: L0x2 }), true),
);

scenario(
  'bad',
  'l0-bbm-collapse-pte-table-rvaale1is-4k',
  'The collapse of `l0-bbm-collapse-pte-table-rvaae1is-free-4k` flushed with the LAST-LEVEL range form `rvaale1is`: the 512 page entries go, but last-level TLBIs never remove walk-cache entries (decision 2), so a CPU may still hold the old table pointer for the 2 MiB when the block is written: the old entry was a table, so B2/T4 require a non-last-level TLBI. Flagged at the block write (the free after it would be T1).',
  () => l0Collapse4k(new Trace({ cpus: L0x2 }), (t, va) => t.tlbi(0, 'rvaale1is', va, 2n * MiB), 'bbm-unclean'),
);

scenario(
  'bad',
  't2-split-pmd-missing-dsb-4k',
  'Two noabort CPUs. `split_pmd(to_cont=true)` without the `dsb(ishst)` between filling the PTE table and `__pmd_populate()`: the table is published while its 512 stores are not yet ordered (T2, §1.4).',
  () => noabortSplit4k(new Trace({ cpus: NOABORT2 }), { split: { dsb: false }, bad: 'table-linked-before-init' }),
);

scenario(
  'bad',
  't2-split-pmd-dsb-by-other-cpu-4k',
  "Two noabort CPUs. CPU 1 fills the new PTE table; CPU 0 executes the `dsb ishst` and writes the table descriptor. A DSB orders only its own CPU's stores, so CPU 1's stores are not yet made visible when the table is linked (T2).",
  () => noabortSplit4k(new Trace({ cpus: NOABORT2 }), { split: { writer: 1 }, bad: 'table-linked-before-init' }),
);

scenario(
  'bad',
  't2-hotplug-subtree-no-dsb-4k',
  'The hot-add of `l0-hotplug-subtree-dsb-then-link-4k` without the DSB before linking the new PMD table into the live L1 table: the linked subtree (PMD table and the PTE table under it) holds stores not yet followed by a DSB (T2).',
  () => hotplugSubtree(new Trace({ cpus: L0x2 }), false),
);

scenario(
  'bad',
  't2-split-pmd-publish-empty-table-4k',
  'Two noabort CPUs. A "split" that links the freshly allocated (zeroed) PTE table over the live 2M block first and fills it afterwards: the table is published before its entries are written, so every VA of the block faults or is refilled from nothing (T2, `split_pmd()` fills, then `dsb(ishst)`, then populates).',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    base4k(t, { blocks: 2 });
    t.alloc(0x80003000n, 3);
    t.dsb(0, 'ishst');
    t.link(0, L2_4K, 2, LM(pmdPA(1)), 0x80003000n, { pxnTable: true });
    t.expect('table-linked-before-init');
    return t;
  },
);

scenario(
  'bad',
  't1-free-linked-pte-table-4k',
  'Two level-0 CPUs. A PTE table that is still linked from L2[1] is freed (no unlink, no TLBI): it is reachable from the root (T1, Casemate "can\'t free location which is currently a PTE").',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
    t.free(0x80003000n).expect('table-freed-while-reachable');
    return t;
  },
);

scenario(
  'bad',
  't1-vmap-huge-pmd-vaale1is-free-4k',
  '`pmd_free_pte_page()` of `l0-vmap-huge-pmd-free-pte-table-vaae1is-4k` with a LAST-LEVEL `tlbi vaale1is` in the page-table flush: last-level TLBIs never remove walk-cache entries (decision 2), so a CPU may still hold the pointer to the PTE table when it is freed (T1, RRVJDB).',
  () =>
    vmapHuge4k(
      new Trace({ cpus: L0x2 }),
      (t) => t.dsb(0, 'ishst').tlbi(0, 'vaale1is', VMALLOC).dsb(0, 'ish'),
      'table-freed-while-reachable',
    ),
);

scenario(
  'bad',
  't1-unlink-vaae1is-no-dsb-free-4k',
  'The same `pmd_free_pte_page()` with the right `tlbi vaae1is` but only `dsb ishst` after it: the TLBI is not complete (ST forms complete no TLBI), so the walk-cache entry may still be held when the table is freed (T1).',
  () =>
    vmapHuge4k(
      new Trace({ cpus: L0x2 }),
      (t) => t.dsb(0, 'ishst').tlbi(0, 'vaae1is', VMALLOC).dsb(0, 'ishst'),
      'table-freed-while-reachable',
    ),
);
