/**
 * VMSAv8-64 stage-1 descriptors as real bits, encoded the way the arm64 kernel writes them
 * (`PAGE_KERNEL`, `PMD_TYPE_TABLE | PMD_TABLE_UXN | PMD_TABLE_AF`). Field positions: Arm ARM
 * D8.3 (block/page: AttrIndx [4:2], AP[2] bit 7, SH [9:8], AF bit 10, nG bit 11, nT bit 16 in
 * blocks only, DBM bit 51, Contiguous bit 52, PXN bit 53, UXN bit 54; table: PXNTable bit 59,
 * UXNTable bit 60, bits [58:51] and bit 10 IGNORED without FEAT_HAFT).
 *
 * Layer: model/scenarios (generator only; independent of model/arch).
 */
import { bit } from './geometry.ts';

/**
 * The fields of a leaf (block or page) descriptor. Every field is optional: the default is
 * `PAGE_KERNEL` (valid, AttrIndx 0 Normal, SH=3, AF, DBM, PXN, UXN, global, read-write).
 */
export interface LeafProt {
  /** AttrIndx through Linux's MAIR: 0 Normal, 1 Normal-Tagged, 2 Normal-NC, 3 nGnRnE, 4 nGnRE. */
  readonly attr?: number;
  /** Shareability (SH[1:0]); default 3 (Inner Shareable). */
  readonly sh?: number;
  /** AP[2] = 1 (read-only). */
  readonly ro?: boolean;
  /** DBM (Linux `PTE_WRITE`); default `!ro`. */
  readonly dbm?: boolean;
  /** Access flag; default true. */
  readonly af?: boolean;
  /** Non-global. */
  readonly ng?: boolean;
  /** The Contiguous bit. */
  readonly cont?: boolean;
  /** PXN; default true. */
  readonly pxn?: boolean;
  /** UXN; default true. */
  readonly uxn?: boolean;
  /** nT (bit 16) of a block descriptor (FEAT_BBML1); never set by `leaf()` on a page. */
  readonly nT?: boolean;
}

/** The fields of a table descriptor; the default is the kernel's TYPE_TABLE | TABLE_UXN | TABLE_AF. */
export interface TableProt {
  /** Bit 10 (TABLE_AF, IGNORED without FEAT_HAFT); default true. */
  readonly af?: boolean;
  /** PXNTable. */
  readonly pxnTable?: boolean;
  /** UXNTable; default true. */
  readonly uxnTable?: boolean;
  /** Bit 52, IGNORED in a table descriptor (it is the Contiguous bit only in leaves). */
  readonly bit52?: boolean;
}

/** `PAGE_KERNEL`. */
export const KERNEL: LeafProt = Object.freeze({});
/** `PAGE_KERNEL_RO`: AP[2] set, DBM clear. */
export const KERNEL_RO: LeafProt = Object.freeze({ ro: true });
/** `PAGE_KERNEL_ROX`: read-only and privileged-executable. */
export const KERNEL_ROX: LeafProt = Object.freeze({ ro: true, pxn: false });
/** `PROT_DEVICE_nGnRE`-like: AttrIndx 4. */
export const DEVICE: LeafProt = Object.freeze({ attr: 4 });

/**
 * Encodes a leaf descriptor.
 * @param isPage - a level-3 page (type bits 0b11) rather than a block (0b01)
 * @param oa - the output address (already aligned by the caller)
 * @param o - the fields
 * @returns the 64-bit descriptor
 */
export function encodeLeaf(isPage: boolean, oa: bigint, o: LeafProt = {}): bigint {
  const ro = o.ro ?? false;
  let v = oa | 1n | (isPage ? 2n : 0n);
  v |= BigInt(o.attr ?? 0) << 2n;
  if (ro) v |= bit(7);
  v |= BigInt(o.sh ?? 3) << 8n;
  if (o.af ?? true) v |= bit(10);
  if (o.ng) v |= bit(11);
  if (o.nT) v |= bit(16);
  if (o.dbm ?? !ro) v |= bit(51);
  if (o.cont) v |= bit(52);
  if (o.pxn ?? true) v |= bit(53);
  if (o.uxn ?? true) v |= bit(54);
  return v;
}

/**
 * Encodes a table descriptor.
 * @param next - the next-level table's PA (page aligned)
 * @param o - the table attributes
 * @returns the 64-bit descriptor
 */
export function encodeTable(next: bigint, o: TableProt = {}): bigint {
  let v = next | 3n;
  if (o.af ?? true) v |= bit(10);
  if (o.bit52) v |= bit(52);
  if (o.pxnTable) v |= bit(59);
  if (o.uxnTable ?? true) v |= bit(60);
  return v;
}
