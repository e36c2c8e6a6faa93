// The kernel C harness's own failure modes, each one clear line: a tree without the file, a compile
// error pointing into the tree, a patch that does not apply, a BUG in the C (the task dies with
// the function and line), and a fault in the C (the child process dies; `verify` reports it as a
// finding on the property and goes on).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KernelBug } from '../impl/contract.ts';
import { bootAll, fixture, makeConfig } from '../impl/testing/setup.ts';
import { buildKernelAddon, FIXTURE_TREE, KernelBuildError } from './build.ts';
import { createKernelSut } from './cSut.ts';
import { applyPatches, PatchError } from './patches.ts';

const MMU_C = 'arch/arm64/mm/mmu.c';
const PAGE_OFFSET = 0xffff000000000000n;

/** `bbm-verify verify` of split.boundaries-exact against a tree, in a child process. */
function verifyC(tree: string, extra: readonly string[]) {
  return spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'cli/main.ts',
      'verify',
      '--sut',
      'kernel/cSut.ts',
      '--only',
      'split.boundaries-exact',
      '--variant',
      'v7.2-rc',
      '--granule',
      '4K',
      '--runs',
      '20',
      '--no-corpus',
      '--progress',
      'off',
      ...extra,
    ],
    { encoding: 'utf8', env: { ...process.env, BBM_KERNEL_TREE: tree, BBM_KERNEL_PATCH: '' }, timeout: 240_000 },
  );
}

/** A copy of the fixture with one text replacement in mmu.c. */
function editedTree(from: string, to: string): string {
  const tree = mkdtempSync(join(tmpdir(), 'bbm-tree-test-'));
  cpSync(FIXTURE_TREE, tree, { recursive: true });
  const file = join(tree, MMU_C);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture text not found: ${from}`);
  writeFileSync(file, text.replace(from, to));
  return tree;
}

/**
 * What one split of [2M+4K, 2M+8K) on a booted 4K fixture of the tree throws (split_pmd() of the
 * PMD block, then split_contpte() of its 64K group). Once only: a dead task keeps
 * pgtable_split_lock, as in the kernel.
 */
function splitOnceThrows(tree: string): unknown {
  const f = fixture(makeConfig('4K'), { factory: createKernelSut(tree) });
  bootAll(f);
  try {
    f.run(f.ops.split_kernel_leaf_mapping(PAGE_OFFSET + 0x201000n, PAGE_OFFSET + 0x202000n));
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('kernel C harness: bad trees and patches', () => {
  it('a folder without arch/arm64/mm/mmu.c is refused by name', () => {
    const empty = mkdtempSync(join(tmpdir(), 'bbm-empty-'));
    expect(() => buildKernelAddon(empty, '4K')).toThrow(KernelBuildError);
    expect(() => buildKernelAddon(empty, '4K')).toThrow(/arch\/arm64\/mm\/mmu\.c: no such file \(is .* a tree\?\)/);
  });

  it("a compile error names the tree's file and line", () => {
    const tree = editedTree('\tdsb(ishst);\n\t__pmd_populate', '\tdsb(ishst)\n\t__pmd_populate');
    expect(() => buildKernelAddon(tree, '16K')).toThrow(
      /compile failed \(16K\): arch\/arm64\/mm\/mmu\.c:\d+:\d+: error: /,
    );
  });

  it('a patch that does not apply is refused with its name, the tree and git’s reason', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'bbm-patch-')), 'bad.patch');
    writeFileSync(
      bad,
      `--- a/${MMU_C}\n+++ b/${MMU_C}\n@@ -1,1 +1,1 @@\n-this line is not in the fixture\n+neither is this\n`,
    );
    expect(() => applyPatches(FIXTURE_TREE, [bad])).toThrow(PatchError);
    expect(() => applyPatches(FIXTURE_TREE, [bad])).toThrow(/bad\.patch: does not apply to .*fixture: error: /);
    expect(() => applyPatches(FIXTURE_TREE, ['/nonexistent.patch'])).toThrow(/no such patch file/);
  });
});

describe('kernel C harness: the C misbehaves', () => {
  it('a BUG_ON in the C ends the task as a KernelBug naming the function and line', () => {
    const tree = editedTree(
      '\tpte_phys = pgd_pgtable_alloc_init_mm_gfp(PGTABLE_LEVEL_PTE, gfp);',
      '\tBUG_ON(to_cont);\n\tpte_phys = pgd_pgtable_alloc_init_mm_gfp(PGTABLE_LEVEL_PTE, gfp);',
    );
    const thrown = splitOnceThrows(tree);
    expect(thrown).toBeInstanceOf(KernelBug);
    expect((thrown as Error).message).toMatch(/^split_pmd: BUG_ON\(to_cont\) at arch\/arm64\/mm\/mmu\.c:\d+$/);
  });

  it('an endless loop in the C (no primitive in it) is a finding at the run deadline, with its replay', () => {
    const tree = editedTree(
      '\tfor (i = 0; i < CONT_PTES; i++, ptep++)',
      '\tfor (;;)\n\t\t;\n\tfor (i = 0; i < CONT_PTES; i++, ptep++)',
    );
    // Built here first (the child finds it in the cache): the 5 s limit is the run's, and loading
    // the module (compiling the C) must not spend it.
    buildKernelAddon(tree, '4K');
    const r = verifyC(tree, ['--run-timeout', '5s']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL +split\.boundaries-exact/);
    expect(r.stdout).toMatch(/timeout: the SUT did not return within 5 s \(--run-timeout\), in run \d+/);
    expect(r.stdout).toMatch(/during split_kernel_leaf_mapping\(0x[0-9a-f]+, 0x[0-9a-f]+\)/);
    expect(r.stdout).toMatch(
      /replay: BBM_KERNEL_TREE=\S+ npx bbm-verify verify --only split\.boundaries-exact --seed \d+ --path \S+/,
    );
  }, 300_000);

  it('a plain load of a table entry is a harness read: the C that uses one passes as with READ_ONCE', () => {
    // mm/pagewalk.c upstream tests `pmd_none(*pmd)` with plain loads (kernel/harness/bbm_plain.c).
    const tree = editedTree(
      '\tfor (i = 0; i < CONT_PTES; i++, ptep++)',
      '\tif (!pte_valid(*ptep) && pte_val(*(ptep + 1)) == 0xdeadUL)\n\t\tBUG();\n\tfor (i = 0; i < CONT_PTES; i++, ptep++)',
    );
    const r = verifyC(tree, []);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/pass +split\.boundaries-exact +20 runs/);
  }, 300_000);

  it('a plain load reads what the model holds: a plain-load copy of split_contpte() sees its own stores', () => {
    // The value of a plain load comes from the harness, not from the mirror's own memory: the
    // group's first entry is read CONT before the loop, and each entry non-CONT right after the C
    // cleared it with a store accessor (either BUG fails the property).
    const tree = editedTree(
      '\tfor (i = 0; i < CONT_PTES; i++, ptep++)',
      '\tBUG_ON(!pte_cont(*ptep));\n\tfor (i = 0; i < CONT_PTES; i++, ptep++) {\n\t\t__set_pte(ptep, pte_mknoncont(__ptep_get(ptep)));\n\t\tBUG_ON(pte_cont(*ptep));\n\t}\n\tptep -= CONT_PTES;\n\tfor (i = 0; i < CONT_PTES; i++, ptep++)',
    );
    const r = verifyC(tree, []);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 300_000);

  it('a plain store to a table entry is a BUG naming its PA (the model would not see it)', () => {
    const tree = editedTree(
      '\tfor (i = 0; i < CONT_PTES; i++, ptep++)',
      '\t*ptep = __ptep_get(ptep);\n\tfor (i = 0; i < CONT_PTES; i++, ptep++)',
    );
    const thrown = splitOnceThrows(tree);
    expect(thrown).toBeInstanceOf(KernelBug);
    expect((thrown as Error).message).toMatch(/^bbm harness: plain 8-byte store to the table entry at PA 0x[0-9a-f]+ /);
  });

  it('a fault in the C kills the child process; verify reports the crash as a finding', () => {
    const tree = editedTree(
      '\tfor (i = 0; i < CONT_PTES; i++, ptep++)',
      '\t*(volatile unsigned long *)8 = 0;\n\tfor (i = 0; i < CONT_PTES; i++, ptep++)',
    );
    const r = verifyC(tree, []);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/split\.boundaries-exact/);
    expect(r.stdout).toMatch(/killed by SIGSEGV/);
  }, 300_000);
});
