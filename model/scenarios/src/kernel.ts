/**
 * Kernel-shaped event sequences, named after the arm64 functions they mimic
 * (`arch/arm64/mm/mmu.c`, `pageattr.c`, `tlbflush.h`; `shared/spec/kernel-split-repaint.md`).
 * Each takes knobs that the bad variants turn (a dropped DSB, a wrong OA step, another writer).
 *
 * Layer: model/scenarios (generator only).
 */
import type { LeafProt } from './descriptors.ts';
import { KERNEL } from './descriptors.ts';
import type { Trace } from './builder.ts';
import type { Level } from './geometry.ts';
import { LM } from './geometry.ts';

/** What `splitBlock` splits and how. */
export interface SplitOptions {
  /** The table holding the block. */
  readonly parent: bigint;
  /** The block's level. */
  readonly level: Level;
  /** The block's VA and OA. */
  readonly va: bigint;
  readonly pa: bigint;
  /** The new table page. */
  readonly table: bigint;
  /** The block's fields, copied into every child; default `PAGE_KERNEL`. */
  readonly prot?: LeafProt;
  /** `to_cont`: CONT on every aligned group of children. */
  readonly cont?: boolean;
  /** Allocate the new table first (default true). */
  readonly alloc?: boolean;
  /** The OA step between children, in child sizes (1 = identity; 2 = the wrong-pfn bug). */
  readonly step?: bigint;
  /** The `dsb(ishst)` between filling the table and linking it (default true). */
  readonly dsb?: boolean;
  /** Edits a child's fields. */
  readonly child?: (i: bigint, o: LeafProt) => LeafProt;
  /** The CPU that writes the children (default: the splitting CPU). */
  readonly writer?: number;
  /** PXNTable on the new table descriptor (default: the block's PXN). */
  readonly pxnTable?: boolean;
}

/**
 * `split_pmd()` / `split_pud()`: allocate a table of the next level, fill every entry with the
 * block's prot at consecutive OAs (CONT on aligned groups iff `cont`), `dsb ishst`, then write the
 * table descriptor over the live block (`PMD_TABLE_PXN` iff the block had PXN).
 * @param t - the trace
 * @param c - the splitting CPU
 * @param o - the block and the knobs
 * @returns the trace
 */
export function splitBlock(t: Trace, c: number, o: SplitOptions): Trace {
  const prot = o.prot ?? KERNEL;
  const child = o.child ?? ((_i: bigint, x: LeafProt) => x);
  const writer = o.writer ?? c;
  const step = o.step ?? 1n;
  const cl = (o.level + 1) as Level;
  if (o.alloc ?? true) t.alloc(o.table, cl);
  const n = t.entries(cl);
  const sz = t.size(cl);
  for (let i = 0n; i < n; i++) {
    t.write(writer, o.table + 8n * i, t.leaf(cl, o.pa + i * sz * step, child(i, { ...prot, cont: o.cont ?? false })));
  }
  if (o.dsb ?? true) t.dsb(c, 'ishst');
  t.link(c, o.parent, o.level, o.va, o.table, { pxnTable: o.pxnTable ?? prot.pxn ?? true });
  return t;
}

/** Which group `rewriteGroup` rewrites. */
export interface GroupOptions {
  readonly table: bigint;
  readonly level: Level;
  /** Any VA and its OA inside the group. */
  readonly va: bigint;
  readonly pa: bigint;
  readonly prot?: LeafProt;
  /** The Contiguous bit every entry gets. */
  readonly cont: boolean;
}

/**
 * `split_contpte()` / `split_contpmd()` (cont = false), or a live fold (cont = true): rewrites
 * every entry of the group holding `va`, keeping its OA and prot, with the Contiguous bit `cont`.
 * @param t - the trace
 * @param c - the writing CPU
 * @param o - the group
 * @returns the trace
 */
export function rewriteGroup(t: Trace, c: number, o: GroupOptions): Trace {
  const n = t.contN(o.level);
  const span = n * t.size(o.level);
  const gva = o.va - ((o.va - LM(0n)) % span);
  const gpa = o.pa - (o.pa % span);
  return t.mapRange(c, o.table, o.level, gva, gpa, n, { ...(o.prot ?? KERNEL), cont: o.cont });
}

/**
 * `flush_tlb_kernel_range()` of one page: `dsb ishst; tlbi vaale1is; dsb ish; isb`.
 * @param t - the trace
 * @param c - the flushing CPU
 * @param va - the page
 * @returns the trace
 */
export function flushKernelPage(t: Trace, c: number, va: bigint): Trace {
  return t.dsb(c, 'ishst').tlbi(c, 'vaale1is', va).dsb(c, 'ish').isb(c);
}

/**
 * `flush_tlb_all()`: `dsb ishst; tlbi vmalle1is; dsb ish; isb`.
 * @param t - the trace
 * @param c - the flushing CPU
 * @returns the trace
 */
export function flushAll(t: Trace, c = 0): Trace {
  return t.dsb(c, 'ishst').tlbi(c, 'vmalle1is').dsb(c, 'ish').isb(c);
}

/**
 * The secondary's park in `wait_linear_map_split_to_ptes()`: reserved TTBR1, then (unless
 * `localFlush` is false) `local_flush_tlb_all()` = `tlbi vmalle1; dsb nsh; isb`.
 * @param t - the trace
 * @param c - the parking CPU
 * @param o - `localFlush` (default true)
 * @returns the trace
 */
export function parkSecondary(t: Trace, c: number, o: { readonly localFlush?: boolean } = {}): Trace {
  t.park(c);
  if (o.localFlush ?? true) t.tlbi(c, 'vmalle1').dsb(c, 'nsh').isb(c);
  return t;
}
