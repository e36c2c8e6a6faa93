/**
 * Port of the table-creation half of arch/arm64/mm/mmu.c, in the kernel's order:
 * pgattr_change_is_safe(), init_clear_pgtable(), init_pte(), alloc_init_cont_pte(), init_pmd(),
 * alloc_init_cont_pmd(), alloc_init_pud(), alloc_init_p4d(), __create_pgd_mapping_locked(),
 * __create_pgd_mapping(), early_create_pgd_mapping(), early_pgtable_alloc(), pud_set_huge(),
 * pmd_set_huge(). Only swapper_pg_dir is ever the target (DEVIATION: no `pgdir` argument).
 *
 * Layer: impl (the port).
 */
import type { KGen } from './contract.ts';
import type { Kern } from './kernel.ts';
import { oldMapMemShape } from './kernel.ts';
import {
  clear_fixmap_barriers,
  dsb,
  READ_ONCE,
  __p4d_populate,
  __pmd_populate,
  __pud_populate,
  __set_pte_nosync,
  set_fixmap_barriers,
  set_pmd,
  set_pud,
} from './shims/custom.ts';
import {
  EINVAL,
  ENOMEM,
  INVALID_PHYS_ADDR,
  MT_NORMAL,
  MT_NORMAL_TAGGED,
  NO_BLOCK_MAPPINGS,
  NO_CONT_MAPPINGS,
  NO_EXEC_MAPPINGS,
  P4D_TABLE_AF,
  P4D_TABLE_PXN,
  P4D_TABLE_UXN,
  P4D_TYPE_TABLE,
  PMD_TABLE_AF,
  PMD_TABLE_PXN,
  PMD_TABLE_UXN,
  PMD_TYPE_TABLE,
  PTE_ATTRINDX,
  PTE_ATTRINDX_MASK,
  PTE_CONT,
  PTE_NG,
  PTE_PXN,
  PTE_RDONLY,
  PTE_SWBITS_MASK,
  PTE_WRITE,
  PUD_TABLE_AF,
  PUD_TABLE_PXN,
  PUD_TABLE_UXN,
  PUD_TYPE_TABLE,
} from './shims/dup.ts';
import type { pgtable_level } from './shims/dup.ts';
import { p4d_offset, pgd_offset_k, pmd_offset, pte_offset_kernel, pud_offset } from './shims/offsets.ts';
import {
  mk_pmd_sect_prot,
  mk_pud_sect_prot,
  p4d_bad,
  p4d_none,
  pfn_pmd,
  pfn_pte,
  pfn_pud,
  pgd_addr_end,
  pmd_addr_end,
  pmd_cont_addr_end,
  pmd_index,
  pmd_leaf,
  pmd_none,
  pmd_table,
  pte_cont,
  pte_cont_addr_end,
  pte_index,
  pte_pfn,
  pte_valid,
  pud_addr_end,
  pud_index,
  pud_leaf,
  pud_none,
  pud_table,
  pmd_bad,
  pud_bad,
} from './shims/pgtable.ts';
import { BUG_ON, mutex_lock, mutex_unlock, panic, WARN_ON } from './shims/stubs.ts';

/** A table allocator: returns the new table's PA or `INVALID_PHYS_ADDR`. */
export type PgtableAlloc = (k: Kern, level: pgtable_level) => KGen<bigint>;

/**
 * The Arm level of a table of the given kernel level.
 * @param level - PTE, PMD, PUD or P4D
 * @returns 3, 2, 1 or 0
 */
export function pgtable_level_to_arm(level: pgtable_level): number {
  switch (level) {
    case 'PGTABLE_LEVEL_PTE':
      return 3;
    case 'PGTABLE_LEVEL_PMD':
      return 2;
    case 'PGTABLE_LEVEL_PUD':
      return 1;
    case 'PGTABLE_LEVEL_P4D':
      return 0;
  }
}

/**
 * `early_pgtable_alloc()`: a memblock page; panics on failure.
 * @param k - kernel context
 * @param level - the table's level
 * @returns its PA
 * @see arch/arm64/mm/mmu.c: early_pgtable_alloc()
 */
export function* early_pgtable_alloc(k: Kern, level: pgtable_level): KGen<bigint> {
  // DEVIATION: memblock has no gfp flags; the allocation is labelled MEMBLOCK.
  const phys = yield* k.hw.allocTable(pgtable_level_to_arm(level), 'MEMBLOCK', 'process');
  if (phys === null) panic(k, 'Failed to allocate page table page');
  return phys;
}

/**
 * `pgattr_change_is_safe(old, new)`: live attribute changes allowed without break-before-make.
 * v6.18 and v7.1 also reject any valid→valid change when either side has PTE_CONT (the explicit
 * test Ard Biesheuvel's 2026 series removed, {@link oldMapMemShape}).
 * @param k - kernel context
 * @param old - the old descriptor
 * @param new_ - the new descriptor
 * @returns whether the change is safe
 * @see arch/arm64/mm/mmu.c: pgattr_change_is_safe()
 */
export function pgattr_change_is_safe(k: Kern, old: bigint, new_: bigint): boolean {
  let mask = PTE_PXN | PTE_RDONLY | PTE_WRITE | PTE_NG | PTE_SWBITS_MASK;
  if (!pte_valid(old) || !pte_valid(new_)) return true;
  if (pte_pfn(k.g, old) !== pte_pfn(k.g, new_)) return false;
  if (oldMapMemShape(k) && ((old | new_) & PTE_CONT) !== 0n) return false;
  if ((old & ~new_ & PTE_NG) !== 0n) return false;
  const normal = (v: bigint): boolean =>
    (v & PTE_ATTRINDX_MASK) === PTE_ATTRINDX(MT_NORMAL) || (v & PTE_ATTRINDX_MASK) === PTE_ATTRINDX(MT_NORMAL_TAGGED);
  if (normal(old) && normal(new_)) mask |= PTE_ATTRINDX_MASK;
  return ((old ^ new_) & ~mask) === 0n;
}

/**
 * `init_clear_pgtable()`: the page is already zeroed (the `alloc` event); `dsb(ishst)`.
 * @param k - kernel context
 * @see arch/arm64/mm/mmu.c: init_clear_pgtable()
 */
export function* init_clear_pgtable(k: Kern): KGen<void> {
  yield* dsb(k, 'ishst');
}

/**
 * `init_pte()`: fill `[addr, end)` with page entries, barriers deferred to the fixmap clear.
 * @param k - kernel context
 * @param ptep - PA of the first PTE
 * @param addr - start VA
 * @param end - end VA
 * @param phys - start PA
 * @param prot - attributes
 * @see arch/arm64/mm/mmu.c: init_pte()
 */
export function* init_pte(k: Kern, ptep: bigint, addr: bigint, end: bigint, phys: bigint, prot: bigint): KGen<void> {
  let p = ptep;
  let a = addr;
  let ph = phys;
  do {
    const old_pte = yield* READ_ONCE(k, p);
    yield* __set_pte_nosync(k, p, pfn_pte(k.g, ph >> k.g.PAGE_SHIFT, prot));
    const now = yield* READ_ONCE(k, p);
    BUG_ON(k, !pgattr_change_is_safe(k, old_pte, now), 'init_pte: !pgattr_change_is_safe()');
    ph += k.g.PAGE_SIZE;
    p += 8n;
    a += k.g.PAGE_SIZE;
  } while (a !== end);
}

/**
 * `pte_range_has_valid_noncont()` (v7.2-rc on, Ard Biesheuvel's 2026 series): a CONT_PTES group already holds a valid non-cont entry.
 * @param k - kernel context
 * @param ptep - PA of the group's first PTE
 * @returns whether the group must not become contiguous
 */
export function* pte_range_has_valid_noncont(k: Kern, ptep: bigint): KGen<boolean> {
  for (let i = 0; i < k.g.CONT_PTES; i++) {
    const pte = yield* READ_ONCE(k, ptep + BigInt(i) * 8n);
    if (pte_valid(pte) && !pte_cont(pte)) return true;
  }
  return false;
}

/**
 * `alloc_init_cont_pte()`: make sure a PTE table exists under `pmdp` and map `[addr, end)` in
 * CONT_PTE chunks, contiguous when VA, end and PA are aligned and allowed.
 * @param k - kernel context
 * @param pmdp - the PMD entry
 * @param addr - start VA
 * @param end - end VA
 * @param phys - start PA
 * @param prot - attributes
 * @param pgtable_alloc - the table allocator
 * @param flags - NO_*_MAPPINGS
 * @returns 0 or -ENOMEM
 * @see arch/arm64/mm/mmu.c: alloc_init_cont_pte()
 */
export function* alloc_init_cont_pte(
  k: Kern,
  pmdp: bigint,
  addr: bigint,
  end: bigint,
  phys: bigint,
  prot: bigint,
  pgtable_alloc: PgtableAlloc,
  flags: number,
): KGen<number> {
  const pmd = yield* READ_ONCE(k, pmdp);
  let ptep: bigint;
  BUG_ON(k, pmd_leaf(pmd), 'alloc_init_cont_pte: pmd_leaf(pmd)');
  if (pmd_none(pmd)) {
    let pmdval = PMD_TYPE_TABLE | PMD_TABLE_UXN | PMD_TABLE_AF;
    if (flags & NO_EXEC_MAPPINGS) pmdval |= PMD_TABLE_PXN;
    const pte_phys = yield* pgtable_alloc(k, 'PGTABLE_LEVEL_PTE');
    if (pte_phys === INVALID_PHYS_ADDR) return -ENOMEM;
    yield* set_fixmap_barriers(k);
    yield* init_clear_pgtable(k);
    ptep = pte_phys + pte_index(k.g, addr) * 8n;
    yield* __pmd_populate(k, pmdp, pte_phys, pmdval);
  } else {
    BUG_ON(k, pmd_bad(pmd), 'alloc_init_cont_pte: pmd_bad(pmd)');
    ptep = yield* pte_offset_kernel(k, pmdp, addr);
    yield* set_fixmap_barriers(k);
  }
  let a = addr;
  let ph = phys;
  do {
    let __prot = prot;
    const next = pte_cont_addr_end(k.g, a, end);
    if (
      ((a | next | ph) & ~k.g.CONT_PTE_MASK) === 0n &&
      (flags & NO_CONT_MAPPINGS) === 0 &&
      (oldMapMemShape(k) || !(yield* pte_range_has_valid_noncont(k, ptep)))
    )
      __prot = prot | PTE_CONT;
    yield* init_pte(k, ptep, a, next, ph, __prot);
    ptep += (pte_index(k.g, next) - pte_index(k.g, a)) * 8n;
    ph += next - a;
    a = next;
  } while (a !== end);
  yield* clear_fixmap_barriers(k);
  return 0;
}

/**
 * `init_pmd()`: PMD blocks where VA, end and PA are PMD-aligned and blocks are allowed, else
 * descend to PTEs.
 * @param k - kernel context
 * @param pmdp - PA of the first PMD entry
 * @param addr - start VA
 * @param end - end VA
 * @param phys - start PA
 * @param prot - attributes
 * @param pgtable_alloc - the table allocator
 * @param flags - NO_*_MAPPINGS
 * @returns 0 or -ENOMEM
 * @see arch/arm64/mm/mmu.c: init_pmd()
 */
export function* init_pmd(
  k: Kern,
  pmdp: bigint,
  addr: bigint,
  end: bigint,
  phys: bigint,
  prot: bigint,
  pgtable_alloc: PgtableAlloc,
  flags: number,
): KGen<number> {
  let p = pmdp;
  let a = addr;
  let ph = phys;
  do {
    const old_pmd = yield* READ_ONCE(k, p);
    const next = pmd_addr_end(k.g, a, end);
    if (((a | next | ph) & ~k.g.PMD_MASK) === 0n && (flags & NO_BLOCK_MAPPINGS) === 0 && !pmd_table(old_pmd)) {
      WARN_ON(k, !(yield* pmd_set_huge(k, p, ph, prot)), 'init_pmd: !pmd_set_huge()');
      const now = yield* READ_ONCE(k, p);
      BUG_ON(k, !pgattr_change_is_safe(k, old_pmd, now), 'init_pmd: !pgattr_change_is_safe()');
    } else {
      const ret = yield* alloc_init_cont_pte(k, p, a, next, ph, prot, pgtable_alloc, flags);
      if (ret) return ret;
    }
    ph += next - a;
    p += 8n;
    a = next;
  } while (a !== end);
  return 0;
}

/**
 * `pmd_range_has_valid_noncont()` (v7.2-rc on).
 * @param k - kernel context
 * @param pmdp - PA of the group's first PMD entry
 * @returns whether the group must not become contiguous
 */
export function* pmd_range_has_valid_noncont(k: Kern, pmdp: bigint): KGen<boolean> {
  for (let i = 0; i < k.g.CONT_PMDS; i++) {
    const pmd = yield* READ_ONCE(k, pmdp + BigInt(i) * 8n);
    if (pte_valid(pmd) && !pte_cont(pmd)) return true;
  }
  return false;
}

/**
 * `alloc_init_cont_pmd()`: make sure a PMD table exists under `pudp`, then init_pmd() per
 * CONT_PMD chunk, contiguous when aligned and allowed.
 * @param k - kernel context
 * @param pudp - the PUD entry
 * @param addr - start VA
 * @param end - end VA
 * @param phys - start PA
 * @param prot - attributes
 * @param pgtable_alloc - the table allocator
 * @param flags - NO_*_MAPPINGS
 * @returns 0 or -ENOMEM
 * @see arch/arm64/mm/mmu.c: alloc_init_cont_pmd()
 */
export function* alloc_init_cont_pmd(
  k: Kern,
  pudp: bigint,
  addr: bigint,
  end: bigint,
  phys: bigint,
  prot: bigint,
  pgtable_alloc: PgtableAlloc,
  flags: number,
): KGen<number> {
  const pud = yield* READ_ONCE(k, pudp);
  let pmdp: bigint;
  let ret = 0;
  BUG_ON(k, pud_leaf(pud), 'alloc_init_cont_pmd: pud_leaf(pud)');
  if (pud_none(pud)) {
    let pudval = PUD_TYPE_TABLE | PUD_TABLE_UXN | PUD_TABLE_AF;
    if (flags & NO_EXEC_MAPPINGS) pudval |= PUD_TABLE_PXN;
    const pmd_phys = yield* pgtable_alloc(k, 'PGTABLE_LEVEL_PMD');
    if (pmd_phys === INVALID_PHYS_ADDR) return -ENOMEM;
    yield* set_fixmap_barriers(k);
    yield* init_clear_pgtable(k);
    pmdp = pmd_phys + pmd_index(k.g, addr) * 8n;
    yield* __pud_populate(k, pudp, pmd_phys, pudval);
  } else {
    BUG_ON(k, pud_bad(pud), 'alloc_init_cont_pmd: pud_bad(pud)');
    pmdp = yield* pmd_offset(k, pudp, addr);
    yield* set_fixmap_barriers(k);
  }
  let a = addr;
  let ph = phys;
  do {
    let __prot = prot;
    const next = pmd_cont_addr_end(k.g, a, end);
    if (
      ((a | next | ph) & ~k.g.CONT_PMD_MASK) === 0n &&
      (flags & NO_CONT_MAPPINGS) === 0 &&
      (oldMapMemShape(k) || !(yield* pmd_range_has_valid_noncont(k, pmdp)))
    )
      __prot = prot | PTE_CONT;
    ret = yield* init_pmd(k, pmdp, a, next, ph, __prot, pgtable_alloc, flags);
    if (ret) break;
    pmdp += (pmd_index(k.g, next) - pmd_index(k.g, a)) * 8n;
    ph += next - a;
    a = next;
  } while (a !== end);
  yield* clear_fixmap_barriers(k);
  return ret;
}

/**
 * `alloc_init_pud()`: make sure a PUD table exists under `p4dp` (4 levels), then a PUD block
 * (4K granule only, everything PUD-aligned) or alloc_init_cont_pmd() per PUD entry.
 * @param k - kernel context
 * @param p4dp - the P4D entry (an entry of swapper_pg_dir)
 * @param addr - start VA
 * @param end - end VA
 * @param phys - start PA
 * @param prot - attributes
 * @param pgtable_alloc - the table allocator
 * @param flags - NO_*_MAPPINGS
 * @returns 0 or -ENOMEM
 * @see arch/arm64/mm/mmu.c: alloc_init_pud()
 */
export function* alloc_init_pud(
  k: Kern,
  p4dp: bigint,
  addr: bigint,
  end: bigint,
  phys: bigint,
  prot: bigint,
  pgtable_alloc: PgtableAlloc,
  flags: number,
): KGen<number> {
  const folded = k.g.PUD_FOLDED;
  const p4d = folded ? 0n : yield* READ_ONCE(k, p4dp);
  let pudp: bigint;
  let ret = 0;
  if (p4d_none(k.g, p4d)) {
    let p4dval = P4D_TYPE_TABLE | P4D_TABLE_UXN | P4D_TABLE_AF;
    if (flags & NO_EXEC_MAPPINGS) p4dval |= P4D_TABLE_PXN;
    const pud_phys = yield* pgtable_alloc(k, 'PGTABLE_LEVEL_PUD');
    if (pud_phys === INVALID_PHYS_ADDR) return -ENOMEM;
    yield* set_fixmap_barriers(k);
    yield* init_clear_pgtable(k);
    pudp = pud_phys + pud_index(k.g, addr) * 8n;
    yield* __p4d_populate(k, p4dp, pud_phys, p4dval);
  } else {
    BUG_ON(k, p4d_bad(k.g, p4d), 'alloc_init_pud: p4d_bad(p4d)');
    pudp = yield* pud_offset(k, p4dp, addr);
    if (!folded) yield* set_fixmap_barriers(k);
  }
  let a = addr;
  let ph = phys;
  do {
    const old_pud = yield* READ_ONCE(k, pudp);
    const next = pud_addr_end(k.g, a, end);
    if (
      k.g.granule === '4K' &&
      ((a | next | ph) & ~k.g.PUD_MASK) === 0n &&
      (flags & NO_BLOCK_MAPPINGS) === 0 &&
      !pud_table(old_pud)
    ) {
      WARN_ON(k, !(yield* pud_set_huge(k, pudp, ph, prot)), 'alloc_init_pud: !pud_set_huge()');
      const now = yield* READ_ONCE(k, pudp);
      BUG_ON(k, !pgattr_change_is_safe(k, old_pud, now), 'alloc_init_pud: !pgattr_change_is_safe()');
    } else {
      ret = yield* alloc_init_cont_pmd(k, pudp, a, next, ph, prot, pgtable_alloc, flags);
      if (ret) break;
    }
    ph += next - a;
    pudp += 8n;
    a = next;
  } while (a !== end);
  if (!folded) yield* clear_fixmap_barriers(k);
  return ret;
}

/**
 * `alloc_init_p4d()`: the P4D is folded onto the PGD (`pgd_none()` is 0), so this is one
 * alloc_init_pud() on the PGD entry.
 * @param k - kernel context
 * @param pgdp - the PGD entry
 * @param addr - start VA
 * @param end - end VA
 * @param phys - start PA
 * @param prot - attributes
 * @param pgtable_alloc - the table allocator
 * @param flags - NO_*_MAPPINGS
 * @returns 0 or -ENOMEM
 * @see arch/arm64/mm/mmu.c: alloc_init_p4d()
 */
export function* alloc_init_p4d(
  k: Kern,
  pgdp: bigint,
  addr: bigint,
  end: bigint,
  phys: bigint,
  prot: bigint,
  pgtable_alloc: PgtableAlloc,
  flags: number,
): KGen<number> {
  const p4dp = p4d_offset(k, pgdp, addr);
  return yield* alloc_init_pud(k, p4dp, addr, end, phys, prot, pgtable_alloc, flags);
}

/**
 * `__create_pgd_mapping_locked()`: map `[virt, virt + size)` to `phys` in swapper_pg_dir.
 * @param k - kernel context
 * @param phys - start PA
 * @param virt - start VA
 * @param size - bytes
 * @param prot - attributes
 * @param pgtable_alloc - the table allocator
 * @param flags - NO_*_MAPPINGS
 * @returns 0, -EINVAL or -ENOMEM
 * @see arch/arm64/mm/mmu.c: __create_pgd_mapping_locked()
 */
export function* __create_pgd_mapping_locked(
  k: Kern,
  phys: bigint,
  virt: bigint,
  size: bigint,
  prot: bigint,
  pgtable_alloc: PgtableAlloc,
  flags: number,
): KGen<number> {
  if (WARN_ON(k, ((phys ^ virt) & ~k.g.PAGE_MASK) !== 0n, '__create_pgd_mapping_locked: offset mismatch'))
    return -EINVAL;
  let ph = phys & k.g.PAGE_MASK;
  let a = virt & k.g.PAGE_MASK;
  const end = (virt + size + k.g.PAGE_SIZE - 1n) & k.g.PAGE_MASK;
  let pgdp = pgd_offset_k(k, a);
  do {
    const next = pgd_addr_end(k.g, a, end);
    const ret = yield* alloc_init_p4d(k, pgdp, a, next, ph, prot, pgtable_alloc, flags);
    if (ret) return ret;
    ph += next - a;
    pgdp += 8n;
    a = next;
  } while (a !== end);
  return 0;
}

/**
 * `__create_pgd_mapping()`: the above under `fixmap_lock`.
 * @param k - kernel context
 * @param phys - start PA
 * @param virt - start VA
 * @param size - bytes
 * @param prot - attributes
 * @param pgtable_alloc - the table allocator
 * @param flags - NO_*_MAPPINGS
 * @returns 0, -EINVAL or -ENOMEM
 * @see arch/arm64/mm/mmu.c: __create_pgd_mapping()
 */
export function* __create_pgd_mapping(
  k: Kern,
  phys: bigint,
  virt: bigint,
  size: bigint,
  prot: bigint,
  pgtable_alloc: PgtableAlloc,
  flags: number,
): KGen<number> {
  yield* mutex_lock(k, 'fixmap_lock');
  const ret = yield* __create_pgd_mapping_locked(k, phys, virt, size, prot, pgtable_alloc, flags);
  yield* mutex_unlock(k, 'fixmap_lock');
  return ret;
}

/**
 * `early_create_pgd_mapping()`: panics when the mapping cannot be created.
 * @param k - kernel context
 * @param phys - start PA
 * @param virt - start VA
 * @param size - bytes
 * @param prot - attributes
 * @param pgtable_alloc - the table allocator
 * @param flags - NO_*_MAPPINGS
 * @see arch/arm64/mm/mmu.c: early_create_pgd_mapping()
 */
export function* early_create_pgd_mapping(
  k: Kern,
  phys: bigint,
  virt: bigint,
  size: bigint,
  prot: bigint,
  pgtable_alloc: PgtableAlloc,
  flags: number,
): KGen<void> {
  const ret = yield* __create_pgd_mapping(k, phys, virt, size, prot, pgtable_alloc, flags);
  if (ret) panic(k, 'Failed to create page tables');
}

/**
 * `pud_set_huge()`: write a PUD block if the change from the current entry is safe.
 * @param k - kernel context
 * @param pudp - the entry
 * @param phys - block PA
 * @param prot - attributes
 * @returns 1 if written, 0 if refused
 * @see arch/arm64/mm/mmu.c: pud_set_huge()
 */
export function* pud_set_huge(k: Kern, pudp: bigint, phys: bigint, prot: bigint): KGen<number> {
  const new_pud = pfn_pud(k.g, phys >> k.g.PAGE_SHIFT, mk_pud_sect_prot(prot));
  const old = yield* READ_ONCE(k, pudp);
  if (!pgattr_change_is_safe(k, old, new_pud)) return 0;
  yield* set_pud(k, pudp, new_pud);
  return 1;
}

/**
 * `pmd_set_huge()`: write a PMD block if the change from the current entry is safe.
 * @param k - kernel context
 * @param pmdp - the entry
 * @param phys - block PA
 * @param prot - attributes
 * @returns 1 if written, 0 if refused
 * @see arch/arm64/mm/mmu.c: pmd_set_huge()
 */
export function* pmd_set_huge(k: Kern, pmdp: bigint, phys: bigint, prot: bigint): KGen<number> {
  const new_pmd = pfn_pmd(k.g, phys >> k.g.PAGE_SHIFT, mk_pmd_sect_prot(prot));
  const old = yield* READ_ONCE(k, pmdp);
  if (!pgattr_change_is_safe(k, old, new_pmd)) return 0;
  yield* set_pmd(k, pmdp, new_pmd);
  return 1;
}
