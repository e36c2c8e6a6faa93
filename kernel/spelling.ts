/**
 * Which kernel's spelling a tree's split path is written in. Upstream renamed what the split path
 * calls between v6.18 and v7.x (../shared/spec/kernel-split-repaint.md §3.1, §4): the allocation
 * helper `try_pgd_pgtable_alloc_init_mm(type, gfp)` with `enum pgtable_type` became
 * `pgd_pgtable_alloc_init_mm_gfp(level, gfp)` with `enum pgtable_level` (1b214452b6a7), lazy MMU
 * mode `arch_enter/arch_leave_lazy_mmu_mode()` became `lazy_mmu_mode_enable/disable()`, and the
 * split gate changed (f12b435de2f2). The shim provides both sets of names; this module tells from
 * the names a tree's extracted closure defines which spelling it is, so that the build selects the
 * matching shim glue and the C SUT runs the tree for the kernel variants it implements — or stops
 * with one loud error when it cannot tell, never guessing.
 *
 * Layer: kernel.
 */
import type { Variant } from '../impl/contract.ts';

/** A spelling the harness knows. */
export interface Spelling {
  /** `v6.18` or `v7.x`. */
  readonly name: string;
  /** Names whose definition in the closure of mmu.c's roots identifies the spelling. */
  readonly markers: readonly string[];
  /** The configuration variants (impl/contract.ts `Variant`) a tree of this spelling implements. */
  readonly variants: readonly Variant[];
  /** Extra compiler flags selecting the shim's glue for it (kernel/shim/bbm_kernel.h). */
  readonly cflags: readonly string[];
}

/** The v7.x split path (the fixture's own): v7.1's gate, as in v7.2-rc, v7.3 and prealloc. */
export const V7_SPELLING: Spelling = {
  name: 'v7.x',
  markers: ['pgd_pgtable_alloc_init_mm_gfp'],
  variants: ['v7.2-rc', 'v7.1', 'v7.3', 'prealloc'],
  cflags: [],
};

/** The v6.18 split path (kernel/spellings/v6.18.patch makes the fixture one). */
export const V6_18_SPELLING: Spelling = {
  name: 'v6.18',
  markers: ['try_pgd_pgtable_alloc_init_mm'],
  variants: ['v6.18'],
  cflags: ['-DBBM_SPELLING_V6_18'],
};

/** Every spelling, newest first. */
export const SPELLINGS: readonly Spelling[] = [V7_SPELLING, V6_18_SPELLING];

/** A tree whose spelling cannot be told (no marker, or markers of two spellings). */
export class SpellingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpellingError';
  }
}

/**
 * The spelling of a tree, from the names its mmu.c closure defines.
 * @param file - the file's path, for the error
 * @param defined - the names of the extracted closure (kernel/extract.ts items)
 * @returns the spelling
 * @throws SpellingError naming what was looked for
 */
export function spellingOf(file: string, defined: readonly string[]): Spelling {
  const found = SPELLINGS.filter((s) => s.markers.some((m) => defined.includes(m)));
  const only = found[0];
  if (found.length === 1 && only !== undefined) return only;
  const wanted = SPELLINGS.map((s) => `${s.markers.join('/')} (${s.name})`).join(' or ');
  throw new SpellingError(
    found.length === 0
      ? `${file}: cannot tell the kernel's spelling: the split path reaches none of ${wanted}`
      : `${file}: cannot tell the kernel's spelling: the split path reaches ${found.map((s) => s.markers.find((m) => defined.includes(m))).join(' and ')}, markers of ${found.map((s) => s.name).join(' and ')}`,
  );
}
