/**
 * Kernel operations as generated data: what to call and with which picks. Picks are resolved
 * against the booted machine (buddy pages, mapped runs), so that shrinking keeps them
 * meaningful. The commands of properties/commands/ run them on a CPU, alone or interleaved.
 *
 * Layer: properties/ops.
 */
import fc from 'fast-check';
import type { SutConfig } from '../../impl/index.ts';
import { canSetDirectMap, kfenceLateInitReachable } from '../kernel/gates.ts';
import type { BootPhase } from '../kernel/phase.ts';

/**
 * A target on the linear map, resolved against the leaves as `map_mem()` made them
 * (`ops/targets.ts`): leaf number `leaf` (shapes taken in turn: PUD blocks, contiguous PMD groups,
 * PMD blocks, contiguous PTE groups, pages), the whole leaf or the page `at`‰ into it. Two
 * operations with the same `leaf` collide on the same block, contiguous group or table.
 */
export interface Target {
  readonly leaf: number;
  readonly at: number;
  readonly whole: boolean;
}

/** One operation. Optional fields widen an operation; without them it is as first generated. */
export type Op =
  | {
      readonly kind: 'split';
      readonly run: number;
      readonly at: number;
      readonly pages: number;
      /** Aim at a target leaf instead of a mapped run. */
      readonly target?: Target;
    }
  | {
      readonly kind: 'set_memory';
      readonly which: 'ro' | 'rw' | 'nx' | 'x';
      readonly pages: readonly number[];
      /** Back the area with pages of this target leaf (picks taken modulo its pages). */
      readonly leaf?: number;
      /**
       * Change pages from page `from` (modulo the area's pages) of the area: `n` of them (modulo
       * what is left, so any sub-range; default: to the end), or, with `past`, a range running two
       * pages past the area's end (-EINVAL).
       */
      readonly from?: number;
      readonly n?: number;
      readonly past?: boolean;
    }
  | {
      readonly kind: 'set_memory_valid';
      readonly page: number;
      readonly n: number;
      readonly enable: boolean;
      readonly target?: Target;
    }
  | {
      readonly kind: 'direct_map';
      readonly which: 'invalid' | 'default' | 'valid';
      readonly page: number;
      readonly target?: Target;
      /** `set_direct_map_valid_noflush(page, nr, valid)`: a folio of `nr` pages (default 1); `valid`. */
      readonly nr?: number;
      readonly valid?: boolean;
    }
  | { readonly kind: 'kfence_late' }
  | {
      /** KFENCE's `kfence_protect_page()`: `set_memory_valid(pool page, 1, !protect)` from atomic context. */
      readonly kind: 'kfence_protect';
      readonly page: number;
      readonly protect: boolean;
    };

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
    case 'kfence_protect':
      return phase.kfence === 'early' || phase.kfence === 'late';
  }
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
 * @returns e.g. `set_memory_ro(vmalloc of RAM pages #12, #7)`: `#n` picks the n-th page of RAM in bank order
 *   (modulo its size, then the next free one); the report prints the PA-level call next to it
 */
export function describeOp(op: Op): string {
  const t = (x: Target | undefined): string =>
    x === undefined ? '' : ` @leaf ${x.leaf}${x.whole ? ' (whole)' : ` ${x.at}‰`}`;
  switch (op.kind) {
    case 'split':
      return op.target === undefined
        ? `split_kernel_leaf_mapping(run ${op.run}, at ${op.at}‰, ${op.pages} pages)`
        : `split_kernel_leaf_mapping(${t(op.target)}, ${op.pages} pages)`;
    case 'set_memory': {
      const sub = op.from === undefined && op.n === undefined ? '' : `, pages ${op.from ?? 0}+${op.n ?? 'rest'}`;
      return `set_memory_${op.which}(vmalloc of ${op.leaf === undefined ? 'RAM' : `leaf ${op.leaf}`} pages ${op.pages.map((n) => `#${n}`).join(', ')}${sub})`;
    }
    case 'set_memory_valid':
      return `set_memory_valid(${op.target === undefined ? `RAM page #${op.page}` : t(op.target)}, ${op.n}, ${op.enable})`;
    case 'direct_map': {
      const where = op.target === undefined ? `RAM page #${op.page}` : t(op.target);
      return op.which === 'valid'
        ? `set_direct_map_valid_noflush(${where}, ${op.nr ?? 1}, ${op.valid ?? true})`
        : `set_direct_map_${op.which}_noflush(${where})`;
    }
    case 'kfence_late':
      return 'arch_kfence_init_pool()';
    case 'kfence_protect':
      return `kfence_protect_page(pool page ${op.page}, ${op.protect})`;
  }
}
