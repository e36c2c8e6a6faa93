/**
 * The kernel's own C as a SUT: `split_kernel_leaf_mapping()`, the stop_machine() callback of
 * the repaint, `linear_map_split_to_ptes()`, `arch_kfence_init_pool()` and pageattr.c's
 * `change_memory_common()` (vmalloc areas and their linear alias; the areas themselves are the
 * port's, asked for by the shim's find_vm_area()), `__change_memory_common()` and
 * `set_direct_map_{invalid,default}_noflush()`, with everything
 * they call (the split helpers, range_split_to_ptes() and its walk callbacks, the pageattr walk
 * callbacks, mm/pagewalk.c's walker) run as compiled C from a tree — the project's fixture by
 * default, `BBM_KERNEL_TREE` otherwise — in place of the bundled port's functions of the same
 * names (the port's function table, impl/CONTRACT.md §5): the rest of the kernel (boot's
 * map_mem(), cpufeature, vmalloc and the one-line set_memory_*() wrappers, stop_machine()
 * itself, the ID-map assembly of proc.S) is the port, whose set_memory_*() then call the C and
 * whose setup_system_features() runs the C callback on every CPU. Every C primitive is performed
 * through `hw`, so every store is a scheduling point and a trace event judged by the model;
 * several CPUs run their own C coroutines, interleaved at every primitive.
 *
 * Usage: `bbm-verify verify --sut kernel/cSut.ts --variant v7.2-rc`. A tree runs for the variants
 * of its spelling (kernel/spelling.ts): a v7.x tree (the fixture) for v7.2-rc, v7.1, v7.3 and
 * prealloc, a v6.18 tree (the fixture with kernel/spellings/v6.18.patch) for v6.18; a
 * configuration of another variant is refused with one error.
 *
 * DEVIATION: in the `prealloc` variant the repaint stays the port's (the fixture is upstream's,
 * which allocates inside stop_machine()).
 *
 * Layer: kernel (a SUT plug-in: imports impl/, never model/).
 */
import type { AllocContext, KGen, Primitives, SutConfig, SutFactory, Variant } from '../impl/contract.ts';
import type { Kern, KernelFns } from '../impl/kernel.ts';
import { __phys_to_virt } from '../impl/kernel.ts';
import {
  cpu_supports_bbml2_noabort,
  system_capabilities_finalized,
  system_supports_bbml2_noabort,
} from '../impl/cpufeature.ts';
import { find_vm_area } from '../impl/pageattr.ts';
import { cpu_install_idmap, cpu_uninstall_idmap, wait_linear_map_split_to_ptes } from '../impl/proc.ts';
import { createPortSut } from '../impl/sut.ts';
import { buildKernelAddon, FIXTURE_TREE, loadKernelAddon, treeSpelling } from './build.ts';
import { applyPatches } from './patches.ts';
import type { Handle, KernelAddon } from './harness/protocol.ts';
import {
  CONTEXTS,
  DSB_DOMAINS,
  GFPS,
  INVALID_PHYS_ADDR,
  Op,
  Query,
  Req,
  TLBI_KINDS,
  VmField,
} from './harness/protocol.ts';
import type { Spelling } from './spelling.ts';
import { V6_18_SPELLING, V7_SPELLING } from './spelling.ts';

/** The variants the fixture's split is (narrowing for properties run on the C SUT). */
export const C_SPLIT_VARIANTS: readonly Variant[] = V7_SPELLING.variants;

/**
 * The variants in which the fixture's repaint (`linear_map_split_to_ptes()` and its callbacks) is
 * the C: every split variant but `prealloc`, whose repaint stays the port's (the DEVIATION above).
 * A patch to the repaint is judged there, where the C it changes runs (kernel/patchesRepaint.test.ts).
 */
export const C_REPAINT_VARIANTS: readonly Variant[] = C_SPLIT_VARIANTS.filter((v) => v !== 'prealloc');

/** The variants the fixture with kernel/spellings/v6.18.patch applied is. */
export const C_SPLIT_VARIANTS_V6_18: readonly Variant[] = V6_18_SPELLING.variants;

function pick<T>(list: readonly T[], index: bigint, what: string): T {
  const v = list[Number(index)];
  if (v === undefined) throw new Error(`kernel C harness: unknown ${what} ${index}`);
  return v;
}

/** `memstart_addr` as the port computes it (impl/kernel.ts createKern; CONTRACT.md §2). */
function physOffset(config: SutConfig): bigint {
  const first = config.memblock.banks[0]?.base ?? 0n;
  const align = config.granule === '64K' ? 1n << 29n : 1n << 30n;
  return first & ~(align - 1n);
}

/**
 * Answers a STUBBED-state query from the port's kernel state, as its own functions read it
 * (impl/kernel.ts `KernelState`, impl/cpufeature.ts).
 * @param q - the query (`Query`)
 * @param k - the port's kernel context
 * @returns the value
 */
function query(q: number, k: Kern): bigint {
  const b = (x: boolean): bigint => (x ? 1n : 0n);
  switch (q) {
    case Query.LINEAR_MAP_REQUIRES_BBML2:
      return b(k.s.linear_map_requires_bbml2);
    case Query.SYSTEM_SUPPORTS_BBML2_NOABORT:
      return b(system_supports_bbml2_noabort(k));
    case Query.CAPABILITIES_FINALIZED:
      return b(system_capabilities_finalized(k));
    case Query.PAGE_ALLOC_AVAILABLE:
      return b(k.s.page_alloc_available);
    case Query.KFENCE_POOL:
      return k.s.__kfence_pool ?? 0n;
    case Query.DEBUG_PAGEALLOC:
      return b(k.cfg.debug_pagealloc);
    case Query.RODATA_FULL:
      return b(k.s.rodata_full);
    case Query.REALM:
      return b(k.cfg.realm);
    case Query.KFENCE_LATE:
      return b(k.s.kfence_enabled && !k.s.kfence_early_init);
    case Query.CPU_SUPPORTS_BBML2_NOABORT:
      return b(cpu_supports_bbml2_noabort(k));
    case Query.KFENCE_EARLY_INIT:
      return b(k.s.kfence_early_init);
    default:
      throw new Error(`kernel C harness: unknown query ${q}`);
  }
}

/** What a C request needs from the rest of the SUT (the port's state and its assembly). */
export interface KernelHost {
  /** A STUBBED-state query (`Query`). */
  query(q: number): bigint;
  /** The PA of a kernel image symbol (`_stext`, `__init_begin`). */
  symbol(name: string): bigint;
  /** `idmap_kpti_bbml2_flag`. */
  flag: bigint;
  /** cpu_install_idmap(), cpu_uninstall_idmap(), wait_linear_map_split_to_ptes() of the port. */
  idmap(which: 'install' | 'uninstall' | 'wait'): KGen<void>;
  /** A field (`VmField`) of the port's vmalloc area holding `va`, or `INVALID_PHYS_ADDR` for none. */
  vmArea(va: bigint, field: number): bigint;
}

/**
 * Runs one kernel operation of the C on the current CPU: resumes its coroutine, performs each
 * request through `hw` (a scheduling point where the contract's primitive is one), and returns
 * the C function's return value. The coroutine is freed however the generator ends.
 * @param addon - the compiled harness
 * @param instance - this SUT's instance
 * @param hw - the primitives
 * @param host - the port's side of the requests that are not primitives
 * @param op - the operation (`Op`)
 * @param args - its arguments (up to four; the rest are 0)
 * @param context - the calling context its allocations report
 * @returns the operation's return value
 */
export function* runKernelOp(
  addon: KernelAddon,
  instance: Handle,
  hw: Primitives,
  host: KernelHost,
  op: number,
  args: readonly bigint[],
  context: AllocContext,
): KGen<number> {
  if (args.length > 4) throw new Error(`kernel C harness: operation ${op} given ${args.length} arguments (at most 4)`);
  const argv = new BigUint64Array(4);
  args.forEach((v, i) => (argv[i] = v));
  const task = addon.start(instance, op, hw.currentCpu(), argv, CONTEXTS.indexOf(context));
  const out = new BigUint64Array(3);
  let answer = 0n;
  try {
    for (;;) {
      const kind = addon.resume(task, answer, out);
      const x = out[0] ?? 0n;
      const y = out[1] ?? 0n;
      answer = 0n;
      switch (kind) {
        case Req.DONE:
          return Number(BigInt.asIntN(64, x));
        case Req.READ:
          answer = yield* hw.readDesc(x);
          break;
        case Req.WRITE:
          yield* hw.writeDesc(x, y);
          break;
        case Req.DSB:
          yield* hw.dsb(pick(DSB_DOMAINS, x, 'DSB domain'));
          break;
        case Req.ISB:
          yield* hw.isb();
          break;
        case Req.ALLOC: {
          const pa = yield* hw.allocTable(Number(x), pick(GFPS, y, 'gfp'), pick(CONTEXTS, out[2] ?? 0n, 'context'));
          answer = pa ?? INVALID_PHYS_ADDR;
          break;
        }
        case Req.FREE:
          yield* hw.freeTable(x);
          break;
        case Req.LOCK:
          yield* hw.lock(addon.message(task));
          break;
        case Req.UNLOCK:
          yield* hw.unlock(addon.message(task));
          break;
        case Req.LAZY_ENTER:
          hw.lazyMmuEnter();
          break;
        case Req.LAZY_LEAVE:
          hw.lazyMmuLeave();
          break;
        case Req.CPU:
          answer = BigInt(hw.currentCpu());
          break;
        case Req.ONLINE:
          answer = BigInt(hw.onlineCpus().length);
          break;
        case Req.QUERY:
          answer = host.query(Number(x));
          break;
        case Req.VM_AREA:
          answer = host.vmArea(x, Number(y));
          break;
        case Req.TLBI: {
          const kind = pick(TLBI_KINDS, x, 'TLBI');
          if (kind.startsWith('vmalle1')) yield* hw.tlbi(kind);
          else if (kind.startsWith('r')) yield* hw.tlbi(kind, y, out[2] ?? 0n);
          else yield* hw.tlbi(kind, y);
          break;
        }
        case Req.RELAX:
          yield* hw.cpuRelax();
          break;
        case Req.PANIC:
          return hw.panic(addon.message(task));
        case Req.SYMBOL:
          answer = host.symbol(addon.message(task));
          break;
        case Req.FLAG_GET:
          answer = host.flag;
          break;
        case Req.FLAG_SET:
          host.flag = x;
          break;
        case Req.IDMAP_INSTALL:
          yield* host.idmap('install');
          break;
        case Req.IDMAP_UNINSTALL:
          yield* host.idmap('uninstall');
          break;
        case Req.IDMAP_WAIT:
          yield* host.idmap('wait');
          break;
        case Req.WARN:
          hw.warn(addon.message(task));
          break;
        case Req.BUG:
          return hw.bug(addon.message(task));
        default:
          throw new Error(`kernel C harness: unknown request ${kind}`);
      }
    }
  } finally {
    addon.destroy(task);
  }
}

function symbolPa(config: SutConfig, name: string): bigint {
  const k = config.memblock.kernel;
  if (name === '_stext') return k.stext;
  if (name === '__init_begin') return k.init_begin;
  if (name === '_text') return k.text;
  if (name === '__init_end') return k.init_end;
  if (name === '_end') return k.end;
  throw new Error(`kernel C harness: unknown kernel image symbol ${name}`);
}

/** The host side of a run: the port's state and assembly, reached through its context. */
function hostOf(k: Kern, config: SutConfig): KernelHost {
  return {
    query: (q) => query(q, k),
    symbol: (name) => symbolPa(config, name),
    get flag() {
      return BigInt(k.s.idmap_kpti_bbml2_flag);
    },
    set flag(v: bigint) {
      k.s.idmap_kpti_bbml2_flag = Number(v);
    },
    idmap: (which) =>
      which === 'install'
        ? cpu_install_idmap(k)
        : which === 'uninstall'
          ? cpu_uninstall_idmap(k)
          : wait_linear_map_split_to_ptes(k),
    vmArea: (va, field) => vmAreaField(k, va, field),
  };
}

/**
 * What the C's find_vm_area() asks of the port's areas (kernel/shim/bbm_kernel.h): a page as its
 * linear-map VA, the shim's `struct page *`.
 * @param k - the port's kernel context
 * @param va - a VA
 * @param field - a `VmField` (PAGE + i for the i-th page)
 * @returns the field, or INVALID_PHYS_ADDR when no area holds `va`
 * @throws Error for a page index past the area's pages (a harness bug, not a finding)
 */
function vmAreaField(k: Kern, va: bigint, field: number): bigint {
  const area = find_vm_area(k, va);
  if (area === undefined) return INVALID_PHYS_ADDR;
  switch (field) {
    case VmField.ADDR:
      return area.addr;
    case VmField.SIZE:
      return area.size;
    case VmField.FLAGS:
      return BigInt(area.flags);
    case VmField.NR_PAGES:
      return BigInt(area.pages.length);
  }
  const page = area.pages[field - VmField.PAGE];
  if (page === undefined) throw new Error(`kernel C harness: find_vm_area() asked for page ${field - VmField.PAGE}`);
  return __phys_to_virt(k, page);
}

/**
 * A {@link SutFactory} whose split_kernel_leaf_mapping() and linear_map_split_to_ptes() are the
 * C of a tree.
 * @param tree - a directory holding arch/arm64/mm/mmu.c and mm/pagewalk.c
 * @param label - the name reported (default: `kernel-c`)
 * @returns the factory; it compiles the tree for a granule on first use (cached)
 */
export function createKernelSut(tree: string, label = 'kernel-c'): SutFactory {
  let spelling: Spelling | undefined;
  return (hw, config) => {
    spelling ??= treeSpelling(tree);
    if (!spelling.variants.includes(config.variant))
      throw new Error(
        `${label}: the tree's split path is spelled ${spelling.name} (variants ${spelling.variants.join(', ')}); variant ${config.variant} is refused`,
      );
    const addon = loadKernelAddon(buildKernelAddon(tree, config.granule));
    const instance = addon.newInstance(physOffset(config), hw.rootTable());
    const fns: Partial<KernelFns> = {
      split_kernel_leaf_mapping: (k, start, end) =>
        runKernelOp(addon, instance, hw, hostOf(k, config), Op.split_kernel_leaf_mapping, [start, end], 'process'),
    };
    // The port's arch_kfence_init_pool() wrapper sets __kfence_pool first; with none (kfence
    // off, or the pool could not be had) there is nothing to map, as in the port.
    fns.arch_kfence_init_pool = function* (k) {
      if (k.s.__kfence_pool === null) return false;
      return (
        (yield* runKernelOp(addon, instance, hw, hostOf(k, config), Op.arch_kfence_init_pool, [0n, 0n], 'process')) !==
        0
      );
    };
    // pageattr.c's permission path: set_memory_*() (through the port's change_memory_common()),
    // set_memory_valid() and the set_direct_map_*() family reach the C. A page is passed as its
    // linear-map VA (the shim's `struct page *`).
    fns.__change_memory_common = (k, start, size, set, clear) =>
      runKernelOp(
        addon,
        instance,
        hw,
        hostOf(k, config),
        Op.__change_memory_common,
        [start, size, set, clear],
        'process',
      );
    fns.set_direct_map_invalid_noflush = (k, page) =>
      runKernelOp(
        addon,
        instance,
        hw,
        hostOf(k, config),
        Op.set_direct_map_invalid_noflush,
        [__phys_to_virt(k, page)],
        'process',
      );
    fns.set_direct_map_default_noflush = (k, page) =>
      runKernelOp(
        addon,
        instance,
        hw,
        hostOf(k, config),
        Op.set_direct_map_default_noflush,
        [__phys_to_virt(k, page)],
        'process',
      );
    fns.change_memory_common = (k, addr, numpages, set, clear) =>
      runKernelOp(
        addon,
        instance,
        hw,
        hostOf(k, config),
        Op.change_memory_common,
        [addr, BigInt(numpages), set, clear],
        'process',
      );
    if (config.variant !== 'prealloc')
      fns.linear_map_split_to_ptes = (k) =>
        runKernelOp(addon, instance, hw, hostOf(k, config), Op.linear_map_split_to_ptes, [0n, 0n], 'stopped');
    return createPortSut(hw, config, fns, `${label}@${config.variant}`);
  };
}

/**
 * The tree a plug-in run checks: `BBM_KERNEL_TREE` (default: the fixture), with the patches of
 * `BBM_KERNEL_PATCH` (comma-separated files) applied to a temporary copy.
 * @param env - the environment
 * @returns the tree's root
 */
export function treeFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const tree = env['BBM_KERNEL_TREE'] ?? FIXTURE_TREE;
  const patches = (env['BBM_KERNEL_PATCH'] ?? '').split(',').filter((p) => p !== '');
  return patches.length === 0 ? tree : applyPatches(tree, patches);
}

let envTree: string | undefined;

/**
 * What this plug-in checks is chosen by the environment (the tree and its patches): verify's replay
 * commands set these again (impl/CONTRACT.md §1), so that a replay runs the same C.
 */
export const replayEnv: readonly string[] = ['BBM_KERNEL_TREE', 'BBM_KERNEL_PATCH'];

/** The tree of {@link treeFromEnv} as a plug-in: `--sut kernel/cSut.ts`. */
export const createSut: SutFactory = (hw, config) => createKernelSut((envTree ??= treeFromEnv()))(hw, config);
export default createSut;
