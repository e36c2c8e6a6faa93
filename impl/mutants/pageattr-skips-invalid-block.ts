/**
 * Mutant `pageattr-skips-invalid-block` — pageattr.c `pageattr_pud_entry()` /
 * `pageattr_pmd_entry()` recognise a block with the old `pud_sect()` / `pmd_sect()` test, which
 * is false for a present-invalid block: "make valid" skips it, and the block stays invalid.
 *
 * Why this mutant? It was upstream until 15bfba1ad77f (v7.1, stable): a660194dd101 tested
 * `p?d_sect()`, which looks at the descriptor's type bits, and an invalidated block has its valid
 * bit clear. `set_memory_valid(addr, n, false)` on a whole block worked (the block was valid), but
 * the matching `set_memory_valid(addr, n, true)` then found no section and the walker did not
 * descend into a leaf either: the memory stayed unmapped, and a realm guest panicked on the next
 * access. The fix introduced the present-invalid encoding for kernel leaves and `p?d_leaf()` in
 * the walk callbacks (kernel §6.1, §9).
 *
 * Differs from the faithful port (impl/pageattr.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { ACTION_CONTINUE } from '../pagewalk.ts';
import type { mm_walk } from '../pagewalk.ts';
import { pageattr_ops, set_pageattr_masks } from '../pageattr.ts';
import type { page_change_data } from '../pageattr.ts';
import { READ_ONCE, set_pmd, set_pud } from '../shims/custom.ts';
import { EINVAL } from '../shims/dup.ts';
import { pmd_sect, pud_sect } from '../shims/pgtable.ts';
import { WARN_ON_ONCE } from '../shims/stubs.ts';
import { portWith } from './port.ts';

/**
 * `pageattr_pud_entry()` with `pud_sect()`.
 * @param k - kernel context
 * @param pudp - the entry
 * @param addr - start of the visited span
 * @param next - end of the visited span
 * @param walk - the walk
 * @returns 0 or -EINVAL
 */
export function* pageattr_pud_entry(
  k: Kern,
  pudp: bigint,
  addr: bigint,
  next: bigint,
  walk: mm_walk<page_change_data>,
): KGen<number> {
  const val = yield* READ_ONCE(k, pudp);
  // MUTANT: `pud_sect(val)` (faithful since 15bfba1ad77f: `pud_leaf(val)`).
  if (pud_sect(val)) {
    if (WARN_ON_ONCE(k, next - addr !== k.g.PUD_SIZE, 'pageattr_pud_entry: (next - addr) != PUD_SIZE')) return -EINVAL;
    yield* set_pud(k, pudp, set_pageattr_masks(val, walk));
    walk.action = ACTION_CONTINUE;
  }
  return 0;
}

/**
 * `pageattr_pmd_entry()` with `pmd_sect()`.
 * @param k - kernel context
 * @param pmdp - the entry
 * @param addr - start of the visited span
 * @param next - end of the visited span
 * @param walk - the walk
 * @returns 0 or -EINVAL
 */
export function* pageattr_pmd_entry(
  k: Kern,
  pmdp: bigint,
  addr: bigint,
  next: bigint,
  walk: mm_walk<page_change_data>,
): KGen<number> {
  const val = yield* READ_ONCE(k, pmdp);
  // MUTANT: `pmd_sect(val)` (faithful since 15bfba1ad77f: `pmd_leaf(val)`).
  if (pmd_sect(val)) {
    if (WARN_ON_ONCE(k, next - addr !== k.g.PMD_SIZE, 'pageattr_pmd_entry: (next - addr) != PMD_SIZE')) return -EINVAL;
    yield* set_pmd(k, pmdp, set_pageattr_masks(val, walk));
    walk.action = ACTION_CONTINUE;
  }
  return 0;
}

/** The port with these entries in `pageattr_ops`. */
export const createSut = portWith('pageattr-skips-invalid-block', {
  pageattr_ops: { ...pageattr_ops, pud_entry: pageattr_pud_entry, pmd_entry: pageattr_pmd_entry },
});
export default createSut;
