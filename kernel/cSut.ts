/**
 * The kernel's own C as a SUT: `split_kernel_leaf_mapping()` and everything it calls
 * (split_kernel_leaf_mapping_locked, split_pud, split_pmd, split_contpmd, split_contpte,
 * pgd_pgtable_alloc_init_mm_gfp, __pgd_pgtable_alloc) run as compiled C from a tree's
 * arch/arm64/mm/mmu.c — the project's fixture by default, `BBM_KERNEL_TREE` otherwise — and are
 * plugged in through the contract exactly like impl/alt/minimal-split.ts: the rest of the
 * kernel (boot's map_mem(), cpufeature, pageattr.c, the repaint) is the bundled port, whose
 * pageattr.c then calls the C split. Every C primitive is performed through `hw`, so every store
 * is a scheduling point and a trace event judged by the model; several CPUs run their own C
 * coroutines, interleaved at every primitive.
 *
 * Usage: `bbm-verify verify --sut kernel/cSut.ts --variant v7.1` (the fixture is the v7.x split;
 * a configuration of another kernel variant is refused).
 *
 * Layer: kernel (a SUT plug-in: imports impl/contract.ts and impl/sut.ts, never model/).
 */
import type { KernelOps, KGen, Primitives, SutConfig, SutFactory, Variant } from '../impl/contract.ts';
import { createPortSut } from '../impl/sut.ts';
import { buildKernelAddon, FIXTURE_TREE, loadKernelAddon } from './build.ts';
import { applyPatches } from './patches.ts';
import type { Handle, KernelAddon } from './harness/protocol.ts';
import { CONTEXTS, DSB_DOMAINS, GFPS, INVALID_PHYS_ADDR, Op, Query, Req } from './harness/protocol.ts';

/** The kernel variants whose split_kernel_leaf_mapping() is the fixture's (v7.x, f12b435de2f2). */
export const C_SPLIT_REFUSED_VARIANTS: readonly string[] = ['v6.18'];

/** The variants the fixture's split is (narrowing for properties run on the C SUT). */
export const C_SPLIT_VARIANTS = ['v7.1', 'prealloc'] as const satisfies readonly Variant[];

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

function query(q: number, config: SutConfig, base: KernelOps): bigint {
  const st = base.inspect();
  const b = (x: boolean): bigint => (x ? 1n : 0n);
  switch (q) {
    case Query.LINEAR_MAP_REQUIRES_BBML2:
      return b(st.linear_map_requires_bbml2);
    case Query.SYSTEM_SUPPORTS_BBML2_NOABORT:
      return b(st.system_supports_bbml2_noabort);
    case Query.CAPABILITIES_FINALIZED:
      return b(st.capabilities_finalized);
    case Query.PAGE_ALLOC_AVAILABLE:
      return b(st.page_alloc_available);
    case Query.KFENCE_POOL:
      return st.kfence_pool_va ?? 0n;
    case Query.DEBUG_PAGEALLOC:
      return b(config.debug_pagealloc);
    case Query.RODATA_FULL:
      return b(config.rodata === 'full' || config.rodata === 'on');
    case Query.REALM:
      return b(config.realm);
    case Query.KFENCE_LATE:
      return b(config.kfence === 'late' && !st.kfence_early_init);
    default:
      throw new Error(`kernel C harness: unknown query ${q}`);
  }
}

/**
 * Runs one kernel operation of the C on the current CPU: resumes its coroutine, performs each
 * request through `hw` (a scheduling point where the contract's primitive is one), and returns
 * the C function's return value. The coroutine is freed however the generator ends.
 * @param addon - the compiled harness
 * @param instance - this SUT's instance
 * @param hw - the primitives
 * @param answerQuery - answers a STUBBED-state query
 * @param op - the operation (`Op`)
 * @param a - first argument
 * @param b - second argument
 * @returns the operation's return value
 */
export function* runKernelOp(
  addon: KernelAddon,
  instance: Handle,
  hw: Primitives,
  answerQuery: (q: number) => bigint,
  op: number,
  a: bigint,
  b: bigint,
): KGen<number> {
  const task = addon.start(instance, op, hw.currentCpu(), a, b);
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
          answer = answerQuery(Number(x));
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

/**
 * A {@link SutFactory} whose split_kernel_leaf_mapping() is the C of a tree.
 * @param tree - a directory holding arch/arm64/mm/mmu.c
 * @param label - the name reported (default: `kernel-c`)
 * @returns the factory; it compiles the tree for a granule on first use (cached)
 */
export function createKernelSut(tree: string, label = 'kernel-c'): SutFactory {
  return (hw, config) => {
    if (C_SPLIT_REFUSED_VARIANTS.includes(config.variant))
      throw new Error(`${label}: the tree's split_kernel_leaf_mapping() is v7.x; variant ${config.variant} is refused`);
    const addon = loadKernelAddon(buildKernelAddon(tree, config.granule));
    const instance = addon.newInstance(physOffset(config), hw.rootTable());
    return createPortSut(
      hw,
      config,
      (base) => (start, end) =>
        runKernelOp(addon, instance, hw, (q) => query(q, config, base), Op.split_kernel_leaf_mapping, start, end),
      `${label}@${config.variant}`,
    );
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

/** The tree of {@link treeFromEnv} as a plug-in: `--sut kernel/cSut.ts`. */
export const createSut: SutFactory = (hw, config) => createKernelSut((envTree ??= treeFromEnv()))(hw, config);
export default createSut;
