/**
 * The catalogue of seeded bugs ("mutants"): buggy variants of the bundled port, each a bug a
 * kernel developer could plausibly write or has written, each loaded through the SUT contract
 * (a {@link SutFactory}) and each expected to be killed by one property of properties/. A mutant
 * replaces one kernel function (or one walk-ops entry) through the port's function table
 * (`KernelFns`, see impl/README.md DEVIATION 20); its file carries the buggy copy with the
 * differing line(s) marked `MUTANT:`. `bbm-verify mutants` runs the kill matrix.
 *
 * Layer: impl/mutants.
 */
import type { SutFactory } from '../contract.ts';
import { createSut as aliasWholeArea } from './alias-whole-area.ts';
import { createSut as contpmdForgetsEntry } from './contpmd-forgets-entry.ts';
import { createSut as contpteDecontAllButOne } from './contpte-decont-all-but-one.ts';
import { createSut as contpteMisalignedStart } from './contpte-misaligned-start.ts';
import { createSut as flushOnePageShort } from './flush-one-page-short.ts';
import { createSut as kfencePoolLeftInBlocks } from './kfence-pool-left-in-blocks.ts';
import { createSut as mapMemMapsNomap } from './map-mem-maps-nomap.ts';
import { createSut as mutexInAtomic } from './mutex-in-atomic.ts';
import { createSut as pageattrSkipsInvalidBlock } from './pageattr-skips-invalid-block.ts';
import { createSut as pmdAlignedBeforeContpmd } from './pmd-aligned-before-contpmd.ts';
import { createSut as preallocForgetsPudPmdTables } from './prealloc-forgets-pud-pmd-tables.ts';
import { createSut as preallocGfpAtomicInStop } from './prealloc-gfp-atomic-in-stop.ts';
import { createSut as repaintEarlyRelease } from './repaint-early-release.ts';
import { createSut as repaintNoWait } from './repaint-no-wait.ts';
import { createSut as repaintToCont } from './repaint-to-cont.ts';
import { createSut as singlePageMoreAligned } from './single-page-more-aligned.ts';
import { createSut as splitPmdBreakBeforeAlloc } from './split-pmd-break-before-alloc.ts';
import { createSut as splitPmdDropPxn } from './split-pmd-drop-pxn.ts';
import { createSut as splitPmdDropTablePxn } from './split-pmd-drop-table-pxn.ts';
import { createSut as splitPmdKeepsCont } from './split-pmd-keeps-cont.ts';
import { createSut as splitGateForcePte } from './split-gate-force-pte.ts';
import { createSut as splitPmdNoDsb } from './split-pmd-no-dsb.ts';
import { createSut as splitPmdValidatesInvalid } from './split-pmd-validates-invalid.ts';
import { createSut as splitPudPfnStep } from './split-pud-pfn-step.ts';
import { createSut as splitSkipsEnd } from './split-skips-end.ts';
import { createSut as splitWholeRange } from './split-whole-range.ts';
import { createSut as splitWithoutCapability } from './split-without-capability.ts';

/** One seeded bug. */
export interface Mutant {
  /** stable kebab id, e.g. 'split-whole-range' */
  readonly id: string;
  /** one line: what is wrong */
  readonly description: string;
  /** the story: which kernel function, which commit introduced/fixed such a bug if any, or why it is plausible */
  readonly story: string;
  /** id of the property expected to kill it */
  readonly expectedKiller: string;
  readonly createSut: SutFactory;
}

/** The catalogue, in kernel order (boot map, split path, repaint, prealloc, pageattr). */
export const MUTANTS: readonly Mutant[] = [
  {
    id: 'map-mem-maps-nomap',
    description: 'map_mem() maps every memblock.memory range, MEMBLOCK_NOMAP firmware regions included',
    story:
      'mmu.c map_mem(): for_each_mem_range() skips NOMAP regions (UEFI runtime memory, firmware tables); iterating memblock.memory directly, or clearing the flag too early, maps firmware-owned memory cacheable behind its back (kernel §2.2)',
    expectedKiller: 'boot.linear-map-complete',
    createSut: mapMemMapsNomap,
  },
  {
    id: 'split-whole-range',
    description:
      'split_kernel_leaf_mapping() splits every leaf of [start, end) to PTEs instead of only the two boundaries',
    story:
      'mmu.c split_kernel_leaf_mapping(): reusing range_split_to_ptes() (the KFENCE-pool/repaint walk) is the obvious "split the range"; it keeps the translation and exact boundaries but breaks every block and cont group inside the range, which the kernel keeps large (kernel §3.1, §8 inv. 6, 7)',
    expectedKiller: 'split.blocks-kept',
    createSut: splitWholeRange,
  },
  {
    id: 'single-page-more-aligned',
    description: 'the single-page shortcut splits at the more aligned of start/end instead of the less aligned one',
    story:
      'mmu.c split_kernel_leaf_mapping(): the a166563e7ec3 shortcut `__ffs(start) < __ffs(end) ? start : end` inverted; the more aligned address may already be a cont/block edge, so nothing is split and the page stays inside a cont group (kernel §3.1 "Why the single-page shortcut is sound")',
    expectedKiller: 'split.boundaries-exact',
    createSut: singlePageMoreAligned,
  },
  {
    id: 'split-skips-end',
    description:
      'split_kernel_leaf_mapping() splits `end` only when splitting `start` failed (`if (ret)` for `if (!ret)`)',
    story:
      'mmu.c split_kernel_leaf_mapping(): a one-character inversion of the `ret = f(start); if (!ret) ret = f(end);` idiom; single-page and end-aligned ranges still pass',
    expectedKiller: 'split.boundaries-exact',
    createSut: splitSkipsEnd,
  },
  {
    id: 'split-without-capability',
    description:
      'split_kernel_leaf_mapping() skips the system capability test: no return 0 on a finalised non-BBML2 system, no -EBUSY windows; splits live',
    story:
      'mmu.c split_kernel_leaf_mapping(): the gate moved three times (a166563e7ec3, ce2b3a50ad92, f12b435de2f2); reading linear_map_requires_bbml2 as "splitting is allowed" forgets that it only describes the boot CPU — the repainted system keeps the kernel alias in blocks and pre-finalisation several CPUs are up (kernel §3.1 (c), §8 inv. 10)',
    expectedKiller: 'bbm.no-tlb-conflict-without-bbml2',
    createSut: splitWithoutCapability,
  },
  {
    id: 'split-gate-force-pte',
    description:
      'split_kernel_leaf_mapping() (v7.1) gates on force_pte_mapping() instead of linear_map_requires_bbml2: the calling CPU decides before finalisation',
    story:
      'mmu.c split_kernel_leaf_mapping(): the gate f12b435de2f2 replaced, with its comment "Do not call force_pte_mapping() here because it could return a confusing result if called from a secondary cpu prior to finalizing caps"; it also ignores can_set_direct_map(), so rodata=noalias/off splits (or answers -EBUSY) where the kernel returns 0 (kernel §2.1, §3.1 (c))',
    expectedKiller: 'ops.answers-exact',
    createSut: splitGateForcePte,
  },
  {
    id: 'mutex-in-atomic',
    description:
      'split_kernel_leaf_mapping() has no is_kfence_address()/PTE-mapped early exit, so KFENCE and DEBUG_PAGEALLOC callers take pgtable_split_lock',
    story:
      'mmu.c split_kernel_leaf_mapping() as in v6.18-rc1 a166563e7ec3 (only `!system_supports_bbml2_noabort()` returned early); KFENCE (softirq) and DEBUG_PAGEALLOC (irqs off) slept on the mutex; fixed by ce2b3a50ad92 "Don\'t sleep in split_kernel_leaf_mapping() when in atomic context" (v6.18-rc5; kernel §8 inv. 13)',
    expectedKiller: 'split.atomic-callers-lockless',
    createSut: mutexInAtomic,
  },
  {
    id: 'pmd-aligned-before-contpmd',
    description:
      'split_kernel_leaf_mapping_locked() returns on PMD_SIZE alignment before breaking the cont-PMD group, leaving the group across addr',
    story:
      'mmu.c split_kernel_leaf_mapping_locked(): hoisting `if (ALIGNED(addr, PMD_SIZE)) goto out;` above `if (pmd_cont(pmd)) split_contpmd(pmdp);` looks like a tidy-up next to the other alignment exits, but the cont-PMD group is the leaf spanning a PMD-aligned addr (kernel §3.2 step 4)',
    expectedKiller: 'split.boundaries-exact',
    createSut: pmdAlignedBeforeContpmd,
  },
  {
    id: 'contpte-decont-all-but-one',
    description: 'split_contpte() clears PTE_CONT on all but the last entry of the group (loop bound CONT_PTES - 1)',
    story:
      'mmu.c split_contpte(): a fencepost in the de-cont loop; the translation is unchanged, the group is left with mixed cont bits, CONSTRAINED UNPREDICTABLE (kernel §8 inv. 8; Arm C1/C3)',
    expectedKiller: 'split.boundaries-exact',
    createSut: contpteDecontAllButOne,
  },
  {
    id: 'contpte-misaligned-start',
    description:
      'split_contpte() does not align ptep down to its group: it de-conts CONT_PTES entries from ptep onward',
    story:
      'mmu.c split_contpte(): losing the `PTR_ALIGN_DOWN(ptep, sizeof(*ptep) * CONT_PTES)` line; the head of the group stays cont, the head of the next group loses its bit (kernel §4, §8 inv. 8)',
    expectedKiller: 'split.boundaries-exact',
    createSut: contpteMisalignedStart,
  },
  {
    id: 'split-pmd-drop-pxn',
    description:
      'split_pmd() forgets PMD_TABLE_PXN on the new table and clears PXN from the children: the linear map becomes executable',
    story:
      'mmu.c split_pmd(): the hierarchical execute-never bits have no effect on any memory access test; building the page prot from the block prot by hand loses them (kernel §4, §8 inv. 2, 4)',
    expectedKiller: 'split.hierarchical-pxn',
    createSut: splitPmdDropPxn,
  },
  {
    id: 'split-pmd-drop-table-pxn',
    description: 'split_pmd() forgets PMD_TABLE_PXN on the new table descriptor (the children keep PXN)',
    story:
      'mmu.c split_pmd(): `if (pgprot_val(prot) & PMD_SECT_PXN) tableprot |= PMD_TABLE_PXN;` dropped; invisible in the translation (leaves keep PXN), only the raw table bits show it (kernel §8 inv. 4)',
    expectedKiller: 'split.hierarchical-pxn',
    createSut: splitPmdDropTablePxn,
  },
  {
    id: 'split-pmd-break-before-alloc',
    description:
      'split_pmd() invalidates the live block before allocating the PTE table and returns -ENOMEM with it invalid',
    story:
      'mmu.c split_pmd(): a break-before-make step added in the wrong place; the faithful split allocates before touching anything (kernel §4, §8 inv. 18), so a failed allocation leaves 2M of the linear map unmapped',
    expectedKiller: 'errors.no-damage',
    createSut: splitPmdBreakBeforeAlloc,
  },
  {
    id: 'split-pmd-no-dsb',
    description:
      'split_pmd() publishes the new table in the PMD entry before the dsb(ishst) that makes its entries visible',
    story:
      'mmu.c split_pmd(): "fill, dsb(ishst), populate" written as "fill, populate, barrier", the shape of set_pmd()\'s own trailing barrier; a walker may follow the new pointer to entries not yet visible (kernel §4 step 5, §8 inv. 12)',
    expectedKiller: 'bbm.model-clean',
    createSut: splitPmdNoDsb,
  },
  {
    id: 'split-pmd-validates-invalid',
    description:
      "split_pmd()/split_pud() copy a present-invalid block's prot with the valid type bits: every child of an invalidated block becomes valid",
    story:
      'mmu.c split_pmd()/split_pud(): the split half of 15bfba1ad77f "Handle invalid large leaf mappings correctly" (v7.1, stable) taken out; invalidating a whole 2M/1G folio and revalidating one page made the whole folio valid again (kernel §4, §8 inv. 3)',
    expectedKiller: 'ops.answers-exact',
    createSut: splitPmdValidatesInvalid,
  },
  {
    id: 'split-pmd-keeps-cont',
    description:
      "split_pmd() does not clear PTE_CONT from the block's prot: with to_cont=false a cont-PMD block's children stay cont",
    story:
      'mmu.c split_pmd(): `prot &= ~PTE_CONT` looks redundant once split_contpmd() ran, but callers pass the pmd value read before it; the repaint and the KFENCE pool then leave cont-PTE groups (kernel §3.2 notes, §8 inv. 7, 14)',
    expectedKiller: 'repaint.all-ptes',
    createSut: splitPmdKeepsCont,
  },
  {
    id: 'contpmd-forgets-entry',
    description: 'split_contpmd() loops CONT_PMDS - 1 times, leaving the last PMD of the group cont',
    story:
      'mmu.c split_contpmd(): the fencepost of split_contpte() at the least tested level (cont-PMD groups need 32 MiB of aligned RAM with 4K); the group is left half contiguous (kernel §8 inv. 8)',
    expectedKiller: 'split.boundaries-exact',
    createSut: contpmdForgetsEntry,
  },
  {
    id: 'split-pud-pfn-step',
    description: 'split_pud() steps the pfn by one page (PAGE_SIZE >> PAGE_SHIFT) instead of one PMD block per entry',
    story:
      'mmu.c split_pud(): the loop copied from split_pmd() (`pfn++`) or the wrong size in `step`; PMD block i maps base + i pages: a 1 GiB PUD block (4K) aliases other memory after its first 2 MiB (kernel §4, §8 inv. 1; Arm B5). Needs a layout with a PUD block',
    expectedKiller: 'split.translation-preserved',
    createSut: splitPudPfnStep,
  },
  {
    id: 'repaint-no-wait',
    description:
      'linear_map_split_to_ptes() on the boot CPU starts splitting without waiting for flag == num_online_cpus()',
    story:
      'mmu.c linear_map_split_to_ptes() (3df6979d222b): stop_machine() looks like enough, but stopped CPUs still walk swapper_pg_dir; only CPUs parked on the ID map with reserved TTBR1 are out of the way of a live size change (kernel §5.2, §8 inv. 15)',
    expectedKiller: 'bbm.no-tlb-conflict-without-bbml2',
    createSut: repaintNoWait,
  },
  {
    id: 'repaint-early-release',
    description:
      'linear_map_split_to_ptes() releases the secondaries (flag = 0) after [lstart, kstart), before [kend, lend) and the flush',
    story:
      'mmu.c linear_map_split_to_ptes(): "release the others as early as possible" for a boot-time stop_machine(); a released CPU without BBML2-noabort walks while the boot CPU still changes block sizes (kernel §5.2 step 6, §8 inv. 15)',
    expectedKiller: 'bbm.no-tlb-conflict-without-bbml2',
    createSut: repaintEarlyRelease,
  },
  {
    id: 'repaint-to-cont',
    description:
      'the repaint (split_to_ptes_pud_entry/pmd_entry) passes to_cont=true: cont groups are left instead of plain PTEs',
    story:
      'mmu.c split_to_ptes_p?d_entry(): v6.18-rc1 a166563e7ec3 split_pud()/split_pmd() always set PTE_CONT; the to_cont parameter came with the repaint (3df6979d222b) because the repaint must leave no cont bit outside the kernel alias (kernel §4 "to_cont semantics", §8 inv. 7, 14)',
    expectedKiller: 'repaint.all-ptes',
    createSut: repaintToCont,
  },
  {
    id: 'kfence-pool-left-in-blocks',
    description: 'arch_kfence_init_pool() returns true without splitting: a late KFENCE pool stays in blocks',
    story:
      'mmu.c arch_kfence_init_pool(): the second half of ce2b3a50ad92 (v6.18-rc5) taken out — before it the hook was `{ return true; }`; split_kernel_leaf_mapping() skips KFENCE addresses (atomic callers), so kfence_protect_page() then meets a block (kernel §5.5, §8 inv. 13)',
    expectedKiller: 'ops.answers-exact',
    createSut: kfencePoolLeftInBlocks,
  },
  {
    id: 'prealloc-gfp-atomic-in-stop',
    description:
      'under prealloc, pgd_pgtable_alloc_init_mm_gfp() ignores the pool: the repaint allocates with GFP_ATOMIC inside stop_machine()',
    story:
      "mmu.c pgd_pgtable_alloc_init_mm_gfp(): upstream's behaviour today (3df6979d222b, GFP_ATOMIC under stop_machine()), not allowed on PREEMPT_RT; Yeoreum Yun's series (v1–v5, not merged) pre-allocates, and the hook is the one line that connects pool and split (kernel §5.4, §8 inv. 17)",
    expectedKiller: 'repaint.prealloc-suffices',
    createSut: preallocGfpAtomicInStop,
  },
  {
    id: 'prealloc-forgets-pud-pmd-tables',
    description:
      'the prealloc count forgets the PTE tables of the PMD blocks created by PUD splits (#PUD + #PMD instead of #PUD×(1+PTRS_PER_PMD) + #PMD)',
    story:
      'prealloc series collect_to_split_pud_entry(): the count walks the tables before the repaint, where a PUD leaf is one leaf; split_pud() turns it into PTRS_PER_PMD blocks that each need a PTE table. With 4K and a 1 GiB block the pool runs out inside stop_machine() → -ENOMEM → panic (kernel §5.4, §8 inv. 17). Needs a layout with a PUD block',
    expectedKiller: 'repaint.prealloc-suffices',
    createSut: preallocForgetsPudPmdTables,
  },
  {
    id: 'pageattr-skips-invalid-block',
    description:
      'pageattr_pud_entry()/pageattr_pmd_entry() test p?d_sect(), false for a present-invalid block: set_memory_valid(…, true) skips it',
    story:
      'pageattr.c pageattr_p?d_entry() as in a660194dd101 (v6.18) until 15bfba1ad77f "Handle invalid large leaf mappings correctly" (v7.1, stable): an invalidated block was never made valid again → panic in realm guests (kernel §6.1, §9)',
    expectedKiller: 'perm.valid-roundtrip',
    createSut: pageattrSkipsInvalidBlock,
  },
  {
    id: 'alias-whole-area',
    description:
      'change_memory_common() changes the linear alias of every page of the vmalloc area, not only of the pages asked for',
    story:
      'pageattr.c change_memory_common(): the loop 37cb0aab9068 (v6.19) fixed, from 0 to area->nr_pages whatever addr and numpages say; set_memory_ro() of one page of an area made the aliases of all its pages read-only (kernel §6.2)',
    expectedKiller: 'ops.answers-exact',
    createSut: aliasWholeArea,
  },
  {
    id: 'flush-one-page-short',
    description: '__change_memory_common() flushes [start, end - PAGE_SIZE): the last page keeps its old TLB entries',
    story:
      'pageattr.c __change_memory_common(): flush_tlb_kernel_range() takes an exclusive end and "the last page" is end - PAGE_SIZE; a one-page change (each linear alias under rodata=full) flushes nothing (kernel §6.2; Arm B8, C3)',
    expectedKiller: 'perm.exact',
    createSut: flushOnePageShort,
  },
];
