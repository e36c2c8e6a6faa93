/**
 * Mutant `repaint-to-cont` — mmu.c `split_to_ptes_pud_entry()` / `split_to_ptes_pmd_entry()`
 * pass `to_cont = true`: the repaint leaves contiguous groups instead of plain PTEs.
 *
 * Why this mutant? In v6.18-rc1 (a166563e7ec3) split_pud() and split_pmd() had no `to_cont`
 * parameter and *always* set PTE_CONT on the children, which is right for an on-demand split on a
 * BBML2-noabort system. The repaint (3df6979d222b) exists for systems where some CPU lacks it,
 * so every later cont→non-cont change there would be a live change without BBML2: the repaint
 * must leave no cont bit outside the kernel alias (kernel §4 "to_cont semantics", §8 inv. 7, 14).
 * Reusing the rc1 helpers unchanged, or passing `true` by analogy with the on-demand caller, gives
 * this mutant (the pmd_entry sets ACTION_CONTINUE, so the new cont PTEs are never visited).
 *
 * Differs from the faithful port (impl/mmu-repaint.ts) in the lines marked `MUTANT:`.
 *
 * Layer: impl/mutants.
 */
import type { Gfp, KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';
import { split_to_ptes_ops } from '../mmu-repaint.ts';
import { ACTION_CONTINUE } from '../pagewalk.ts';
import type { mm_walk } from '../pagewalk.ts';
import { READ_ONCE } from '../shims/custom.ts';
import { pmd_cont, pmd_leaf, pud_leaf } from '../shims/pgtable.ts';
import { portWith } from './port.ts';

/**
 * `split_to_ptes_pud_entry()` with cont children.
 * @param k - kernel context
 * @param pudp - the entry
 * @param _addr - start of its span
 * @param _next - end of its span
 * @param walk - the walk (private: the gfp)
 * @returns 0 or -ENOMEM
 */
export function* split_to_ptes_pud_entry(
  k: Kern,
  pudp: bigint,
  _addr: bigint,
  _next: bigint,
  walk: mm_walk<Gfp>,
): KGen<number> {
  const pud = yield* READ_ONCE(k, pudp);
  let ret = 0;
  // MUTANT: `to_cont = true` (faithful: `split_pud(pudp, pud, gfp, false)`).
  if (pud_leaf(pud)) ret = yield* k.fn.split_pud(k, pudp, pud, walk.private, true);
  return ret;
}

/**
 * `split_to_ptes_pmd_entry()` with cont children.
 * @param k - kernel context
 * @param pmdp - the entry
 * @param _addr - start of its span
 * @param _next - end of its span
 * @param walk - the walk (private: the gfp)
 * @returns 0 or -ENOMEM
 */
export function* split_to_ptes_pmd_entry(
  k: Kern,
  pmdp: bigint,
  _addr: bigint,
  _next: bigint,
  walk: mm_walk<Gfp>,
): KGen<number> {
  const pmd = yield* READ_ONCE(k, pmdp);
  let ret = 0;
  if (pmd_leaf(pmd)) {
    if (pmd_cont(pmd)) yield* k.fn.split_contpmd(k, pmdp);
    // MUTANT: `to_cont = true` (faithful: `split_pmd(pmdp, pmd, gfp, false)`).
    ret = yield* k.fn.split_pmd(k, pmdp, pmd, walk.private, true);
    walk.action = ACTION_CONTINUE;
  }
  return ret;
}

/** The port with these entries in `split_to_ptes_ops`. */
export const createSut = portWith('repaint-to-cont', {
  split_to_ptes_ops: { ...split_to_ptes_ops, pud_entry: split_to_ptes_pud_entry, pmd_entry: split_to_ptes_pmd_entry },
});
export default createSut;
