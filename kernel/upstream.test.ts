// An upstream kernel tree, unchanged, passes every property of the catalogue on the C SUT (a
// reduced budget; the closing note of issue 11 and kernel/README.md "An upstream tree" give the
// full verify). Skipped unless KERNEL_SRC=DIR names an extracted tree (as for extract.test.ts): no kernel source is
// in this repository, and CI does not download one. How to get one: kernel/README.md.
import { describe, expect, it } from 'vitest';
import { buildKernelAddon, treeSpelling } from './build.ts';
import { loadCCatalogue } from './testing/cCatalogue.ts';
import { createKernelSut } from './cSut.ts';

const tree = process.env['KERNEL_SRC'];

describe.skipIf(tree === undefined || tree === '')('an upstream tree (KERNEL_SRC)', async () => {
  const root = tree ?? '';
  const { PROPERTIES, seed, narrowing } = await loadCCatalogue();
  const { verifyProperty } = await import('../properties/verify.ts');

  it('is of the v7.x spelling and compiles unchanged on every granule', () => {
    expect(treeSpelling(root).variants).toContain('v7.2-rc');
    for (const granule of ['4K', '16K', '64K'] as const) expect(buildKernelAddon(root, granule)).toMatch(/\.node$/);
  }, 600_000);

  const sut = createKernelSut(root);
  it.each(PROPERTIES.map((p) => [p.id, p] as const))(
    'passes %s',
    (_id, property) => {
      const r = verifyProperty(property, sut, { seed, runs: 2, narrowing });
      expect(r.status === 'pass' || r.status === 'no-input', `${property.id}: ${r.status}`).toBe(true);
    },
    600_000,
  );
});
