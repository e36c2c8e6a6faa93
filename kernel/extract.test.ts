// Extraction by name (kernel/extract.ts): the top-level items of kernel-style C, the same-file
// closure of the names asked for, `#line` back into the file, and the loud report of a name the
// file does not define. A real tree is checked when KERNEL_SRC names one.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildKernelAddon, FIXTURE_TREE, KernelBuildError, ROOT_FUNCTIONS, SHIM_NAMES, V6_18_PATCH } from './build.ts';
import { extractByName, splitTopLevel } from './extract.ts';
import { applyPatches } from './patches.ts';

const SAMPLE = `// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>
#define NO_BLOCK_MAPPINGS\tBIT(0)
#define LONG_MACRO(x) \\
\tdo { (x)++; } while (0)

u64 kimage_voffset __ro_after_init;
static DEFINE_MUTEX(fixmap_lock);
static bool rodata_is_rw __ro_after_init = true;
struct page_change_data {
\tpgprot_t set_mask; /* { not a brace */
};
enum walk_kind { WALK_A = 1, WALK_B, };
static int helper(int (*fn)(int), const char *s);

static int __init helper(int (*fn)(int), const char *s)
{
\tif (s[0] == '{' || !strcmp(s, "}{"))
\t\treturn fn(NO_BLOCK_MAPPINGS);
\treturn 0;
}

#ifdef CONFIG_SOMETHING
static void unrelated(void) { LONG_MACRO(kimage_voffset); }
#endif

int entry(unsigned long a)
{
\tstruct page_change_data d = { .set_mask = __pgprot(0) };
\tmutex_lock(&fixmap_lock);
\ta = helper(NULL, "x") + WALK_B + rodata_is_rw;
\tmutex_unlock(&fixmap_lock);
\treturn a;
}
`;

describe('splitTopLevel', () => {
  it('names every top-level item of kernel-style C, comments and strings with braces included', () => {
    const items = splitTopLevel(SAMPLE).map((i) => [i.kind, i.name, i.line]);
    expect(items).toEqual([
      ['include', '', 2],
      ['define', 'NO_BLOCK_MAPPINGS', 3],
      ['define', 'LONG_MACRO', 4],
      ['declaration', 'kimage_voffset', 7],
      ['declaration', 'fixmap_lock', 8],
      ['declaration', 'rodata_is_rw', 9],
      ['declaration', 'page_change_data', 10],
      ['declaration', 'walk_kind', 13],
      ['declaration', 'helper', 14],
      ['function', 'helper', 16],
      ['conditional', '', 23],
      ['function', 'unrelated', 24],
      ['conditional', '', 25],
      ['function', 'entry', 27],
    ]);
    expect(splitTopLevel(SAMPLE).find((i) => i.name === 'walk_kind')?.aliases).toEqual(['WALK_A', 'WALK_B']);
  });
});

describe('extractByName', () => {
  it('takes the closure in file order, drops includes and what is not reached, #lines each item', () => {
    const e = extractByName(SAMPLE, 'arch/arm64/mm/x.c', ['entry'], ['rodata_is_rw']);
    expect(e.missing).toEqual([]);
    expect(e.items.map((i) => i.name)).toEqual([
      'NO_BLOCK_MAPPINGS',
      'fixmap_lock',
      'page_change_data',
      'walk_kind',
      'helper',
      'helper',
      'entry',
    ]);
    expect(e.source).not.toMatch(/#include|unrelated|kimage_voffset|rodata_is_rw __ro/);
    expect(e.source).toContain('#line 27 "arch/arm64/mm/x.c"\nint entry(unsigned long a)\n{');
    expect(e.source).toContain('#ifdef CONFIG_SOMETHING\n');
  });

  it('reports the names the file does not define', () => {
    expect(extractByName(SAMPLE, 'x.c', ['entry', 'split_pmd']).missing).toEqual(['split_pmd']);
  });

  it("on the fixture's mmu.c: the harness's roots and exactly the split, repaint and KFENCE paths", () => {
    const text = readFileSync(join(FIXTURE_TREE, 'arch/arm64/mm/mmu.c'), 'utf8');
    const e = extractByName(text, 'arch/arm64/mm/mmu.c', ROOT_FUNCTIONS, SHIM_NAMES);
    expect(e.missing).toEqual([]);
    expect(e.items.map((i) => i.name)).toEqual([
      'pgtable_split_lock',
      '__pgd_pgtable_alloc',
      'pgd_pgtable_alloc_init_mm_gfp',
      'split_contpte',
      'split_pmd',
      'split_contpmd',
      'split_pud',
      'split_kernel_leaf_mapping_locked',
      'split_kernel_leaf_mapping',
      'split_to_ptes_pud_entry',
      'split_to_ptes_pmd_entry',
      'split_to_ptes_pte_entry',
      'split_to_ptes_ops',
      'range_split_to_ptes',
      'linear_map_split_to_ptes',
      'force_pte_mapping',
      'arch_kfence_init_pool',
    ]);
  });
});

const KERNEL_SRC = process.env['KERNEL_SRC'];
describe('a real kernel tree (KERNEL_SRC)', () => {
  it.skipIf(KERNEL_SRC === undefined)(
    'names found in $KERNEL_SRC/arch/arm64/mm/mmu.c (skipped: no kernel tree)',
    () => {
      const file = join(KERNEL_SRC ?? '', 'arch/arm64/mm/mmu.c');
      expect(existsSync(file), `${file}: no such file`).toBe(true);
      const items = splitTopLevel(readFileSync(file, 'utf8'));
      expect(items.filter((i) => i.kind === 'function').length).toBeGreaterThan(20);
      // Every C item of a kernel file has a name: the scanner lost no item boundary.
      expect(items.filter((i) => i.name === '' && (i.kind === 'function' || i.kind === 'declaration'))).toEqual([]);
      const e = extractByName(readFileSync(file, 'utf8'), 'arch/arm64/mm/mmu.c', ROOT_FUNCTIONS, SHIM_NAMES);
      console.log(
        `names found: ${e.items.map((i) => `${i.name}:${i.line}`).join(' ')}; missing: ${e.missing.join(' ') || 'none'}`,
      );
    },
  );
});

describe('the names-found report (kernel/names.ts)', () => {
  it('lists what the fixture defines, the root marked', async () => {
    const { namesReport } = await import('./names.ts');
    const r = namesReport(FIXTURE_TREE);
    expect(r.ok).toBe(true);
    expect(r.lines[0]).toMatch(/^found {2}pgtable_split_lock +arch\/arm64\/mm\/mmu\.c:\d+ +declaration$/);
    expect(r.lines).toContainEqual(
      expect.stringMatching(/^found {2}walk_kernel_page_table_range_lockless +mm\/pagewalk\.c:\d+ +function \(root\)$/),
    );
    expect(r.lines).toContainEqual(expect.stringMatching(/^found {2}split_kernel_leaf_mapping +.*function \(root\)$/));
  });
  it('says which spelling a tree is, from the allocation helper its split path reaches', async () => {
    const { namesReport } = await import('./names.ts');
    expect(namesReport(FIXTURE_TREE).lines).toContain(
      'spelling: v7.x (pgd_pgtable_alloc_init_mm_gfp found): runs variants v7.2-rc, v7.1, v7.3, prealloc',
    );
    const v618 = applyPatches(FIXTURE_TREE, [V6_18_PATCH]);
    const r = namesReport(v618);
    expect(r.ok).toBe(true);
    expect(r.lines).toContain('spelling: v6.18 (try_pgd_pgtable_alloc_init_mm found): runs variants v6.18');
    expect(r.lines).toContainEqual(expect.stringMatching(/^found {2}split_leaf_mapping_possible +.*function$/));
  });
  it('refuses, in one line, a tree of no spelling it knows', async () => {
    const { namesReport } = await import('./names.ts');
    const tree = applyPatches(FIXTURE_TREE, []);
    const mmu = join(tree, 'arch/arm64/mm/mmu.c');
    writeFileSync(mmu, readFileSync(mmu, 'utf8').replaceAll('pgd_pgtable_alloc_init_mm_gfp', 'pgd_alloc_somehow'));
    expect(namesReport(tree)).toEqual({
      lines: [
        `names: ${mmu}: cannot tell the kernel's spelling: the split path reaches none of pgd_pgtable_alloc_init_mm_gfp (v7.x) or try_pgd_pgtable_alloc_init_mm (v6.18)`,
      ],
      ok: false,
    });
    expect(() => buildKernelAddon(tree, '4K')).toThrow(KernelBuildError);
  });
  it('says in one line what a tree lacks', async () => {
    const { namesReport } = await import('./names.ts');
    expect(namesReport('/nonexistent')).toEqual({
      lines: ['names: /nonexistent/arch/arm64/mm/mmu.c: no such file (is /nonexistent a tree?)'],
      ok: false,
    });
  });
});
