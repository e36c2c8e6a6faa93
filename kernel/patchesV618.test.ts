// Seeded bugs on the v6.18 spelling: every kernel/patches/*.patch that still applies once
// kernel/spellings/v6.18.patch is applied (the others touch lines that spelling changes) is killed
// on the C SUT at variant v6.18 — so the v6.18 C is judged, not only run (kernel/patches.test.ts
// does the same for the v7.x fixture). The patched functions are the v7.x fixture's own (only the
// spelling's lines differ), so CI kills one per area — a split helper, the gate's caller, the
// repaint, the KFENCE pool — and `BBM_KERNEL_SPELLINGS_ALL=1` kills every one.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { FIXTURE_TREE, V6_18_PATCH } from './build.ts';
import { C_SPLIT_VARIANTS_V6_18, createKernelSut } from './cSut.ts';
import { applyPatches, listKernelPatches } from './patches.ts';
import { loadCCatalogue } from './testing/cCatalogue.ts';

const { PROPERTIES, seed, narrowing } = await loadCCatalogue(C_SPLIT_VARIANTS_V6_18);
const { killMatrix } = await import('../properties/killMatrix.ts');

const v618 = applyPatches(FIXTURE_TREE, [V6_18_PATCH]);
const applies = (file: string): boolean => {
  try {
    execFileSync('git', ['apply', '--check', file], { cwd: v618, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
// pmd-aligned-before-contpmd: killed on the v7.x fixture, but the split generator reaches its
// condition in only ~3% of inputs (issue 13), and none of the default budget's at v6.18 and the
// pinned seed (155 s of runs, measured): left out here until the generator aims at it, never
// counted as a kill.
const REACH_LIMITED = new Set(['pmd-aligned-before-contpmd']);
const applying = listKernelPatches().filter((p) => applies(p.file) && !REACH_LIMITED.has(p.id));
const CI_SAMPLE = new Set([
  'contpte-misaligned-start',
  'split-skips-end',
  'repaint-early-release',
  'kfence-pool-left-in-blocks',
]);
const patches =
  process.env['BBM_KERNEL_SPELLINGS_ALL'] === '1' ? applying : applying.filter((p) => CI_SAMPLE.has(p.id));

describe('seeded bugs as patches to the v6.18-spelled fixture', () => {
  it('most seeded patches apply on top of the v6.18 spelling, the CI sample among them', () => {
    expect(applying.length).toBeGreaterThanOrEqual(11);
    if (patches.length < applying.length) expect(patches.map((p) => p.id).sort()).toEqual([...CI_SAMPLE].sort());
  });

  it.each(patches.map((p) => [p.id, p] as const))('%s is killed on the v6.18 C SUT', (_id, patch) => {
    const mutant = MUTANTS.find((m) => m.id === patch.id);
    if (mutant === undefined) throw new Error(`${patch.id}: not in the catalogue`);
    const tree = applyPatches(v618, [patch.file]);
    const [row] = killMatrix(
      [{ ...mutant, createSut: createKernelSut(tree, `kernel-c-v6.18+${patch.id}`) }],
      PROPERTIES,
      { seed, noShrink: true, narrowing },
      true,
    );
    const kill = row?.results.find((r) => r.status === 'fail');
    expect(kill, `${patch.id} survived every property on the v6.18 C SUT`).toBeDefined();
  });
});
