/**
 * Section 6 of a report: the rule a failure broke, in one sentence, and the usual fix. For a
 * model verdict the rule is the violation code's (arm-bbm-rules.md §7 id and the Arm ARM rule
 * ids it rests on); for a failed claim it is the property's kernel invariant
 * (kernel-split-repaint.md §8) with the fix kernel developers apply for that claim.
 *
 * Layer: reports (model types only).
 */
import type { ViolationCode } from '../model/bbm/violations.ts';

/** A rule, stated for a reader. */
export interface RuleText {
  /** The rule ids: §7 id and Arm ARM rule ids, or the kernel invariant. */
  readonly rule: string;
  /** What was broken, in one sentence. */
  readonly sentence: string;
  /** The usual fix. */
  readonly fix: string;
}

/** The rule of each model verdict. */
export const VIOLATION_RULES: Readonly<Record<ViolationCode, RuleText>> = {
  'bbm-valid-to-valid': {
    rule: 'B1 — Arm ARM RWHZWS (IWZRHR for the OA space)',
    sentence:
      'a live entry changed its output address, memory type, shareability or nG (1 → 0) in one store, so a CPU may hold the old and the new translation at once, or an amalgam of them.',
    fix: 'break before make: store the entry invalid, dsb(ishst), a broadcast TLBI over it (vaale1is, or vaae1is for a table), dsb(ish), then store the new value; a permission-only change may stay live.',
  },
  'bbm-unclean': {
    rule: 'B2 — Arm ARM RDDMVT (IHYQMB for walk-cache entries)',
    sentence:
      'a valid entry became visible while a CPU may still hold an old translation of its VA: the break was not finished (the invalidating store not ordered by a DSB, or no covering broadcast TLBI completed by a DSB ISH before the make).',
    fix: 'finish the break on the invalidating CPU before the make: dsb(ishst), a broadcast TLBI covering the old entry (any-level if it was a table), dsb(ish) — flush_tlb_kernel_range() or __flush_tlb_kernel_pgtable().',
  },
  'size-change-without-bbml2': {
    rule: 'B3/B4/B6 — Arm ARM RKFLJB, RKHRBC, RFCPSG',
    sentence:
      'a live block ↔ table or Contiguous-bit change was made while a running CPU lacks BBML2 with noabort, so that CPU may take a TLB conflict abort.',
    fix: 'split live only when system_supports_bbml2_noabort() holds (the split_kernel_leaf_mapping() gate); otherwise map with pages from the start (force_pte_mapping()) or repaint with every other CPU parked (linear_map_split_to_ptes()).',
  },
  'non-identity-split': {
    rule: 'B5 — Arm ARM RPVTFW',
    sentence:
      'a live size or Contiguous change did not keep the translation of every VA of the old span (OA, memory attributes, permissions, validity or AF): BBML2 allows only the shape to change.',
    fix: 'build the new table so that entry i maps base + i × size with the block’s pgprot (split_pmd()/split_pud() copy the prot, keep AF and mirror PXN into PXNTable), and repaint permissions only afterwards.',
  },
  'tlb-conflict': {
    rule: 'B6/B7 — Arm ARM IHYQMB, RFVQCK',
    sentence:
      'a CPU that starts walking the tables may hold two TLB entries for one VA that do not agree (entries it kept while parked, or old values of stores it cannot see yet): a TLB conflict abort, or an amalgam, on a CPU without noabort.',
    fix: 'before releasing a parked or new CPU, complete a broadcast TLBI over every VA changed meanwhile and make every store visible (flush_tlb_all() and its dsb(ish) before the repaint clears idmap_kpti_bbml2_flag).',
  },
  'cont-misprogrammed': {
    rule: 'C1/C3 — Arm ARM RNGLXZ, RJQQTC',
    sentence:
      'a contiguous group is misprogrammed: a member is misaligned or differs in attributes, a non-Contiguous member sits beside Contiguous ones on a CPU without noabort, or only part of the group was repainted when the flush completed.',
    fix: 'change a contiguous group as a whole: unfold it first (split_contpte()/split_contpmd() clear CONT on all N entries) or repaint all N entries before the TLBI completes (update_range_prot() over the aligned group).',
  },
  'table-linked-before-init': {
    rule: 'T2 — kernel invariant 12 (split_pmd() publication order)',
    sentence:
      'a table descriptor was linked while entries of the new table were not yet written or not yet made visible by a DSB, so a walker may read zeroes or stale values through the new link.',
    fix: 'write every entry of the new table, then dsb(ishst), then store the table descriptor (as split_pmd() and split_pud() do before __pmd_populate()).',
  },
  'table-freed-while-reachable': {
    rule: 'T1 — Arm ARM RRVJDB, ICFFVK',
    sentence: 'a table page was freed while it was still linked or while a CPU’s walk cache may still point at it.',
    fix: 'unlink it, complete a non-last-level broadcast TLBI over its span (__flush_tlb_kernel_pgtable(): vaae1is, then dsb(ish)), and only then free the page (pmd_free_pte_page()).',
  },
  'write-to-non-table': {
    rule: 'table-page ownership (Casemate "can\'t free location which is currently a PTE")',
    sentence: 'a store went to memory that is not an allocated page-table page.',
    fix: 'store only to entries of allocated table pages: check the *_offset() arithmetic and that the page was not freed or never allocated.',
  },
  'bad-table-link': {
    rule: 'Arm ARM RRVJDB; Casemate "double-use pte"',
    sentence:
      'a table descriptor points at something that is not an unlinked table page of the next level (a freed page, a page of another level, or one already linked elsewhere).',
    fix: 'link only a freshly allocated and initialised table of the next level, and unlink (with its TLBI) before reusing a page.',
  },
  'walk-unsynchronized': {
    rule: 'S1 — Arm ARM IWZCBG',
    sentence:
      'a CPU relied on a translation its view of the tables may not show yet: another CPU’s store not made visible by its DSB, or its own store not followed by a DSB and then an ISB.',
    fix: 'after the store: dsb(ishst) on the writer, and isb() before the CPU relies on the new mapping (__set_pte() and flush_tlb_kernel_range() end with them).',
  },
  'alloc-while-stopped': {
    rule: 'kernel §5.4, invariant 17 (PREEMPT_RT)',
    sentence:
      'a page-table page was allocated inside stop_machine() on PREEMPT_RT, where the page allocator may sleep.',
    fix: 'preallocate every table the repaint needs before stop_machine() (#PUD leaves × (1 + PTRS_PER_PMD) + #PMD leaves pages) and take them from that pool.',
  },
};

/** The usual fix of each property's failed claim, when it is not a model verdict. */
const CLAIM_FIXES: Readonly<Record<string, string>> = {
  'ops.answers-exact':
    'return what the kernel returns: 0 on success, the errno of the first failing step, and never a success for a range that was not (fully) changed.',
  'ops.in-force-on-return':
    'complete the broadcast TLBI for every changed VA (and its dsb(ish); isb()) before returning: flush_tlb_kernel_range() over the whole range, contiguous groups included.',
  'split.hierarchical-pxn':
    'give a table made from a PXN block PXNTable (and UXNTable|AF on every table entry), and keep PXN on the children (split_pmd(): pmd_pgprot() | PTE_PXN mirrored into TABLE_PXN).',
  'split.atomic-callers-lockless':
    'never take pgtable_split_lock or allocate with GFP_KERNEL on an atomic-context path (KFENCE pool, DEBUG_PAGEALLOC): split those ranges at boot or refuse them.',
  'split.boundaries-exact':
    'split the leaves that contain start and end — a contiguous group counts as one leaf — down to the level the boundary needs.',
  'split.blocks-kept':
    'split only the leaves that contain the boundaries; leave blocks and contiguous groups wholly inside or outside the range as they are.',
  'split.translation-preserved':
    'copy OA and pgprot exactly into every child (pfn stepped by the child size), and keep present-invalid leaves invalid.',
  'boot.linear-map-complete':
    'map every memblock.memory range that is not MEMBLOCK_NOMAP, with the kernel alias and KFENCE pool as map_mem() does, and nothing else.',
  'perm.valid-roundtrip':
    'set_memory_valid(…, 1) must make valid exactly the entries set_memory_valid(…, 0) invalidated, through blocks as well as pages.',
  'perm.exact':
    'repaint every page of the range and no other (the pageattr walk over blocks and contiguous groups), then flush the whole range.',
  'repaint.all-ptes':
    'leave no block or contiguous leaf outside the kernel alias after the repaint: linear_map_split_to_ptes() splits to plain PTEs (to_cont = false).',
  'repaint.prealloc-suffices':
    'preallocate #PUD leaves × (1 + PTRS_PER_PMD) + #PMD leaves pages before stop_machine() and allocate nothing inside it.',
  'errors.no-damage':
    'allocate every table a split needs before breaking anything, and on -ENOMEM leave the tables as they were (split_pmd() allocates before it writes).',
  'bbm.no-tlb-conflict-without-bbml2':
    'never change a block size live while a CPU without BBML2 noabort walks the tables: refuse late CPUs lacking the capability, or park them during the repaint and flush before releasing them.',
};

/**
 * The rule of a failure.
 * @param code - the model's verdict code, if the model judged one
 * @param property - the property id
 * @param invariants - the property's invariants
 * @param claim - the property's claim
 * @returns the rule text
 */
export function ruleOf(code: ViolationCode | undefined, property: string, invariants: string, claim: string): RuleText {
  if (code !== undefined) return VIOLATION_RULES[code];
  return {
    rule: `kernel invariant (${invariants})`,
    sentence: `the claim of ${property} failed: ${claim}.`,
    fix: CLAIM_FIXES[property] ?? 'see the property’s claim and the kernel invariant it cites.',
  };
}
