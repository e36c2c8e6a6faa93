/**
 * The closed vocabulary of violations the model reports: stable kebab-case codes, each with one
 * fixed message and the invariant of `shared/spec/arm-bbm-rules.md` §7 it enforces. Reports, the
 * corpus and the trace checker print these strings; never rename one.
 *
 * Layer: model/bbm.
 */

/** Every violation code, with the rule it enforces. */
export const VIOLATIONS = {
  /** B1 — RWHZWS: OA, memory type, shareability, cacheability or nG 1→0 changed on a live entry. */
  'bbm-valid-to-valid': 'valid-to-valid change that needs break-before-make',
  /** B2 — RDDMVT: a valid entry written over a VA whose old translation may still be cached. */
  'bbm-unclean': 'valid entry written while an old translation of the VA may still be cached',
  /** B3/B4/B6 — RKFLJB, RKHRBC, RFCPSG: live size or Contiguous change with a walker lacking BBML2 noabort. */
  'size-change-without-bbml2': 'live block-size or contiguous-bit change while a running CPU lacks BBML2 noabort',
  /** B5 — RPVTFW: a live size or Contiguous change that does not keep OA, attributes and permissions. */
  'non-identity-split': 'size change does not preserve the translation of every VA',
  /** B6/B7 — IHYQMB, RFVQCK: a CPU may hold two incompatible TLB entries for one VA. */
  'tlb-conflict': 'a CPU may hold conflicting TLB entries for one VA',
  /** C1/C3 — RNGLXZ, RJQQTC: a contiguous group misaligned, inconsistent or partly repainted. */
  'cont-misprogrammed': 'contiguous group is misprogrammed',
  /** T2 — `split_pmd()` publication order: a table linked before its entries were made visible by a DSB. */
  'table-linked-before-init': 'table linked before its entries were written and made visible by a DSB',
  /** T1 — RRVJDB, ICFFVK: a table page freed while a walker or a walk cache may still reach it. */
  'table-freed-while-reachable': 'table page freed while it may still be walked',
  /** A store to memory that is not an allocated table page. */
  'write-to-non-table': 'store to a page that is not an allocated table page',
  /** A table descriptor that links something other than a free-standing table page of the next level. */
  'bad-table-link': 'table descriptor does not link an unlinked table page of the next level',
  /** S1 — IWZCBG: a CPU relies on a translation that its view of the tables may not show yet. */
  'walk-unsynchronized': 'a CPU uses a translation it may not see yet (DSB, and ISB on the writer)',
  /** PREEMPT_RT — spec §5.4: a table page allocated inside stop_machine(). */
  'alloc-while-stopped': 'page-table allocation inside stop_machine() on PREEMPT_RT',
} as const;

/** A violation code. */
export type ViolationCode = keyof typeof VIOLATIONS;

/** Where a violation happened, as precisely as the model knows it. */
export interface ViolationSite {
  /** The CPU that executed the event (or the CPU that holds the conflicting entries). */
  readonly cpu?: number;
  /** The table entry, or page, concerned. */
  readonly pa?: bigint;
  /** The first VA concerned, when the entry is reachable. */
  readonly va?: bigint;
  /** The translation level of the entry. */
  readonly level?: number;
}

/** A verdict of "rule broken": the code, its fixed message, the event and the site, plus detail. */
export interface Violation extends ViolationSite {
  readonly code: ViolationCode;
  readonly message: string;
  /** 1-based index of the offending event in the trace (the header is not an event). */
  readonly event: number;
  /** One line of specifics (which class of change, which CPU holds what). */
  readonly detail: string;
  /** Found by the end-of-trace judgement (`event` is then the last event + 1). */
  readonly atEnd?: true;
}

/**
 * Builds a violation with its fixed message.
 * @param code - the violation code
 * @param event - 1-based event index
 * @param site - where it happened
 * @param detail - specifics for the reader
 * @returns the violation
 */
export function violation(code: ViolationCode, event: number, site: ViolationSite, detail: string): Violation {
  return { code, message: VIOLATIONS[code], event, detail, ...site };
}
