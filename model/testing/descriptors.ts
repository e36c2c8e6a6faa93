/**
 * Encoders for descriptor values, for tests, scenarios and generators: a Linux `PAGE_KERNEL`-like
 * leaf, a block, a table descriptor with its hierarchical bits.
 *
 * @see arch/arm64/include/asm/pgtable-hwdef.h, pgtable-prot.h (PROT_NORMAL_TAGGED, PMD_TYPE_SECT, …)
 * Layer: model (helpers; no fast-check).
 */
import type { Descriptor } from '../arch/bits.ts';
import { asDescriptor } from '../arch/bits.ts';
import { BIT } from '../arch/descriptor.ts';

/** Fields of a leaf descriptor; omitted ones take the `PAGE_KERNEL` (tagged) value. */
export interface LeafFields {
  readonly attrIndx?: number;
  readonly readOnly?: boolean;
  readonly sh?: number;
  readonly af?: boolean;
  readonly nG?: boolean;
  readonly nT?: boolean;
  readonly dbm?: boolean;
  readonly cont?: boolean;
  readonly pxn?: boolean;
  readonly uxn?: boolean;
  readonly valid?: boolean;
}

const bit = (n: number): bigint => 1n << BigInt(n);

/**
 * A block (levels 0–2) or page (level 3) descriptor.
 * @param oa - output address (aligned to the entry's size)
 * @param page - true for a level-3 page (bits[1:0] = 0b11), false for a block (0b01)
 * @param f - fields
 * @returns the descriptor
 */
export function leafDescriptor(oa: bigint, page: boolean, f: LeafFields = {}): Descriptor {
  let v = oa;
  if (f.valid ?? true) v |= bit(BIT.valid);
  if (page) v |= bit(BIT.type);
  v |= BigInt(f.attrIndx ?? 1) << BigInt(BIT.AttrIndx);
  if (f.readOnly ?? false) v |= bit(BIT.AP2);
  v |= BigInt(f.sh ?? 3) << BigInt(BIT.SH);
  if (f.af ?? true) v |= bit(BIT.AF);
  if (f.nG ?? false) v |= bit(BIT.nG);
  if (f.nT ?? false) v |= bit(BIT.nT);
  if (f.dbm ?? true) v |= bit(BIT.DBM);
  if (f.cont ?? false) v |= bit(BIT.Contiguous);
  if (f.pxn ?? true) v |= bit(BIT.PXN);
  if (f.uxn ?? true) v |= bit(BIT.UXN);
  return asDescriptor(v);
}

/** Hierarchical bits of a table descriptor. */
export interface TableFields {
  readonly pxnTable?: boolean;
  readonly uxnTable?: boolean;
  readonly apTable?: number;
}

/**
 * A table descriptor (levels 0–2). Linux's linear map sets `TABLE_PXN | TABLE_UXN | TABLE_AF`.
 * @param next - PA of the next-level table
 * @param f - hierarchical bits (default PXNTable and UXNTable set)
 * @returns the descriptor
 */
export function tableDescriptor(next: bigint, f: TableFields = {}): Descriptor {
  let v = next | 3n | bit(BIT.AF);
  if (f.pxnTable ?? true) v |= bit(BIT.PXNTable);
  if (f.uxnTable ?? true) v |= bit(BIT.UXNTable);
  v |= BigInt(f.apTable ?? 0) << BigInt(BIT.APTable);
  return asDescriptor(v);
}
