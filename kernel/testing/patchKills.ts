/**
 * The kill test of the seeded-bug patches on the C SUT (kernel/patches.test.ts,
 * kernel/patchesRepaint.test.ts): a patch applied to a copy of the fixture is killed when some
 * property fails on it, its catalogue entry's expected killer tried first, at the pinned seed and
 * default budget, without shrinking (as properties/mutantKills.ts does for the port's mutants).
 *
 * A patch whose expected killer is a repaint property (`repaint.*`) changes what the repaint
 * reaches; it is judged in {@link C_REPAINT_VARIANTS}, where the repaint is the C, not in
 * `prealloc`, where it is the port's (kernel/cSut.ts DEVIATION): there the patched C is never
 * run by the repaint, and a run of it only costs time (measured 2026-12-01: at the pinned seed,
 * `repaint.all-ptes` drew prealloc or no-repaint configurations for all 8 inputs, and
 * `repaint-to-cont` / `split-pmd-keeps-cont` went through ten properties, ~130 s each, before
 * `perm.exact` killed them; in the C's repaint variants `repaint.all-ptes` kills both within 5
 * runs at seeds 20261125 and 1–4).
 *
 * Layer: kernel/testing (test helpers: like kernel's tests, it may drive properties/).
 */
import { MUTANTS } from '../../impl/mutants/catalogue.ts';
import type { Mutant } from '../../impl/mutants/catalogue.ts';
import { FIXTURE_TREE } from '../build.ts';
import { createKernelSut } from '../cSut.ts';
import type { KernelPatch } from '../patches.ts';
import { applyPatches, listKernelPatches } from '../patches.ts';
import type { MatrixRow } from '../../properties/killMatrix.ts';
import type { CCatalogue } from './cCatalogue.ts';

/**
 * The catalogue entry of a patch.
 * @param patch - the patch
 * @returns its mutant
 * @throws Error when the catalogue has no entry of its id
 */
export function mutantOf(patch: KernelPatch): Mutant {
  const mutant = MUTANTS.find((m) => m.id === patch.id);
  if (mutant === undefined) throw new Error(`${patch.id}: not in the catalogue`);
  return mutant;
}

/**
 * Whether a patch is judged in the C's repaint variants: its expected killer is a repaint property.
 * @param patch - the patch
 * @returns true for a repaint patch
 */
export function isRepaintPatch(patch: KernelPatch): boolean {
  return mutantOf(patch).expectedKiller.startsWith('repaint.');
}

/**
 * The patches of kernel/patches/ of one kind.
 * @param repaint - the repaint patches (true) or the others (false)
 * @returns the patches
 */
export function kernelPatches(repaint: boolean): KernelPatch[] {
  return listKernelPatches().filter((p) => isRepaintPatch(p) === repaint);
}

/**
 * Runs the kill test of one patch applied to the fixture.
 * @param patch - the patch
 * @param catalogue - the catalogue narrowed to the variants it is judged in (loadCCatalogue)
 * @returns the matrix row (its results end at the first failing property)
 */
export async function killPatch(patch: KernelPatch, catalogue: CCatalogue): Promise<MatrixRow> {
  const { killMatrix } = await import('../../properties/killMatrix.ts');
  const tree = applyPatches(FIXTURE_TREE, [patch.file]);
  const [row] = killMatrix(
    [{ ...mutantOf(patch), createSut: createKernelSut(tree, `kernel-c+${patch.id}`) }],
    catalogue.PROPERTIES,
    { seed: catalogue.seed, noShrink: true, narrowing: catalogue.narrowing },
    true,
  );
  if (row === undefined) throw new Error(`${patch.id}: no matrix row`);
  return row;
}
