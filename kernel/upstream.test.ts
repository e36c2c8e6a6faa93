// An upstream kernel tree, unchanged, passes every property of the catalogue on the C SUT (a
// reduced budget; the closing note of issue 11 and kernel/README.md "An upstream tree" give the
// full verify). Skipped unless KERNEL_SRC=DIR names an extracted tree (as for extract.test.ts): no kernel source is
// in this repository, and CI does not download one. How to get one: kernel/README.md.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildKernelAddon, TREE_FILES, treeSpelling } from './build.ts';
import { loadCCatalogue } from './testing/cCatalogue.ts';
import { createKernelSut } from './cSut.ts';

const tree = process.env['KERNEL_SRC'];

/** A copy of the tree's three files with one text replacement (a bug put back into upstream's C). */
function mutated(root: string, file: (typeof TREE_FILES)[number], from: string, to: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'bbm-upstream-'));
  for (const f of TREE_FILES) {
    cpSync(join(root, f), join(copy, f), { recursive: true });
  }
  const text = readFileSync(join(copy, file), 'utf8');
  if (text.split(from).length !== 2) throw new Error(`${file}: the text to replace is not there exactly once: ${from}`);
  writeFileSync(join(copy, file), text.replace(from, to));
  return copy;
}

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

  // The properties are live on upstream's C, not only on the fixture: two bugs put back into it.
  it.each([
    {
      bug: 'split_pmd() links the new PTE table before the DSB that completes its stores (kernel invariant 12)',
      file: 'arch/arm64/mm/mmu.c' as const,
      from: '\tdsb(ishst);\n\t__pmd_populate(pmdp, pte_phys, tableprot);',
      to: '\t__pmd_populate(pmdp, pte_phys, tableprot);',
      killer: 'bbm.model-clean',
    },
    {
      bug: 'split_pmd() makes the pages of a present-invalid block valid (the split half of 15bfba1ad77f)',
      file: 'arch/arm64/mm/mmu.c' as const,
      from: '\tif (!pmd_valid(pmd))\n\t\tprot = pte_pgprot(pte_mkinvalid(pfn_pte(0, prot)));\n',
      to: '',
      killer: 'ops.answers-exact',
    },
  ])(
    'is killed with a bug put back: $bug',
    ({ file, from, to, killer }) => {
      const property = PROPERTIES.find((p) => p.id === killer);
      if (property === undefined) throw new Error(`no property ${killer}`);
      const r = verifyProperty(property, createKernelSut(mutated(root, file, from, to)), { seed, runs: 60, narrowing });
      expect(r.status).toBe('fail');
    },
    900_000,
  );
});
