// Seeded bugs as patches: every kernel/patches/*.patch applies to the fixture tree, compiles, and
// is killed by the properties on the C SUT — its catalogue entry's expected killer first, at the
// pinned seed and default budget, as properties/mutantKills.ts does for the port's mutants
// (kernel/fixture.test.ts: the unpatched fixture passes every property).
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { FIXTURE_TREE } from './build.ts';
import { loadCCatalogue } from './testing/cCatalogue.ts';
import { createKernelSut } from './cSut.ts';
import { applyPatches, listKernelPatches } from './patches.ts';

const { PROPERTIES, seed, narrowing } = await loadCCatalogue();
const { killMatrix } = await import('../properties/killMatrix.ts');

describe('seeded bugs as patches to the C fixture', () => {
  const patches = listKernelPatches();

  it('every patch is a seeded bug of the catalogue, with its subject line', () => {
    expect(patches.length).toBeGreaterThanOrEqual(14);
    for (const p of patches) {
      const m = MUTANTS.find((x) => x.id === p.id);
      expect(m, `${p.id}.patch names no catalogue entry`).toBeDefined();
      expect(p.subject).toBe(`[SEEDED BUG] ${p.id}: ${m?.description ?? ''}`);
    }
  });

  it.each(patches.map((p) => [p.id, p] as const))('%s is killed on the C SUT', (_id, patch) => {
    const mutant = MUTANTS.find((m) => m.id === patch.id);
    if (mutant === undefined) throw new Error(`${patch.id}: not in the catalogue`);
    const tree = applyPatches(FIXTURE_TREE, [patch.file]);
    const [row] = killMatrix(
      [{ ...mutant, createSut: createKernelSut(tree, `kernel-c+${patch.id}`) }],
      PROPERTIES,
      { seed, noShrink: true, narrowing },
      true,
    );
    const kill = row?.results.find((r) => r.status === 'fail');
    expect(kill, `${patch.id} survived every property on the C SUT`).toBeDefined();
  });
});
