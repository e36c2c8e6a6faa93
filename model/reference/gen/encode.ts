/**
 * Trace generator — descriptor encoders and the raw event type the generator builds, written for
 * the generator alone (VMSAv8-64 bit positions as in model/reference/descriptor.ts; Linux
 * `PAGE_KERNEL` and `PMD_TYPE_TABLE | PMD_TABLE_AF | PMD_TABLE_UXN` shapes as the kernel writes
 * them, arm-bbm-rules.md §3.4).
 *
 * Layer: model/reference/gen (tests only).
 */
import type { CpuId, DSBDomain, TLBIKind } from '../../events.ts';

/** An event as the generator builds it (bigints; turned into a `bbm-trace/1` line by `toLine`). */
export type RawEvent =
  | { readonly op: 'write'; readonly cpu: CpuId; readonly pa: bigint; readonly val: bigint }
  | { readonly op: 'dsb'; readonly cpu: CpuId; readonly dom: DSBDomain }
  | { readonly op: 'isb' | 'park' | 'unpark' | 'stop' | 'resume'; readonly cpu: CpuId }
  | { readonly op: 'tlbi'; readonly cpu: CpuId; readonly kind: TLBIKind; readonly va?: bigint; readonly size?: bigint }
  | { readonly op: 'online'; readonly cpu: CpuId; readonly bbm: number; readonly noabort: boolean }
  | { readonly op: 'alloc'; readonly pa: bigint; readonly level: number }
  | { readonly op: 'free'; readonly pa: bigint }
  | { readonly op: 'walk'; readonly cpu: CpuId; readonly va: bigint };

/** Bit positions used by the generator. */
export const BIT = {
  valid: 0n,
  tableOrPage: 1n,
  attrIndx: 2n,
  ns: 5n,
  apEl0: 6n,
  apRO: 7n,
  sh: 8n,
  af: 10n,
  ng: 11n,
  nT: 16n,
  dbm: 51n,
  cont: 52n,
  pxn: 53n,
  uxn: 54n,
  pxnTable: 59n,
  uxnTable: 60n,
  apTableRO: 62n,
} as const;

const b = (n: bigint): bigint => 1n << n;

/** Leaf attributes the generator varies. */
export interface LeafAttrs {
  readonly attrIndx?: number;
  readonly readOnly?: boolean;
  readonly pxn?: boolean;
  readonly cont?: boolean;
  readonly nT?: boolean;
  readonly af?: boolean;
  readonly ng?: boolean;
}

/**
 * A block (`page = false`) or page descriptor, `PAGE_KERNEL`-like by default: valid, AttrIndx 0,
 * SH = 3 (Inner Shareable), AF, DBM, PXN, UXN.
 * @param oa - the output address (aligned to the entry)
 * @param page - true for a level-3 page, false for a block
 * @param a - attribute overrides
 * @returns the descriptor
 */
export function leaf(oa: bigint, page: boolean, a: LeafAttrs = {}): bigint {
  let v = oa | b(BIT.valid) | (page ? b(BIT.tableOrPage) : 0n);
  v |= BigInt(a.attrIndx ?? 0) << BIT.attrIndx;
  v |= 3n << BIT.sh;
  if (a.af ?? true) v |= b(BIT.af);
  if (a.ng ?? false) v |= b(BIT.ng);
  if (a.readOnly ?? false) v |= b(BIT.apRO);
  else v |= b(BIT.dbm);
  if (a.pxn ?? true) v |= b(BIT.pxn);
  v |= b(BIT.uxn);
  if (a.cont ?? false) v |= b(BIT.cont);
  if (!page && (a.nT ?? false)) v |= b(BIT.nT);
  return v;
}

/**
 * A table descriptor as Linux writes it: `TYPE_TABLE | TABLE_AF | TABLE_UXN` (+ `TABLE_PXN`).
 * @param next - the next-level table's PA
 * @param pxnTable - whether to set PXNTable
 * @returns the descriptor
 */
export function table(next: bigint, pxnTable = false): bigint {
  return next | 3n | b(BIT.af) | b(BIT.uxnTable) | (pxnTable ? b(BIT.pxnTable) : 0n);
}

/**
 * A descriptor with one bit flipped.
 * @param v - the value
 * @param bit - the bit
 * @returns the value with that bit inverted
 */
export const flip = (v: bigint, bit: bigint): bigint => v ^ b(bit);

/**
 * A leaf made read-only (AP[2] = 1, DBM = 0: `set_memory_ro()`).
 * @param v - a leaf descriptor
 * @returns it, read-only
 */
export const readOnly = (v: bigint): bigint => (v | b(BIT.apRO)) & ~b(BIT.dbm);

/**
 * A leaf with the Contiguous bit set or cleared.
 * @param v - a leaf descriptor
 * @param on - the new bit
 * @returns it
 */
export const withCont = (v: bigint, on: boolean): bigint => (on ? v | b(BIT.cont) : v & ~b(BIT.cont));

const hex = (v: bigint): string => '0x' + v.toString(16);

/**
 * The `bbm-trace/1` line of an event.
 * @param e - the event
 * @returns one JSON line
 */
export function toLine(e: RawEvent): string {
  switch (e.op) {
    case 'write':
      return JSON.stringify({ op: e.op, cpu: e.cpu, pa: hex(e.pa), val: hex(e.val) });
    case 'tlbi':
      return JSON.stringify({
        op: e.op,
        cpu: e.cpu,
        kind: e.kind,
        ...(e.va !== undefined ? { va: hex(e.va) } : {}),
        ...(e.size !== undefined ? { size: hex(e.size) } : {}),
      });
    case 'alloc':
      return JSON.stringify({ op: e.op, pa: hex(e.pa), level: e.level });
    case 'free':
      return JSON.stringify({ op: e.op, pa: hex(e.pa) });
    case 'walk':
      return JSON.stringify({ op: e.op, cpu: e.cpu, va: hex(e.va) });
    default:
      return JSON.stringify(e);
  }
}
