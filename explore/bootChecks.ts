/**
 * The checks the explorer makes when the boot is done, on the state each finalisation
 * interleaving leaves: the claim of `repaint.all-ptes` (properties/repaint/repaintProperties.ts)
 * — when the kernel repaints (`repaintAtFinalisation()`: `linear_map_requires_bbml2` and an early
 * CPU without BBML2-noabort), every linear-map VA outside the kernel alias is a plain PTE, and
 * the translation is the one map_mem() made. The model judges every event of the boot as of any
 * other step.
 *
 * Layer: explore.
 */
import { translationOnly } from '../model/abstract/interp.ts';
import { describeShape } from '../model/bbm/change.ts';
import type { JudgedRun } from '../properties/harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START, leavesIn, vaHex } from '../properties/harness/leaves.ts';
import { firstDifference } from '../properties/harness/translationDiff.ts';
import { repaintAtFinalisation } from '../properties/kernel/gates.ts';
import { linearVa } from '../properties/ops/targets.ts';

/** The translation before finalisation, to compare with after. */
export type Translation = ReturnType<typeof translationOnly>;

/**
 * The translation of the linear map now.
 * @param run - the run
 * @returns it
 */
export function linearTranslation(run: JudgedRun): Translation {
  return translationOnly(run.interp(LINEAR_START, LINEAR_END));
}

/**
 * The `repaint.all-ptes` claim on a finalised run.
 * @param run - the run, just after setup_system_features()
 * @param before - the translation just before it
 * @returns what is wrong, or undefined
 */
export function repaintProblem(run: JudgedRun, before: Translation): string | undefined {
  const cfg = run.config;
  if (!repaintAtFinalisation(cfg, run.phase.early)) return undefined;
  const diff = firstDifference(before, linearTranslation(run));
  if (diff !== undefined)
    return `setup_system_features() repainted: the translation of the linear map changed: ${diff}`;
  const kstart = Number(linearVa(run, cfg.memblock.kernel.stext) - LINEAR_START);
  const kend = Number(linearVa(run, cfg.memblock.kernel.init_begin) - LINEAR_START);
  for (const l of leavesIn(run.model, LINEAR_START, LINEAR_END)) {
    if (l.spanVa >= kstart && l.spanVa + l.span <= kend) continue;
    if (l.level !== 3 || l.contiguous === 1)
      return `setup_system_features() repainted: the ${describeShape(l)} at ${vaHex(l.spanVa)} is outside the kernel alias [${vaHex(kstart)}, ${vaHex(kend)}) and not a plain PTE`;
  }
  return undefined;
}
