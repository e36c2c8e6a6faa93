/**
 * DUPLICATED kernel constants and macros: page-table geometry for 4K/16K/64K granules with 48-bit
 * VAs, descriptor bits, memory types and the linear-map layout.
 * Keep in sync with arch/arm64/include/asm/{pgtable-hwdef.h,pgtable-prot.h,memory.h} and
 * arch/arm64/Kconfig (ARM64_CONT_PTE_SHIFT / ARM64_CONT_PMD_SHIFT defaults) at v7.1.
 *
 * Layer: impl/shims.
 */
import type { GranuleName } from '../contract.ts';

const BIT = (n: number): bigint => 1n << BigInt(n);

/** Page-table geometry of one build configuration (the kernel's compile-time constants). */
export interface Arm64Geometry {
  readonly granule: GranuleName;
  readonly CONFIG_PGTABLE_LEVELS: 3 | 4;
  /** `__PAGETABLE_PUD_FOLDED`: the PUD level is the PGD (64K with 3 levels). */
  readonly PUD_FOLDED: boolean;
  /** Arm level of the PGD table (0 for 4K/16K 4-level, 1 for 64K 3-level). */
  readonly PGD_LEVEL: number;
  readonly PAGE_SHIFT: bigint;
  readonly PAGE_SIZE: bigint;
  readonly PAGE_MASK: bigint;
  readonly PTRS_PER_PTE: number;
  readonly PMD_SHIFT: bigint;
  readonly PMD_SIZE: bigint;
  readonly PMD_MASK: bigint;
  readonly PTRS_PER_PMD: number;
  readonly PUD_SHIFT: bigint;
  readonly PUD_SIZE: bigint;
  readonly PUD_MASK: bigint;
  readonly PTRS_PER_PUD: number;
  readonly P4D_SHIFT: bigint;
  readonly P4D_SIZE: bigint;
  readonly PGDIR_SHIFT: bigint;
  readonly PGDIR_SIZE: bigint;
  readonly PGDIR_MASK: bigint;
  readonly PTRS_PER_PGD: number;
  readonly CONT_PTES: number;
  readonly CONT_PTE_SIZE: bigint;
  readonly CONT_PTE_MASK: bigint;
  readonly CONT_PMDS: number;
  readonly CONT_PMD_SIZE: bigint;
  readonly CONT_PMD_MASK: bigint;
  /** Output-address bits of a descriptor, `[47:PAGE_SHIFT]` (no 52-bit PAs). */
  readonly PTE_ADDR_MASK: bigint;
  /** `ARM64_MEMSTART_ALIGN`: PHYS_OFFSET is the first bank base rounded down to this. */
  readonly ARM64_MEMSTART_ALIGN: bigint;
}

/**
 * Builds the geometry of a granule with `VA_BITS = 48`.
 * @param granule - 4K, 16K or 64K
 * @returns the constants
 * @see arch/arm64/include/asm/pgtable-hwdef.h
 */
export function arm64_geometry(granule: GranuleName): Arm64Geometry {
  const pageShift = granule === '4K' ? 12 : granule === '16K' ? 14 : 16;
  const bitsPerLevel = pageShift - 3;
  const levels: 3 | 4 = granule === '64K' ? 3 : 4;
  const contPte = granule === '4K' ? 4 : granule === '16K' ? 7 : 5;
  const contPmd = granule === '4K' ? 4 : 5;
  const pmdShift = pageShift + bitsPerLevel;
  const pudShiftReal = pmdShift + bitsPerLevel;
  const pgdShift = levels === 4 ? pudShiftReal + bitsPerLevel : pudShiftReal;
  const pudShift = levels === 4 ? pudShiftReal : pgdShift;
  const size = (s: number): bigint => BIT(s);
  const mask = (s: number): bigint => ~(BIT(s) - 1n);
  const memstartShift = granule === '4K' ? pudShiftReal : granule === '16K' ? pmdShift + contPmd : pmdShift;
  return {
    granule,
    CONFIG_PGTABLE_LEVELS: levels,
    PUD_FOLDED: levels === 3,
    PGD_LEVEL: 4 - levels,
    PAGE_SHIFT: BigInt(pageShift),
    PAGE_SIZE: size(pageShift),
    PAGE_MASK: mask(pageShift),
    PTRS_PER_PTE: 1 << bitsPerLevel,
    PMD_SHIFT: BigInt(pmdShift),
    PMD_SIZE: size(pmdShift),
    PMD_MASK: mask(pmdShift),
    PTRS_PER_PMD: 1 << bitsPerLevel,
    PUD_SHIFT: BigInt(pudShift),
    PUD_SIZE: size(pudShift),
    PUD_MASK: mask(pudShift),
    PTRS_PER_PUD: levels === 4 ? 1 << bitsPerLevel : 1,
    P4D_SHIFT: BigInt(pgdShift),
    P4D_SIZE: size(pgdShift),
    PGDIR_SHIFT: BigInt(pgdShift),
    PGDIR_SIZE: size(pgdShift),
    PGDIR_MASK: mask(pgdShift),
    PTRS_PER_PGD: 1 << (48 - pgdShift),
    CONT_PTES: 1 << contPte,
    CONT_PTE_SIZE: size(pageShift + contPte),
    CONT_PTE_MASK: mask(pageShift + contPte),
    CONT_PMDS: 1 << contPmd,
    CONT_PMD_SIZE: size(pmdShift + contPmd),
    CONT_PMD_MASK: mask(pmdShift + contPmd),
    PTE_ADDR_MASK: (BIT(48) - 1n) & mask(pageShift),
    ARM64_MEMSTART_ALIGN: size(memstartShift),
  };
}

// ---- descriptor bits (pgtable-hwdef.h) --------------------------------------------------------

/** Valid bit, bit 0. */
export const PTE_VALID = BIT(0);
/** Table/page bit, bit 1. */
export const PTE_TABLE_BIT = BIT(1);
/** Descriptor type field, bits [1:0]. */
export const PTE_TYPE_MASK = 3n;
/** Page descriptor type at level 3. */
export const PTE_TYPE_PAGE = 3n;
/** AP[1], EL0 access. */
export const PTE_USER = BIT(6);
/** AP[2], read-only. */
export const PTE_RDONLY = BIT(7);
/** SH[1:0] = inner shareable. */
export const PTE_SHARED = 3n << 8n;
/** Access flag. */
export const PTE_AF = BIT(10);
/** Not-global. */
export const PTE_NG = BIT(11);
/** Dirty bit modifier; Linux's `PTE_WRITE`. */
export const PTE_DBM = BIT(51);
/** Linux's software write bit is the DBM bit. */
export const PTE_WRITE = PTE_DBM;
/** Contiguous hint. */
export const PTE_CONT = BIT(52);
/** Privileged execute-never. */
export const PTE_PXN = BIT(53);
/** Unprivileged execute-never. */
export const PTE_UXN = BIT(54);
/** Software bits. */
export const PTE_SWBITS_MASK = BIT(63) | (0xfn << 55n);
/** AttrIndx field. */
export const PTE_ATTRINDX_MASK = 7n << 2n;
/**
 * @param t - a MAIR index
 * @returns the AttrIndx field value
 */
export const PTE_ATTRINDX = (t: bigint): bigint => t << 2n;
/** Present-invalid marker, meaningful only when PTE_VALID is clear (aliases nG). */
export const PTE_PRESENT_INVALID = PTE_NG;
/** `PTE_MAYBE_NG`: 0. DEVIATION: KPTI's nG kernel mappings (kpti_install_ng_mappings()) are not modelled. */
export const PTE_MAYBE_NG = 0n;
/** `PTE_MAYBE_GP`: 0. DEVIATION: BTI guarded pages are not modelled. */
export const PTE_MAYBE_GP = 0n;
/** `PTE_PRESENT_VALID_KERNEL = PTE_VALID | PTE_MAYBE_NG`. */
export const PTE_PRESENT_VALID_KERNEL = PTE_VALID | PTE_MAYBE_NG;

/** Block/table type values at levels 0–2. */
export const PMD_TYPE_MASK = 3n;
/** `PMD_TYPE_TABLE` (pgtable-hwdef.h). */
export const PMD_TYPE_TABLE = 3n;
/** `PMD_TYPE_SECT` (pgtable-hwdef.h). */
export const PMD_TYPE_SECT = 1n;
/** `PMD_SECT_VALID` (pgtable-hwdef.h). */
export const PMD_SECT_VALID = BIT(0);
/** `PMD_SECT_CONT` (pgtable-hwdef.h). */
export const PMD_SECT_CONT = BIT(52);
/** `PMD_SECT_PXN` (pgtable-hwdef.h). */
export const PMD_SECT_PXN = BIT(53);
/** `PMD_SECT_UXN` (pgtable-hwdef.h). */
export const PMD_SECT_UXN = BIT(54);
/** `PMD_TABLE_AF` (pgtable-hwdef.h). */
export const PMD_TABLE_AF = BIT(10);
/** `PMD_TABLE_PXN` (pgtable-hwdef.h). */
export const PMD_TABLE_PXN = BIT(59);
/** `PMD_TABLE_UXN` (pgtable-hwdef.h). */
export const PMD_TABLE_UXN = BIT(60);
/** `PUD_TYPE_MASK` (pgtable-hwdef.h). */
export const PUD_TYPE_MASK = 3n;
/** `PUD_TYPE_TABLE` (pgtable-hwdef.h). */
export const PUD_TYPE_TABLE = 3n;
/** `PUD_TYPE_SECT` (pgtable-hwdef.h). */
export const PUD_TYPE_SECT = 1n;
/** `PUD_TABLE_AF` (pgtable-hwdef.h). */
export const PUD_TABLE_AF = BIT(10);
/** `PUD_TABLE_PXN` (pgtable-hwdef.h). */
export const PUD_TABLE_PXN = BIT(59);
/** `PUD_TABLE_UXN` (pgtable-hwdef.h). */
export const PUD_TABLE_UXN = BIT(60);
/** `P4D_TYPE_TABLE` (pgtable-hwdef.h). */
export const P4D_TYPE_TABLE = 3n;
/** `P4D_TABLE_AF` (pgtable-hwdef.h). */
export const P4D_TABLE_AF = BIT(10);
/** `P4D_TABLE_PXN` (pgtable-hwdef.h). */
export const P4D_TABLE_PXN = BIT(59);
/** `P4D_TABLE_UXN` (pgtable-hwdef.h). */
export const P4D_TABLE_UXN = BIT(60);

// ---- memory types (Linux MAIR_EL1 layout) -----------------------------------------------------

/** `MT_NORMAL`: MAIR_EL1 index of this memory type. */
export const MT_NORMAL = 0n;
/** `MT_NORMAL_TAGGED`: MAIR_EL1 index of this memory type. */
export const MT_NORMAL_TAGGED = 1n;
/** `MT_NORMAL_NC`: MAIR_EL1 index of this memory type. */
export const MT_NORMAL_NC = 2n;
/** `MT_DEVICE_nGnRnE`: MAIR_EL1 index of this memory type. */
export const MT_DEVICE_nGnRnE = 3n;
/** `MT_DEVICE_nGnRE`: MAIR_EL1 index of this memory type. */
export const MT_DEVICE_nGnRE = 4n;

/** `PROT_NORMAL` = `PAGE_KERNEL`: valid page, AF, inner shareable, PXN, UXN, write, Normal. */
export const PAGE_KERNEL =
  PTE_TYPE_PAGE | PTE_AF | PTE_SHARED | PTE_MAYBE_NG | PTE_PXN | PTE_UXN | PTE_WRITE | PTE_ATTRINDX(MT_NORMAL);

/**
 * `pgprot_tagged(prot)`: AttrIndx := MT_NORMAL_TAGGED.
 * @param prot - a pgprot
 * @returns the tagged pgprot
 */
export const pgprot_tagged = (prot: bigint): bigint => (prot & ~PTE_ATTRINDX_MASK) | PTE_ATTRINDX(MT_NORMAL_TAGGED);

// ---- linear map (memory.h) ---------------------------------------------------------------------

/** `PAGE_OFFSET = _PAGE_OFFSET(48)`: start of the linear map. */
export const PAGE_OFFSET = 0xffff000000000000n;
/** `PAGE_END = _PAGE_END(48)`: end of the linear map. */
export const PAGE_END = 0xffff800000000000n;
/** `VMALLOC_START` (= MODULES_END with 2 GiB of module space). */
export const VMALLOC_START = 0xffff800080000000n;
/** `INVALID_PHYS_ADDR` */
export const INVALID_PHYS_ADDR = (1n << 64n) - 1n;

/** Errno values used as negative returns. */
export const EINVAL = 22;
/** `ENOMEM` (errno). */
export const ENOMEM = 12;
/** `EBUSY` (errno). */
export const EBUSY = 16;

/** mm/pagewalk.c levels passed to the table allocator (`enum pgtable_level`). */
export type pgtable_level = 'PGTABLE_LEVEL_PTE' | 'PGTABLE_LEVEL_PMD' | 'PGTABLE_LEVEL_PUD' | 'PGTABLE_LEVEL_P4D';

/** `NO_BLOCK_MAPPINGS` */
export const NO_BLOCK_MAPPINGS = 1 << 0;
/** `NO_CONT_MAPPINGS` */
export const NO_CONT_MAPPINGS = 1 << 1;
/** `NO_EXEC_MAPPINGS` (sets the table PXN bit on every table entry created) */
export const NO_EXEC_MAPPINGS = 1 << 2;

/** `CONFIG_KFENCE_NUM_OBJECTS` default. */
export const CONFIG_KFENCE_NUM_OBJECTS = 255n;
