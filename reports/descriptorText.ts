/**
 * A descriptor as a reviewer reads it: what it is at its level (block, page, table, invalid), its
 * output address, memory type under Linux's MAIR_EL1 layout, shareability, access permissions,
 * execute-never bits, and the bits break-before-make cares about (AF, nG, Contiguous, nT).
 *
 *   2M block  OA 0x40200000  Normal ISH RW PXN UXN  CONT
 *   table → 0xf000005000  PXNTable UXNTable
 *   invalid (0x0)
 *
 * @see Arm ARM DDI 0487 M.b D8.3 "Translation table descriptor formats", D8.4 (permissions)
 * @see arch/arm64/include/asm/memory.h `MT_NORMAL` … `MT_DEVICE_nGnRE` (the AttrIndx names)
 * Layer: reports (model types and pure formatting).
 */
import type { Geometry } from '../model/arch/geometry.ts';
import { PAGE_LEVEL } from '../model/arch/geometry.ts';
import { BIT, DescriptorType, bitOf, decodeDescriptorType, outputAddress } from '../model/arch/descriptor.ts';
import { formatSize } from '../model/bbm/change.ts';

/** The TTBR1 base: VA[63:48] all ones (VA[47:0] is what the model indexes). */
export const VA_TOP = 0xffff000000000000n;

/** AttrIndx as Linux programs MAIR_EL1 (`MT_*`). */
const MEMORY_TYPES = ['Normal', 'Normal-Tagged', 'Normal-NC', 'Device-nGnRnE', 'Device-nGnRE'];

/** SH[1:0]. */
const SHAREABILITY = ['NSH', 'SH=01', 'OSH', 'ISH'];

/**
 * The Linux name of a level's table (`pgd`, `pud`, `pmd`, `pte`) with 48-bit VAs.
 * @param geo - granule geometry
 * @param level - the level
 * @returns the name
 */
export function levelName(geo: Geometry, level: number): string {
  if (level === PAGE_LEVEL) return 'pte';
  if (level === 2) return 'pmd';
  if (level === geo.startLevel) return 'pgd';
  return 'pud';
}

/**
 * The hex of a number or bigint, `0x` and lower case.
 * @param v - a non-negative value
 * @returns the text
 */
export function hexOf(v: number | bigint): string {
  return '0x' + v.toString(16);
}

/**
 * Describes a descriptor.
 * @param geo - granule geometry
 * @param lo - bits[31:0]
 * @param hi - bits[63:32]
 * @param level - the level of the table that holds it
 * @returns one line
 */
export function describeDescriptor(geo: Geometry, lo: number, hi: number, level: number): string {
  const type = decodeDescriptorType(geo, lo, level);
  const bit = (b: number): number => bitOf(lo, hi, b);
  if (type === DescriptorType.Invalid) {
    const raw = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    return raw === 0n ? 'invalid (0x0)' : `invalid (${hexOf(raw)})`;
  }
  if (type === DescriptorType.Table) {
    const limits = [
      bit(BIT.APTable + 1) === 1 ? 'APTable=RO' : '',
      bit(BIT.APTable) === 1 ? 'APTable=noEL0' : '',
      bit(BIT.PXNTable) === 1 ? 'PXNTable' : '',
      bit(BIT.UXNTable) === 1 ? 'UXNTable' : '',
      bit(BIT.NSTable) === 1 ? 'NSTable' : '',
    ].filter((s) => s !== '');
    return [`table → ${hexOf(outputAddress(geo, lo, hi))}`, ...limits].join('  ');
  }
  const size = geo.entrySpan[level] ?? geo.pageSize;
  const oa = outputAddress(geo, lo, hi);
  const attrIndx = (lo >>> BIT.AttrIndx) & 7;
  const kind = `${formatSize(size)} ${level === PAGE_LEVEL ? 'page' : 'block'}`;
  const attrs = [
    MEMORY_TYPES[attrIndx] ?? `AttrIndx=${attrIndx}`,
    SHAREABILITY[(lo >>> BIT.SH) & 3] ?? '',
    ...(bit(BIT.NS) === 1 ? ['NS'] : []),
  ].join(' ');
  const perms = [
    bit(BIT.AP2) === 1 ? 'RO' : 'RW',
    ...(bit(BIT.AP1) === 1 ? ['EL0'] : []),
    ...(bit(BIT.PXN) === 1 ? ['PXN'] : []),
    ...(bit(BIT.UXN) === 1 ? ['UXN'] : []),
  ].join(' ');
  const flags = [
    ...(bit(BIT.AF) === 0 ? ['AF=0'] : []),
    ...(bit(BIT.nG) === 1 ? ['nG'] : []),
    ...(bit(BIT.DBM) === 1 ? ['DBM'] : []),
    ...((geo.contEntries[level] ?? 0) > 0 && bit(BIT.Contiguous) === 1 ? ['CONT'] : []),
    // Bit 16 is nT only in a block descriptor; in a page it is an OA bit (or RES0).
    ...(level < PAGE_LEVEL && bit(BIT.nT) === 1 ? ['nT'] : []),
  ];
  // Bits of the OA field below a block's size are RES0 (bit 16 is nT): name them when set.
  const res0 = (oa % size) - (level < PAGE_LEVEL && bit(BIT.nT) === 1 ? 2 ** BIT.nT : 0);
  const address = `OA ${hexOf(oa - (oa % size))}${res0 > 0 ? ` (RES0 bits set: ${hexOf(res0)})` : ''}`;
  return [kind, address, attrs, perms, ...(flags.length > 0 ? [flags.join(' ')] : [])].join('  ');
}
