// Seeded bugs as patches to what the repaint reaches (the patches whose expected killer is a
// repaint property): killed on the C SUT in the variants where the repaint is the C
// (C_REPAINT_VARIANTS; in `prealloc` it is the port's, kernel/cSut.ts DEVIATION), expected killer
// first, pinned seed, default budget (kernel/testing/patchKills.ts). The others:
// kernel/patches.test.ts.
import { describe, expect, it } from 'vitest';
import { C_REPAINT_VARIANTS } from './cSut.ts';
import { loadCCatalogue } from './testing/cCatalogue.ts';
import { kernelPatches, killPatch } from './testing/patchKills.ts';

const catalogue = await loadCCatalogue(C_REPAINT_VARIANTS);
const patches = kernelPatches(true);

describe('seeded bugs as patches to the C repaint', () => {
  it('the repaint patches are there, none judged where the repaint is the port', () => {
    expect(patches.map((p) => p.id).sort()).toEqual(
      expect.arrayContaining(['repaint-to-cont', 'split-pmd-keeps-cont']),
    );
    expect(C_REPAINT_VARIANTS).not.toContain('prealloc');
    expect(C_REPAINT_VARIANTS.length).toBeGreaterThan(0);
  });

  it.each(patches.map((p) => [p.id, p] as const))('%s is killed on the C SUT', async (_id, patch) => {
    const row = await killPatch(patch, catalogue);
    const kill = row.results.find((r) => r.status === 'fail');
    expect(kill, `${patch.id} survived every property on the C SUT`).toBeDefined();
  });
});
