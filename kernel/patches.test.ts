// Seeded bugs as patches: every kernel/patches/*.patch applies to the fixture tree, compiles, and
// is killed by the properties on the C SUT — its catalogue entry's expected killer first, at the
// pinned seed and default budget, as properties/mutantKills.ts does for the port's mutants
// (kernel/fixture.test.ts: the unpatched fixture passes every property). The patches to what the
// repaint reaches are judged in the C's repaint variants: kernel/patchesRepaint.test.ts.
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { listKernelPatches } from './patches.ts';
import { loadCCatalogue } from './testing/cCatalogue.ts';
import { kernelPatches, killPatch } from './testing/patchKills.ts';

const catalogue = await loadCCatalogue();

describe('seeded bugs as patches to the C fixture', () => {
  it('every patch is a seeded bug of the catalogue, with its subject line', () => {
    const patches = listKernelPatches();
    expect(patches.length).toBeGreaterThanOrEqual(14);
    for (const p of patches) {
      const m = MUTANTS.find((x) => x.id === p.id);
      expect(m, `${p.id}.patch names no catalogue entry`).toBeDefined();
      expect(p.subject).toBe(`[SEEDED BUG] ${p.id}: ${m?.description ?? ''}`);
    }
    // Each is judged in one of the two files.
    expect(kernelPatches(false).length + kernelPatches(true).length).toBe(patches.length);
  });

  it.each(kernelPatches(false).map((p) => [p.id, p] as const))('%s is killed on the C SUT', async (_id, patch) => {
    const row = await killPatch(patch, catalogue);
    const kill = row.results.find((r) => r.status === 'fail');
    expect(kill, `${patch.id} survived every property on the C SUT`).toBeDefined();
  });
});
