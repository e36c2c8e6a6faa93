/**
 * Family "live change" (B1; RWHZWS, §1.2–§1.3): a valid -> valid store of the same shape is
 * allowed when only permissions, AF, DBM, nG 0 -> 1 or Normal <-> Normal-Tagged change
 * (decision 11), and is `bbm-valid-to-valid` when OA, memory type, shareability, nG 1 -> 0 or the
 * next-table address change (SEMANTICS.md W5).
 *
 * Layer: model/scenarios (generator only).
 */
import type { ViolationCode } from '../../../bbm/violations.ts';
import { Trace } from '../builder.ts';
import type { LeafProt } from '../descriptors.ts';
import { DEVICE, KERNEL, KERNEL_RO, KERNEL_ROX } from '../descriptors.ts';
import { LM, MiB } from '../geometry.ts';
import { flushKernelPage } from '../kernel.ts';
import { L0x2, L2_4K, NOABORT2, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('live-change');

/** A new value for page 2: its fields, or a function of its PA giving a new PA and fields. */
type PageEdit = LeafProt | ((pa: bigint) => { readonly pa: bigint; readonly o: LeafProt });

/**
 * A 4K PTE table at L2[1] with 16 plain pages (`oldProt`), page 2 rewritten live, then a leaf flush.
 * @param t - the trace
 * @param edit - the new value of page 2
 * @param bad - the violation expected at that store
 * @param oldProt - the fields of the 16 pages
 * @returns the trace
 */
function livePageChange(t: Trace, edit: PageEdit, bad?: ViolationCode, oldProt: LeafProt = KERNEL): Trace {
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16, prot: oldProt } });
  const va = LM(pmdPA(1)) + 0x2000n;
  const pa = pmdPA(1) + 0x2000n;
  const next = typeof edit === 'function' ? edit(pa) : { pa, o: edit };
  t.map(0, 0x80003000n, 3, va, next.pa, next.o);
  if (bad) t.expect(bad);
  flushKernelPage(t, 0, va);
  return t;
}

scenario(
  'good',
  'l0-perm-ro-page-flush-4k',
  'Two level-0 CPUs. `set_memory_ro()` of one page: AP[2] set and DBM cleared on the live PTE (a permission change, allowed valid->valid at every level, §1.3, §2.4), then `flush_tlb_kernel_range()` (make-then-flush, RGPPYH).',
  () => livePageChange(new Trace({ cpus: L0x2 }), KERNEL_RO),
);

scenario(
  'good',
  'l0-perm-set-rox-block-flush-4k',
  'Two level-0 CPUs. A whole 2 MiB block is made read-only and executable (`set_memory_rox()` on a fully covered block: AP[2]=1, DBM=0, PXN 1->0) in place, then `dsb ishst; tlbi vaale1is; dsb ish; isb`. Permissions only: no BBM needed (§1.3).',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.map(0, L2_4K, 2, LM(pmdPA(1)), pmdPA(1), KERNEL_ROX);
    flushKernelPage(t, 0, LM(pmdPA(1)));
    return t;
  },
);

scenario(
  'good',
  'l0-mte-normal-to-tagged-4k',
  'Two level-0 CPUs. A live page goes from AttrIndx 0 (Normal) to 1 (Normal-Tagged) and is flushed. Decision 11: Normal <-> Normal-Tagged is a permission-like change, allowed live (as `pgattr_change_is_safe()` allows it).',
  () => livePageChange(new Trace({ cpus: L0x2 }), { attr: 1 }),
);

scenario(
  'good',
  'l0-ng-global-to-nonglobal-4k',
  'Two level-0 CPUs. A live global page is made non-global (nG 0->1), then flushed with `vaale1is` (all ASIDs). Only nG 1->0 needs BBM (RWHZWS item 4, §1.3, §2.4: "nG 0->1 live + later TLBI").',
  () => livePageChange(new Trace({ cpus: L0x2 }), { ng: true }),
);

scenario(
  'bad',
  'l0-oa-change-valid-to-valid-4k',
  'Two level-0 CPUs. A live writable page is rewritten to a different OA in one store (no break): RWHZWS item 2 / B1, forbidden at every BBM level.',
  () => livePageChange(new Trace({ cpus: L0x2 }), (pa) => ({ pa: pa + 16n * MiB, o: KERNEL }), 'bbm-valid-to-valid'),
);

scenario(
  'bad',
  'l0-normal-to-device-valid-to-valid-4k',
  'Two noabort CPUs. A live Normal page becomes Device-nGnRE (AttrIndx 0 -> 4) in one store: a memory-type change needs BBM at every level, noabort included (RWHZWS item 1, B1; `TTD-MT-update`).',
  () => livePageChange(new Trace({ cpus: NOABORT2 }), DEVICE, 'bbm-valid-to-valid'),
);

scenario(
  'bad',
  'l0-normal-to-noncacheable-valid-to-valid-4k',
  'Two level-0 CPUs. A live Normal write-back page becomes Normal non-cacheable (AttrIndx 0 -> 2, e.g. a DMA-coherent remap done in place): a cacheability change needs BBM (RWHZWS item 1, decision 11).',
  () => livePageChange(new Trace({ cpus: L0x2 }), { attr: 2 }, 'bbm-valid-to-valid'),
);

scenario(
  'bad',
  'l0-ng-nonglobal-to-global-4k',
  'Two level-0 CPUs; the page table was built with nG=1 (KPTI). One live page is rewritten global (nG 1->0): creating a global entry that may overlap non-global TLB entries needs BBM (RWHZWS item 4, `pgattr_change_is_safe()` "Non-Global to Global").',
  () => livePageChange(new Trace({ cpus: L0x2 }), KERNEL, 'bbm-valid-to-valid', { ng: true }),
);

scenario(
  'bad',
  'l0-table-repoint-valid-to-valid-4k',
  'Two level-0 CPUs. A live table descriptor (L2[1] -> PTE table A) is rewritten in one store to point at a freshly built, DSB-published copy B: a valid->valid change of the next-table address (B1), which needs BBM even though B holds the same translations.',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 512 } });
    t.alloc(0x80004000n, 3);
    t.mapRange(0, 0x80004000n, 3, LM(pmdPA(1)), pmdPA(1), 512, KERNEL);
    t.dsb(0, 'ishst');
    t.link(0, L2_4K, 2, LM(pmdPA(1)), 0x80004000n, { pxnTable: true }).expect('bbm-valid-to-valid');
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'live-block-normal-to-tagged-l0-4k',
  'Two level-0 CPUs. A live 2 MiB block goes from Normal (AttrIndx 0) to Normal-Tagged (AttrIndx 1) in place, then `flush_tlb_kernel_range()`. Same shape (no size or Contiguous change), so only B1 applies, and decision 11 makes Normal <-> Normal-Tagged a permission-like change (SEMANTICS.md §4: "memory type class with Normal ≡ Normal-Tagged"): allowed live at every BBM level, unlike the same change during a split (family 3, `split-pmd-children-tagged-noabort-4k`).',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.map(0, L2_4K, 2, LM(pmdPA(1)), pmdPA(1), { attr: 1 });
    flushKernelPage(t, 0, LM(pmdPA(1)));
    return t;
  },
);
