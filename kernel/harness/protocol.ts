/**
 * The request protocol between the kernel C harness (kernel/harness/bbm_harness.c) and its
 * TypeScript side (kernel/cSut.ts): the numbers of `enum bbm_request`, `enum bbm_dsb`,
 * `enum bbm_gfp`, `enum bbm_context` and `enum bbm_query` in kernel/shim/bbm_primitives.h, and
 * the operations of `enum bbm_op`. kernel/harness/protocol.test.ts checks that both sides agree.
 *
 * Layer: kernel (a SUT plug-in: imports impl/contract.ts only).
 */
import type { AllocContext, DsbDomain, Gfp, TlbiKind } from '../../impl/contract.ts';

/** `enum bbm_request`: what a coroutine asks of the harness. */
export const Req = {
  DONE: 0,
  READ: 1,
  WRITE: 2,
  DSB: 3,
  ISB: 4,
  ALLOC: 5,
  FREE: 6,
  LOCK: 7,
  UNLOCK: 8,
  LAZY_ENTER: 9,
  LAZY_LEAVE: 10,
  CPU: 11,
  ONLINE: 12,
  ROOT: 13,
  QUERY: 14,
  WARN: 15,
  BUG: 16,
  TLBI: 17,
  RELAX: 18,
  PANIC: 19,
  SYMBOL: 20,
  FLAG_GET: 21,
  FLAG_SET: 22,
  IDMAP_INSTALL: 23,
  IDMAP_UNINSTALL: 24,
  IDMAP_WAIT: 25,
  VM_AREA: 26,
} as const;

/** `enum bbm_vm_field`: what a VM_AREA request asks of the area (PAGE + i: its i-th page). */
export const VmField = {
  ADDR: 0,
  SIZE: 1,
  FLAGS: 2,
  NR_PAGES: 3,
  PAGE: 4,
} as const;

/** `enum bbm_tlbi`, in order. */
export const TLBI_KINDS: readonly TlbiKind[] = [
  'vae1is',
  'vale1is',
  'vaae1is',
  'vaale1is',
  'vae1',
  'vale1',
  'vaae1',
  'vaale1',
  'rvae1is',
  'rvaae1is',
  'rvale1is',
  'rvaale1is',
  'vmalle1is',
  'vmalle1',
];

/** `enum bbm_dsb`, in order. */
export const DSB_DOMAINS: readonly DsbDomain[] = ['ish', 'ishst', 'nsh', 'nshst', 'sy'];
/** `enum bbm_gfp`, in order. */
export const GFPS: readonly Gfp[] = ['GFP_PGTABLE_KERNEL', 'GFP_ATOMIC', 'GFP_KERNEL'];
/** `enum bbm_context`, in order. */
export const CONTEXTS: readonly AllocContext[] = ['process', 'atomic', 'stopped'];

/** `enum bbm_query`: kernel state the C reads from the rest of the SUT. */
export const Query = {
  LINEAR_MAP_REQUIRES_BBML2: 0,
  SYSTEM_SUPPORTS_BBML2_NOABORT: 1,
  CAPABILITIES_FINALIZED: 2,
  PAGE_ALLOC_AVAILABLE: 3,
  KFENCE_POOL: 4,
  DEBUG_PAGEALLOC: 5,
  RODATA_FULL: 6,
  REALM: 7,
  KFENCE_LATE: 8,
  CPU_SUPPORTS_BBML2_NOABORT: 9,
  KFENCE_EARLY_INIT: 10,
} as const;

/** `enum bbm_op`: the kernel operations the harness starts. */
export const Op = {
  split_kernel_leaf_mapping: 0,
  linear_map_split_to_ptes: 1,
  arch_kfence_init_pool: 2,
  __change_memory_common: 3,
  set_direct_map_invalid_noflush: 4,
  set_direct_map_default_noflush: 5,
  change_memory_common: 6,
} as const;

/** The C side's `INVALID_PHYS_ADDR`. */
export const INVALID_PHYS_ADDR = (1n << 64n) - 1n;

/** An opaque handle of the addon (a Node-API external). */
export type Handle = object;

/** The Node-API surface of the compiled harness (one addon per granule). */
export interface KernelAddon {
  /** One SUT instance: its PHYS_OFFSET and the PA of swapper_pg_dir. */
  newInstance(physOffset: bigint, swapperPgDir: bigint): Handle;
  /**
   * Starts a kernel operation as a coroutine on a CPU with its (up to four) arguments, in a calling
   * context (`CONTEXTS` index).
   */
  start(instance: Handle, op: number, cpu: number, args: BigUint64Array, context: number): Handle;
  /** Resumes a coroutine with the answer to its last request; returns its next request kind. */
  resume(task: Handle, answer: bigint, out: BigUint64Array): number;
  /** The string of a LOCK, UNLOCK, WARN or BUG request. */
  message(task: Handle): string;
  /** Frees a coroutine (finished or abandoned). */
  destroy(task: Handle): void;
  /** The PAGE_SHIFT the addon was compiled for. */
  compiledPageShift(): number;
}
