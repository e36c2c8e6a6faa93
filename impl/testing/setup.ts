/**
 * Test fixtures: configurations and memblock layouts for the three granules, and a helper that
 * builds a test machine plus a SUT and runs operations on a given CPU.
 *
 * Layer: impl/testing (harness support).
 */
import type {
  CpuId,
  CpuSpec,
  GranuleName,
  KernelOps,
  KGen,
  MemblockLayout,
  SutConfig,
  SutFactory,
} from '../contract.ts';
import { runToCompletion } from '../sched.ts';
import { createSut } from '../sut.ts';
import { MemoryMachine } from './memory-machine.ts';

/** A CPU with BBML2 and no conflict aborts (on the kernel's allow list). */
export const NOABORT = (id: CpuId): CpuSpec => ({ id, bbm: 2, noabort: true });
/** A CPU without BBML2-noabort. */
export const PLAIN = (id: CpuId): CpuSpec => ({ id, bbm: 0, noabort: false });

const G = 1n << 30n;
const M = 1n << 20n;

/**
 * A layout: one bank at 1 GiB of `size` bytes, the kernel image 2 MiB in (text 16 MiB,
 * init 2 MiB, data/bss 8 MiB), an optional KFENCE pool.
 * @param size - bank size
 * @param kfence_pool - PA of the KFENCE pool, if any
 * @returns the layout
 */
export function oneBank(size: bigint, kfence_pool?: bigint): MemblockLayout {
  const text = G + 2n * M;
  return {
    banks: [{ base: G, size }],
    kernel: { text, stext: text, init_begin: text + 16n * M, init_end: text + 18n * M, end: text + 26n * M },
    ...(kfence_pool === undefined ? {} : { kfence_pool }),
  };
}

/**
 * A configuration with defaults: v7.1, rodata=full, no debug_pagealloc, KFENCE off, not a realm,
 * CPU 0 with BBML2-noabort.
 * @param granule - the granule
 * @param over - fields to override
 * @returns the configuration
 */
export function makeConfig(granule: GranuleName, over: Partial<SutConfig> = {}): SutConfig {
  return {
    granule,
    variant: 'v7.2-rc',
    preempt_rt: false,
    rodata: 'full',
    debug_pagealloc: false,
    kfence: 'off',
    realm: false,
    memblock: oneBank(2n * G),
    cpus: [NOABORT(0)],
    ...over,
  };
}

/** A machine, a SUT on it, and a runner. */
export interface Fixture {
  readonly m: MemoryMachine;
  readonly ops: KernelOps;
  readonly cfg: SutConfig;
  /** Runs a kernel operation to completion on `cpu` (default 0). */
  run<T>(gen: KGen<T>, cpu?: CpuId): T;
}

/**
 * Builds a fixture.
 * @param cfg - the configuration
 * @param opts - machine options and the factory (default: the port)
 * @returns the fixture
 */
export function fixture(
  cfg: SutConfig,
  opts: { failAllocAt?: readonly number[]; factory?: SutFactory; online?: readonly CpuId[] } = {},
): Fixture {
  const m = new MemoryMachine({
    granule: cfg.granule,
    cpus: cfg.cpus,
    preempt_rt: cfg.preempt_rt,
    ...(opts.failAllocAt === undefined ? {} : { failAllocAt: opts.failAllocAt }),
    ...(opts.online === undefined ? {} : { online: opts.online }),
  });
  const ops = (opts.factory ?? createSut)(m, cfg);
  return { m, ops, cfg, run: (gen, cpu = 0) => runToCompletion(m, cpu, gen) };
}

/**
 * Boots: boot CPU, map_mem(), mem_init(), every other CPU of the configuration as an early
 * secondary, then setup_system_features().
 * @param f - the fixture
 */
export function bootAll(f: Fixture): void {
  f.run(f.ops.boot());
  f.run(f.ops.mem_init());
  for (const c of f.cfg.cpus.slice(1)) f.run(f.ops.secondary_start_kernel(), c.id);
  f.run(f.ops.setup_system_features());
}
