/**
 * Compiles the kernel C harness: the harness (kernel/harness/bbm_harness.c), the shim
 * (kernel/shim/) and, from a tree's arch/arm64/mm/mmu.c, the functions the harness calls with
 * their same-file closure (kernel/extract.ts), into one Node-API addon per granule, with the
 * host's C compiler (`CC`, default gcc) against Node's own headers — no download, no node-gyp.
 * Builds are cached by a hash of every input (the extracted unit, the shim, flags, compiler), so a
 * run compiles at most once per tree and granule. The unit is `#line`d back into the tree's file,
 * so a compiler error points into it (`file:line`).
 *
 * Layer: kernel.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GranuleName } from '../impl/contract.ts';
import { extractByName } from './extract.ts';
import type { Extraction } from './extract.ts';
import type { KernelAddon } from './harness/protocol.ts';
import { spellingOf, SpellingError } from './spelling.ts';
import type { Spelling } from './spelling.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** The project's own fixture tree (same paths and names as the kernel's). */
export const FIXTURE_TREE = join(here, 'fixture');

/**
 * The patch that turns the fixture into the v6.18 spelling of the split path (kernel/spelling.ts);
 * `applyPatches(FIXTURE_TREE, [V6_18_PATCH])` is the v6.18 fixture tree.
 */
export const V6_18_PATCH = join(here, 'spellings', 'v6.18.patch');

/** The files of a tree the harness compiles, relative to the tree's root. */
export const TREE_FILES = ['arch/arm64/mm/mmu.c', 'arch/arm64/mm/pageattr.c', 'mm/pagewalk.c'] as const;

/** A file of {@link TREE_FILES}. */
export type TreeFile = (typeof TREE_FILES)[number];

/**
 * The names the harness needs from each file: the functions it calls (`enum bbm_op`, through the
 * glue below) and what one file calls in another; the rest of what runs is their closure.
 */
export const ROOTS: Readonly<Record<TreeFile, readonly string[]>> = {
  'arch/arm64/mm/mmu.c': ['split_kernel_leaf_mapping', 'linear_map_split_to_ptes', 'arch_kfence_init_pool'],
  'arch/arm64/mm/pageattr.c': [
    '__change_memory_common',
    'set_direct_map_invalid_noflush',
    'set_direct_map_default_noflush',
    'change_memory_common',
  ],
  'mm/pagewalk.c': ['walk_kernel_page_table_range_lockless'],
};

/** The functions the harness starts (mmu.c's roots). */
export const ROOT_FUNCTIONS: readonly string[] = ROOTS['arch/arm64/mm/mmu.c'];

/**
 * Glue generated after each file's extraction: a non-static entry per `enum bbm_op` (the kernel's
 * own functions may be static), with the harness's four-u64 signature. A `struct page *` is its
 * page's linear-map VA (the shim's DEVIATION), a `pgprot_t` its value.
 */
const GLUE: Readonly<Record<TreeFile, string>> = {
  'arch/arm64/mm/mmu.c': `#line 1 "<bbm-glue>"
int bbm_glue_split_kernel_leaf_mapping(u64 a, u64 b, u64 c, u64 d) { return split_kernel_leaf_mapping(a, b); }
int bbm_glue_linear_map_split_to_ptes(u64 a, u64 b, u64 c, u64 d) { return linear_map_split_to_ptes(NULL); }
int bbm_glue_arch_kfence_init_pool(u64 a, u64 b, u64 c, u64 d) { return arch_kfence_init_pool(); }
`,
  'arch/arm64/mm/pageattr.c': `#line 1 "<bbm-glue>"
int bbm_glue___change_memory_common(u64 a, u64 b, u64 c, u64 d) { return __change_memory_common(a, b, __pgprot(c), __pgprot(d)); }
int bbm_glue_set_direct_map_invalid_noflush(u64 a, u64 b, u64 c, u64 d) { return set_direct_map_invalid_noflush((struct page *)a); }
int bbm_glue_set_direct_map_default_noflush(u64 a, u64 b, u64 c, u64 d) { return set_direct_map_default_noflush((struct page *)a); }
int bbm_glue_change_memory_common(u64 a, u64 b, u64 c, u64 d) { return change_memory_common(a, (int)b, __pgprot(c), __pgprot(d)); }
`,
  'mm/pagewalk.c': '',
};

/**
 * Names the shim provides (STUBBED kernel state, or a CUSTOMISED primitive), never taken from the
 * tree even where its file defines them (kernel/shim/bbm_kernel.h, bbm_pgtable.h).
 */
export const SHIM_NAMES: readonly string[] = [
  'linear_map_requires_bbml2',
  'system_supports_bbml2_noabort',
  'system_capabilities_finalized',
  'page_alloc_available',
  'debug_pagealloc_enabled',
  'rodata_full',
  'is_realm_world',
  'arm64_kfence_can_set_direct_map',
  'is_kfence_address',
  'num_online_cpus',
  'init_mm',
  'swapper_pg_dir',
  'set_swapper_pgd',
  'lazy_mmu_mode_enable',
  'lazy_mmu_mode_disable',
  'arch_enter_lazy_mmu_mode',
  'arch_leave_lazy_mmu_mode',
  'idmap_kpti_bbml2_flag',
  'wait_linear_map_split_to_ptes',
  'flush_tlb_kernel_range',
  'cpu_supports_bbml2_noabort',
  'kfence_early_init',
];

/** A build that cannot be made: a missing tree file, compiler or header, or a compile error. */
export class KernelBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelBuildError';
  }
}

/**
 * GCC's ThreadSanitizer instrumentation without its runtime: a call before every plain load and
 * store, none at function entry and exit (kernel/harness/bbm_plain.c defines the calls).
 */
const PLAIN_LOAD_FLAGS: readonly string[] = ['-fsanitize=thread', '--param', 'tsan-instrument-func-entry-exit=0'];

const KCONFIG: Readonly<Record<GranuleName, string>> = {
  '4K': 'CONFIG_ARM64_4K_PAGES',
  '16K': 'CONFIG_ARM64_16K_PAGES',
  '64K': 'CONFIG_ARM64_64K_PAGES',
};

function nodeIncludeDir(): string {
  const candidates = [resolve(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'];
  const found = candidates.find((d) => existsSync(join(d, 'node_api.h')));
  if (found === undefined) throw new KernelBuildError(`node_api.h not found (looked in ${candidates.join(', ')})`);
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    });
}

function compilerVersion(cc: string): string {
  try {
    return execFileSync(cc, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    throw new KernelBuildError(`C compiler '${cc}' not found (set CC, or install gcc)`);
  }
}

/**
 * Extracts one file of a tree: the roots the harness needs from it with their same-file closure.
 * @param root - the tree's root
 * @param file - the file
 * @returns the extraction
 * @throws KernelBuildError when the file is missing or lacks a root
 */
function extractTreeFile(root: string, file: TreeFile): Extraction {
  const path = join(root, file);
  if (!existsSync(path)) throw new KernelBuildError(`${path}: no such file (is ${root} a tree?)`);
  const extraction = extractByName(readFileSync(path, 'utf8'), file, ROOTS[file], SHIM_NAMES);
  if (extraction.missing.length > 0)
    throw new KernelBuildError(
      `${path}: ${extraction.missing.join(', ')} not found (found: ${extraction.items.map((i) => i.name).join(', ') || 'nothing'})`,
    );
  return extraction;
}

/**
 * The kernel spelling of a tree's split path (kernel/spelling.ts), from what mmu.c's roots reach.
 * @param tree - the tree's root
 * @returns the spelling
 * @throws KernelBuildError when mmu.c is missing, lacks a root, or its spelling cannot be told
 */
export function treeSpelling(tree: string): Spelling {
  const root = resolve(tree);
  const extraction = extractTreeFile(root, 'arch/arm64/mm/mmu.c');
  try {
    return spellingOf(
      join(root, 'arch/arm64/mm/mmu.c'),
      extraction.items.map((i) => i.name),
    );
  } catch (e) {
    if (e instanceof SpellingError) throw new KernelBuildError(e.message);
    throw e;
  }
}

/**
 * Builds (or finds in the cache) the addon for a tree and granule.
 * @param tree - a directory holding arch/arm64/mm/mmu.c (the fixture, a patched copy, a kernel tree)
 * @param granule - the translation granule (the Kconfig page size)
 * @returns the path of the `.node` file
 * @throws KernelBuildError with the compiler's first error lines
 */
export function buildKernelAddon(tree: string, granule: GranuleName): string {
  const root = resolve(tree);
  for (const f of TREE_FILES)
    if (!existsSync(join(root, f))) throw new KernelBuildError(`${join(root, f)}: no such file (is ${root} a tree?)`);
  const spelling = treeSpelling(root);
  const cc = process.env['CC'] ?? 'gcc';
  const include = nodeIncludeDir();
  // The harness's own C, compiled without instrumentation (kernel/harness/bbm_plain.c).
  const harness = ['bbm_harness.c', 'bbm_plain.c'].map((f) => join(here, 'harness', f));
  // One unit per file (separate translation units, as in the kernel): the shim, then the named
  // functions and their closure, `#line`d back into the tree's file, then the file's glue.
  const units = TREE_FILES.map((file) => {
    const extraction = extractTreeFile(root, file);
    return `#include "bbm_shim.h"\n${extraction.source}${GLUE[file]}`;
  });
  const flags = [
    '-std=gnu11',
    '-O1',
    '-g',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-Wno-unused-parameter',
    '-Wno-unused-function',
    '-fno-strict-aliasing',
    '-fPIC',
    '-DNODE_GYP_MODULE_NAME=bbm_kernel',
    `-D${KCONFIG[granule]}`,
    ...spelling.cflags,
    `-I${include}`,
    `-I${join(here, 'shim')}`,
  ];
  // What every object depends on: the compiler, the flags and the shim's headers.
  const commonHash = createHash('sha256').update(compilerVersion(cc)).update(flags.join(' '));
  for (const f of filesUnder(join(here, 'shim'))) commonHash.update(f).update(readFileSync(f));
  const common = commonHash.digest('hex');
  const hash = createHash('sha256');
  hash.update(common).update(PLAIN_LOAD_FLAGS.join(' '));
  for (const u of units) hash.update(u);
  for (const f of harness) hash.update(f).update(readFileSync(f));
  const key = hash.digest('hex').slice(0, 16);
  const cacheDir = join(here, '..', 'node_modules', '.cache', 'bbm-kernel');
  const out = join(cacheDir, `kernel-${granule}-${key}.node`);
  if (existsSync(out)) return out;
  mkdirSync(cacheDir, { recursive: true });
  const unitFiles = units.map((u, i) => {
    const f = join(cacheDir, `unit-${key}-${i}.${process.pid}.c`);
    writeFileSync(f, u);
    return f;
  });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    // Compiled from the tree's root: `#line` names arch/arm64/mm/mmu.c, so do __FILE__ and the
    // compiler's errors.
    // The tree's units with GCC's ThreadSanitizer instrumentation, so that a plain load of a table
    // entry calls the harness (bbm_plain.c, its whole runtime: libtsan is not linked); the harness
    // without; then one shared object (Node-API's symbols resolve when Node loads it).
    // Each object is cached too, keyed by what goes into it (compiler, flags, the shim, its own
    // source): a patch to one file compiles that file's unit and links; the harness and the other
    // units are compiled once per granule and spelling for every tree and every test file.
    const objects = [...harness, ...unitFiles].map((f, i) => {
      const instrument = i < harness.length ? [] : PLAIN_LOAD_FLAGS;
      const object = join(cacheDir, `object-${granule}-${objectKey(common, instrument, readFileSync(f))}.o`);
      if (existsSync(object)) return object;
      const partial = `${object}.${process.pid}.tmp`;
      try {
        execFileSync(cc, [...flags, ...instrument, '-c', f, '-o', partial], {
          cwd: root,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        renameSync(partial, object);
      } finally {
        rmSync(partial, { force: true });
      }
      return object;
    });
    execFileSync(cc, ['-shared', ...objects, '-o', tmp], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '');
    const errors = stderr.split('\n').filter((l) => /error|undefined reference/.test(l));
    // The first error on the one line; every error in a log beside the cache, for a tree that
    // needs more than one shim name at once.
    const log = join(cacheDir, `compile-${granule}-${key}.log`);
    writeFileSync(log, stderr);
    const more = errors.length > 1 ? ` (${errors.length} errors in all: ${log})` : '';
    throw new KernelBuildError(`${root}: compile failed (${granule}): ${(errors[0] ?? stderr.trim()).trim()}${more}`);
  } finally {
    for (const f of unitFiles) rmSync(f, { force: true });
  }
  renameSync(tmp, out);
  return out;
}

/**
 * The cache key of one object file.
 * @param common - the hash of the compiler, flags and shim
 * @param instrument - the extra flags of this object
 * @param source - its source
 * @returns 16 hex digits
 */
function objectKey(common: string, instrument: readonly string[], source: Buffer): string {
  return createHash('sha256').update(common).update(instrument.join(' ')).update(source).digest('hex').slice(0, 16);
}

const loaded = new Map<string, KernelAddon>();

/**
 * Loads a built addon (once per path and process).
 * @param path - the `.node` file
 * @returns its Node-API surface
 */
export function loadKernelAddon(path: string): KernelAddon {
  let addon = loaded.get(path);
  if (addon === undefined) {
    addon = createRequire(import.meta.url)(path) as KernelAddon;
    loaded.set(path, addon);
  }
  return addon;
}
