/**
 * Kernel operations as generated data: what to call and with which picks. Picks are resolved
 * against the booted machine (buddy pages, mapped runs), so that shrinking keeps them
 * meaningful. The commands of properties/commands/ run them on a CPU, alone or interleaved.
 *
 * Layer: properties/ops.
 */
import fc from 'fast-check';
import type { CpuId, KGen, SutConfig } from '../../impl/index.ts';
import type { JudgedRun } from '../harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START } from '../harness/leaves.ts';
import { canSetDirectMap, kfenceLateInitReachable } from '../kernel/gates.ts';
import type { BootPhase } from '../kernel/phase.ts';

/** One operation. */
export type Op =
  | { readonly kind: 'split'; readonly run: number; readonly at: number; readonly pages: number }
  | { readonly kind: 'set_memory'; readonly which: 'ro' | 'rw' | 'nx' | 'x'; readonly pages: readonly number[] }
  | { readonly kind: 'set_memory_valid'; readonly page: number; readonly n: number; readonly enable: boolean }
  | { readonly kind: 'direct_map'; readonly which: 'invalid' | 'default' | 'valid'; readonly page: number }
  | { readonly kind: 'kfence_late' };

const pick = fc.integer({ min: 0, max: 9999 });

/** The operation arbitrary. */
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('split' as const),
    run: fc.nat(),
    at: fc.integer({ min: 0, max: 999 }),
    pages: fc.integer({ min: 1, max: 64 }),
  }),
  fc.record({
    kind: fc.constant('set_memory' as const),
    which: fc.constantFrom('ro', 'rw', 'nx', 'x'),
    pages: fc.array(pick, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('set_memory_valid' as const),
    page: pick,
    n: fc.integer({ min: 1, max: 4 }),
    enable: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('direct_map' as const),
    which: fc.constantFrom('invalid', 'default', 'valid'),
    page: pick,
  }),
  fc.constant({ kind: 'kfence_late' as const }),
);

/**
 * Whether the kernel can make this call in this phase: the suite generates only sequences the
 * kernel can produce.
 * - `set_memory_*()` work on vmalloc areas: vmalloc exists only after `mem_init()`
 *   (mm/mm_init.c mm_core_init(): mem_init() before vmalloc_init()).
 * - `set_memory_valid()` on linear-map pages has callers only where `can_set_direct_map()` holds
 *   (`__kernel_map_pages()` with debug_pagealloc, `set_direct_map_valid_noflush()`, the realm's
 *   `__set_memory_enc_dec()`; KFENCE's `kfence_protect_page()` only on its own pool).
 * - `kfence_init_late()` → `arch_kfence_init_pool()` runs once, with a late pool, after boot
 *   ({@link kfenceLateInitReachable}).
 * - Nothing runs before `boot()`.
 * @param op - the operation
 * @param cfg - the configuration
 * @param phase - the boot phase
 * @returns whether it is reachable
 */
export function opReachable(op: Op, cfg: SutConfig, phase: Readonly<BootPhase>): boolean {
  if (!phase.booted) return false;
  switch (op.kind) {
    case 'split':
    case 'direct_map':
      return true;
    case 'set_memory':
      return phase.memInit;
    case 'set_memory_valid':
      return canSetDirectMap(cfg);
    case 'kfence_late':
      return kfenceLateInitReachable(cfg, phase);
  }
}

/**
 * Runs a generator and hands its result to `after` (the harness's record of what happened).
 * @param gen - the kernel operation
 * @param after - called with the result
 * @returns the wrapped generator
 */
function* tap<T>(gen: KGen<T>, after: (value: T) => void): KGen<T> {
  const value = yield* gen;
  after(value);
  return value;
}

/**
 * The physical address of buddy page number `p` (modulo the number of such pages): RAM outside
 * the kernel image and the KFENCE pool, as vmalloc() and the direct-map users get them (their
 * precondition: the image and the pool are never handed out by the page allocator).
 * @param cfg - the configuration
 * @param p - a pick
 * @param pageSize - the granule's page size
 * @returns a PA inside a bank
 */
export function ramPage(cfg: SutConfig, p: number, pageSize: bigint): bigint {
  const { kernel, kfence_pool } = cfg.memblock;
  const reserved: [bigint, bigint][] = [[kernel.text, kernel.end]];
  if (kfence_pool !== undefined) reserved.push([kfence_pool, kfence_pool + 512n * pageSize]);
  const free = (pa: bigint): boolean => !reserved.some(([a, b]) => pa + pageSize > a && pa < b);
  const pages: [bigint, bigint][] = [];
  let total = 0n;
  for (const b of cfg.memblock.banks) {
    const first = ((b.base + pageSize - 1n) / pageSize) * pageSize;
    const n = (b.base + b.size - first) / pageSize;
    if (n > 0n) {
      pages.push([first, n]);
      total += n;
    }
  }
  if (total === 0n) return cfg.memblock.banks[0]?.base ?? 0n;
  // Walk forward from the pick to the first free page (the reserved ranges are small).
  for (let tries = 0n, i = BigInt(p) % total; tries < total; tries++, i = (i + 1n) % total) {
    let k = i;
    for (const [first, n] of pages) {
      if (k < n) {
        const pa = first + k * pageSize;
        if (free(pa)) return pa;
        break;
      }
      k -= n;
    }
  }
  return cfg.memblock.banks[0]?.base ?? 0n;
}

/**
 * Describes an operation the way a reader would call it.
 * @param op - the operation
 * @returns e.g. `set_memory_ro(vmalloc of pages [12, 7])`
 */
export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'split':
      return `split_kernel_leaf_mapping(run ${op.run}, at ${op.at}‰, ${op.pages} pages)`;
    case 'set_memory':
      return `set_memory_${op.which}(vmalloc of RAM pages [${op.pages.join(', ')}])`;
    case 'set_memory_valid':
      return `set_memory_valid(RAM page ${op.page}, ${op.n}, ${op.enable})`;
    case 'direct_map':
      return `set_direct_map_${op.which}_noflush(RAM page ${op.page})`;
    case 'kfence_late':
      return 'arch_kfence_init_pool()';
  }
}

/**
 * The kernel generator of an operation, resolved against the machine (vmalloc areas are created
 * first, on the same CPU, as a separate step).
 * @param run - the judged run
 * @param op - the operation
 * @param cpu - the CPU it runs on
 * @returns the generator
 */
export function opGen(run: JudgedRun, op: Op, cpu: CpuId): KGen<unknown> {
  const page = BigInt(run.model.geo.pageSize);
  const ops = run.ops;
  switch (op.kind) {
    case 'split': {
      const mapped = run.interp(LINEAR_START, LINEAR_END);
      const m = mapped[op.run % Math.max(1, mapped.length)];
      const start = m === undefined ? LINEAR_START : m.va + (((m.size / page) * BigInt(op.at)) / 1000n) * page;
      return ops.split_kernel_leaf_mapping(start, start + BigInt(op.pages) * page);
    }
    case 'set_memory': {
      const pages = op.pages.map((p) => ramPage(run.config, p, page));
      const addr = run.run(`vmalloc(${pages.length} pages) [cpu${cpu}]`, ops.vmalloc(pages), cpu);
      const n = pages.length;
      if (op.which === 'ro') return ops.set_memory_ro(addr, n);
      if (op.which === 'rw') return ops.set_memory_rw(addr, n);
      if (op.which === 'nx') return ops.set_memory_nx(addr, n);
      return ops.set_memory_x(addr, n);
    }
    case 'set_memory_valid': {
      const pa = ramPage(run.config, op.page, page);
      return ops.set_memory_valid(linearVa(run, pa), op.n, op.enable);
    }
    case 'direct_map': {
      const pa = ramPage(run.config, op.page, page);
      if (op.which === 'invalid') return ops.set_direct_map_invalid_noflush(pa);
      if (op.which === 'default') return ops.set_direct_map_default_noflush(pa);
      return ops.set_direct_map_valid_noflush(pa, 1, true);
    }
    case 'kfence_late':
      return tap(ops.arch_kfence_init_pool(), (ok) => {
        run.phase.kfence = ok ? 'late' : 'late-failed';
      });
  }
}

/**
 * The linear-map VA of a RAM page, found in the model's tables (no knowledge of PHYS_OFFSET).
 * @param run - the judged run
 * @param pa - a RAM page
 * @returns its linear VA, or the start of the linear map when unmapped
 */
export function linearVa(run: JudgedRun, pa: bigint): bigint {
  for (const m of run.interp(LINEAR_START, LINEAR_END)) if (pa >= m.pa && pa < m.pa + m.size) return m.va + (pa - m.pa);
  return LINEAR_START;
}
