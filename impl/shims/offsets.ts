/**
 * CUSTOMISED `p?d_offset()` family: the arm64 versions re-read the parent entry
 * (`READ_ONCE(*parent)`) to find the next table, so each is a read primitive here too. Folded
 * levels (P4D always, PUD with 64K pages) return the parent pointer without a read.
 * Keep in sync with arch/arm64/include/asm/pgtable.h at v7.1.
 *
 * Layer: impl/shims.
 */
import type { KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { READ_ONCE } from './custom.ts';
import { desc_phys, pgd_index, pmd_index, pte_index, pud_index } from './pgtable.ts';

/**
 * `pgd_offset_k(addr)`: the entry of swapper_pg_dir for `addr` (no read).
 * @param k - kernel context
 * @param addr - a VA
 * @returns the entry's PA
 */
export function pgd_offset_k(k: Kern, addr: bigint): bigint {
  return k.hw.rootTable() + pgd_index(k.g, addr) * 8n;
}

/**
 * `p4d_offset(pgdp, addr)`: the P4D is folded onto the PGD.
 * @param _k - kernel context
 * @param pgdp - the PGD entry
 * @param _addr - a VA
 * @returns pgdp
 */
export function p4d_offset(_k: Kern, pgdp: bigint, _addr: bigint): bigint {
  return pgdp;
}

/**
 * `pud_offset(p4dp, addr)`: reads the P4D entry for the PUD table (PUD folded: returns p4dp).
 * @param k - kernel context
 * @param p4dp - the P4D entry
 * @param addr - a VA
 * @returns the PUD entry's PA
 */
export function* pud_offset(k: Kern, p4dp: bigint, addr: bigint): KGen<bigint> {
  if (k.g.PUD_FOLDED) return p4dp;
  const p4d = yield* READ_ONCE(k, p4dp);
  return desc_phys(k.g, p4d) + pud_index(k.g, addr) * 8n;
}

/**
 * `pmd_offset(pudp, addr)`: reads the PUD entry for the PMD table.
 * @param k - kernel context
 * @param pudp - the PUD entry
 * @param addr - a VA
 * @returns the PMD entry's PA
 */
export function* pmd_offset(k: Kern, pudp: bigint, addr: bigint): KGen<bigint> {
  const pud = yield* READ_ONCE(k, pudp);
  return desc_phys(k.g, pud) + pmd_index(k.g, addr) * 8n;
}

/**
 * `pte_offset_kernel(pmdp, addr)`: reads the PMD entry for the PTE table.
 * @param k - kernel context
 * @param pmdp - the PMD entry
 * @param addr - a VA
 * @returns the PTE's PA
 */
export function* pte_offset_kernel(k: Kern, pmdp: bigint, addr: bigint): KGen<bigint> {
  const pmd = yield* READ_ONCE(k, pmdp);
  return desc_phys(k.g, pmd) + pte_index(k.g, addr) * 8n;
}
