/**
 * The boot-time maps the scenarios start from, per granule, and the CPU sets they use. Tables
 * are linked empty first and their leaves written after (as `__create_pgd_mapping()` does), then
 * `dsb ishst; isb`. Conventions (model/scenarios/README.md): linear-map VA = PAGE_OFFSET + PA,
 * memory at PA 0x40000000, table pages from PA 0x80000000 (the root).
 *
 * Layer: model/scenarios (generator only).
 */
import type { Cpu, Trace } from './builder.ts';
import { cpu } from './builder.ts';
import type { LeafProt, TableProt } from './descriptors.ts';
import { KERNEL } from './descriptors.ts';
import { LM, MiB, VMALLOC } from './geometry.ts';

/** The root table page (level 0 for 4K/16K, level 1 for 64K). */
export const ROOT = 0x80000000n;
/** The first PA of memory. */
export const PA0 = 0x40000000n;

/** Two noabort CPUs (`{bbm: 2, noabort: true}`). */
export const NOABORT2: readonly Cpu[] = [cpu(0, 2, true), cpu(1, 2, true)];
/** Two BBM-level-0 CPUs. */
export const L0x2: readonly Cpu[] = [cpu(0, 0, false), cpu(1, 0, false)];
/** Boot CPU noabort, secondary level 0 (the asymmetric system of `linear_map_split_to_ptes()`). */
export const ASYM: readonly Cpu[] = [cpu(0, 2, true), cpu(1, 0, false)];

// 4K: root (L0) -> L1 0x80001000 -> L2 0x80002000 for VA 0xffff000040000000..; L2[k] maps
// PA 0x40000000 + k * 2M.
/** The 4K level-1 table. */
export const L1_4K = 0x80001000n;
/** The 4K level-2 table. */
export const L2_4K = 0x80002000n;
/**
 * @param k - the index of a 2 MiB block from PA0
 * @returns its PA
 */
export const pmdPA = (k: number): bigint => PA0 + BigInt(k) * 2n * MiB;

/** The PTE table of `base4k`. */
export interface PteLayout {
  /** The L2 index it replaces. */
  readonly at: number;
  readonly table: bigint;
  /** How many pages are mapped from the start of its 2 MiB. */
  readonly n: number;
  /** CONT on every page, or per page. */
  readonly cont?: boolean | ((i: bigint) => boolean);
  readonly prot?: LeafProt;
  /** The table descriptor's attributes (default PXNTable + the kernel's UXNTable, TABLE_AF). */
  readonly tableProt?: TableProt;
}

/** What `base4k` maps. */
export interface Base4kOptions {
  readonly cpu?: number;
  readonly prot?: LeafProt;
  /** One 1 GiB PUD block at L1 instead of the L2 table. */
  readonly pud?: boolean;
  /** PMD blocks at L2[0..blocks-1] (default 2). */
  readonly blocks?: number;
  /** CONT on the PMD blocks. */
  readonly contPmd?: boolean;
  readonly pte?: PteLayout;
}

/**
 * Boot-time 4K linear map.
 * @param t - the trace
 * @param o - the layout
 * @returns the trace
 */
export function base4k(t: Trace, o: Base4kOptions = {}): Trace {
  const c = o.cpu ?? 0;
  const prot = o.prot ?? KERNEL;
  t.alloc(L1_4K, 1);
  if (o.pud) {
    t.link(c, ROOT, 0, LM(PA0), L1_4K);
    t.map(c, L1_4K, 1, LM(PA0), PA0, prot);
    t.dsb(c, 'ishst').isb(c);
    return t;
  }
  t.alloc(L2_4K, 2);
  if (o.pte) t.alloc(o.pte.table, 3);
  t.link(c, ROOT, 0, LM(PA0), L1_4K);
  t.link(c, L1_4K, 1, LM(PA0), L2_4K);
  const nb = o.blocks ?? 2;
  for (let k = 0; k < nb; k++) t.map(c, L2_4K, 2, LM(pmdPA(k)), pmdPA(k), { ...prot, cont: o.contPmd ?? false });
  if (o.pte) {
    const { at, table, n, cont = false } = o.pte;
    t.link(c, L2_4K, 2, LM(pmdPA(at)), table, o.pte.tableProt ?? { pxnTable: true });
    t.mapRange(c, table, 3, LM(pmdPA(at)), pmdPA(at), n, o.pte.prot ?? prot, (i, x) => ({
      ...x,
      cont: typeof cont === 'function' ? cont(i) : cont,
    }));
  }
  t.dsb(c, 'ishst').isb(c);
  return t;
}

// 16K: root (L0, 2 entries) -> L1 0x80004000 -> L2 0x80008000; L2[32 + k] maps
// PA 0x40000000 + k * 32M (VA 0xffff000040000000 = L0 0, L1 0, L2 32).
/** The 16K level-1 table. */
export const L1_16K = 0x80004000n;
/** The 16K level-2 table. */
export const L2_16K = 0x80008000n;
/**
 * @param k - the index of a 32 MiB block from PA0
 * @returns its PA
 */
export const blk16 = (k: number): bigint => PA0 + BigInt(k) * 32n * MiB;

/**
 * Boot-time 16K linear map of `blocks` 32 MiB blocks (CONT iff `contPmd`).
 * @param t - the trace
 * @param o - the layout
 * @returns the trace
 */
export function base16k(t: Trace, o: { readonly blocks?: number; readonly contPmd?: boolean } = {}): Trace {
  t.alloc(L1_16K, 1).alloc(L2_16K, 2);
  t.link(0, ROOT, 0, LM(PA0), L1_16K);
  t.link(0, L1_16K, 1, LM(PA0), L2_16K);
  for (let k = 0; k < (o.blocks ?? 2); k++) t.map(0, L2_16K, 2, LM(blk16(k)), blk16(k), { cont: o.contPmd ?? false });
  t.dsb(0, 'ishst').isb(0);
  return t;
}

// 64K: root is level 1 (0x80000000) -> L2 0x80010000; L2[2 + k] maps PA 0x40000000 + k * 512M.
/** The 64K level-2 table. */
export const L2_64K = 0x80010000n;
/**
 * @param k - the index of a 512 MiB block from PA0
 * @returns its PA
 */
export const blk64 = (k: number): bigint => PA0 + BigInt(k) * 512n * MiB;

/**
 * Boot-time 64K linear map of `blocks` 512 MiB blocks.
 * @param t - the trace
 * @param o - the layout
 * @returns the trace
 */
export function base64k(t: Trace, o: { readonly blocks?: number } = {}): Trace {
  t.alloc(L2_64K, 2);
  t.link(0, ROOT, 1, LM(PA0), L2_64K);
  for (let k = 0; k < (o.blocks ?? 2); k++) t.map(0, L2_64K, 2, LM(blk64(k)), blk64(k));
  t.dsb(0, 'ishst').isb(0);
  return t;
}

/** The 64K vmalloc-area PTE table of `vmap64k`. */
export const PTE_VMAP_64K = 0x80020000n;

/**
 * A 64K vmalloc-area mapping: root[32] (L1) -> L2 0x80010000, L2[4] -> L3 0x80020000 holding
 * four pages at PA 0x48000000.
 * @param t - the trace
 * @returns the trace
 */
export function vmap64k(t: Trace): Trace {
  t.alloc(L2_64K, 2).alloc(PTE_VMAP_64K, 3);
  t.link(0, ROOT, 1, VMALLOC, L2_64K);
  t.link(0, L2_64K, 2, VMALLOC, PTE_VMAP_64K);
  t.mapRange(0, PTE_VMAP_64K, 3, VMALLOC, 0x48000000n, 4, KERNEL);
  t.dsb(0, 'ishst').isb(0);
  return t;
}
