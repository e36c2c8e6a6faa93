/**
 * From generated operations to kernel calls: an {@link Op}'s picks are resolved against the
 * booted machine into an {@link Intent} (the exact call, its VAs and backing pages), which is what
 * the expected-outcome rules of properties/kernel/outcomes.ts read, and which runs as the SUT's
 * kernel generator. vmalloc areas are created first, on the same CPU, as a separate step.
 *
 * Layer: properties/ops.
 */
import type { CpuId, KGen } from '../../impl/index.ts';
import type { JudgedRun } from '../harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START } from '../harness/leaves.ts';
import { kfencePoolRange } from '../kernel/kfencePool.ts';
import type { Op } from './ops.ts';
import { ramPage } from './ops.ts';
import { leafOf, linearVa, resolveTarget } from './targets.ts';

export { linearVa } from './targets.ts';

/** An operation resolved to the exact kernel call. */
export type Intent =
  | { readonly kind: 'split'; readonly start: bigint; readonly end: bigint }
  | {
      readonly kind: 'set_memory';
      readonly which: 'ro' | 'rw' | 'nx' | 'x';
      /** The vmalloc area and its backing pages (PAs). */
      readonly area: bigint;
      readonly pages: readonly bigint[];
      /** `set_memory_<which>(area + from * PAGE_SIZE, n)` */
      readonly from: number;
      readonly n: number;
    }
  | {
      readonly kind: 'set_memory_valid';
      readonly addr: bigint;
      readonly n: number;
      readonly enable: boolean;
      /** Called from atomic context (KFENCE): may neither sleep nor allocate. */
      readonly atomic: boolean;
    }
  | {
      readonly kind: 'direct_map';
      readonly which: 'invalid' | 'default' | 'valid';
      /** PA of the first page. */
      readonly pa: bigint;
      readonly nr: number;
      readonly valid: boolean;
    }
  | { readonly kind: 'kfence_late' }
  /** Nothing to call (the vmalloc area could not be made). */
  | { readonly kind: 'none'; readonly why: string };

/**
 * Backing pages for a vmalloc area: RAM pages by pick, or pages of one target leaf; pages the
 * harness knows to be out of the linear map (invalidated) are skipped, as the page allocator would
 * never hand them out.
 */
function backingPages(
  run: JudgedRun,
  op: Extract<Op, { kind: 'set_memory' }>,
  invalid: (pa: bigint) => boolean,
): bigint[] {
  const page = BigInt(run.model.geo.pageSize);
  const l = op.leaf === undefined ? undefined : leafOf(run, op.leaf);
  const out: bigint[] = [];
  for (const p of op.pages) {
    let pa: bigint;
    if (l === undefined) pa = ramPage(run.config, p, page);
    else {
      const count = l.size / page;
      pa = linearPa(run, l.va + (BigInt(p) % count) * page);
    }
    if (!out.includes(pa) && !invalid(pa)) out.push(pa);
  }
  return out;
}

/**
 * The PA behind a linear VA (inverse of {@link linearVa}).
 * @param run - the judged run
 * @param va - a linear-map VA
 * @returns its PA
 */
export function linearPa(run: JudgedRun, va: bigint): bigint {
  return va - linearVa(run, 0n);
}

/**
 * Resolves an operation.
 * @param run - the judged run
 * @param op - the operation
 * @param cpu - the CPU it runs on (vmalloc runs there too)
 * @param invalid - pages the harness knows to be out of the linear map (default: none)
 * @returns the call
 */
export function resolveOp(run: JudgedRun, op: Op, cpu: CpuId, invalid: (pa: bigint) => boolean = () => false): Intent {
  const page = BigInt(run.model.geo.pageSize);
  switch (op.kind) {
    case 'split': {
      if (op.target !== undefined) {
        const t = resolveTarget(run, op.target, op.pages);
        if (t !== undefined) return { kind: 'split', start: t.addr, end: t.addr + BigInt(t.pages) * page };
      }
      const mapped = run.interp(LINEAR_START, LINEAR_END);
      const m = mapped[op.run % Math.max(1, mapped.length)];
      const start = m === undefined ? LINEAR_START : m.va + (((m.size / page) * BigInt(op.at)) / 1000n) * page;
      return { kind: 'split', start, end: start + BigInt(op.pages) * page };
    }
    case 'set_memory': {
      const pages = backingPages(run, op, invalid);
      if (pages.length === 0) return { kind: 'none', why: 'no backing page' };
      const area = run.run(`vmalloc(${pages.length} pages) [cpu${cpu}]`, run.ops.vmalloc(pages), cpu);
      if (area === 0n) return { kind: 'none', why: 'vmalloc() failed' };
      const from = (op.from ?? 0) % pages.length;
      const left = pages.length - from;
      // A range ending on the guard page would pass change_memory_common()'s area check but index
      // past area->pages[]: no caller does that; `past` runs one page further, a clean -EINVAL.
      const n = op.past === true ? left + 2 : op.n === undefined ? left : op.n === 0 ? 0 : 1 + ((op.n - 1) % left);
      return { kind: 'set_memory', which: op.which, area, pages, from, n };
    }
    case 'set_memory_valid': {
      const t = op.target === undefined ? undefined : resolveTarget(run, op.target, op.n);
      const addr = t?.addr ?? linearVa(run, ramPage(run.config, op.page, page));
      return { kind: 'set_memory_valid', addr, n: t?.pages ?? op.n, enable: op.enable, atomic: false };
    }
    case 'direct_map': {
      const t = op.target === undefined ? undefined : resolveTarget(run, op.target, op.nr ?? 1);
      const pa = t === undefined ? ramPage(run.config, op.page, page) : linearPa(run, t.addr);
      const nr = op.which === 'valid' ? (t?.pages ?? op.nr ?? 1) : 1;
      return { kind: 'direct_map', which: op.which, pa, nr, valid: op.valid ?? true };
    }
    case 'kfence_late':
      return { kind: 'kfence_late' };
    case 'kfence_protect': {
      const pool = kfencePoolRange(run);
      if (pool === undefined) return { kind: 'none', why: 'no KFENCE pool' };
      const pages = (pool.end - pool.start) / page;
      const addr = pool.start + (BigInt(op.page) % pages) * page;
      return { kind: 'set_memory_valid', addr, n: 1, enable: !op.protect, atomic: true };
    }
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

// eslint-disable-next-line require-yield
function* nothing(): KGen<number> {
  return 0;
}

/**
 * The SUT's kernel generator of a resolved call; numbers are the kernel's return values, a
 * boolean `arch_kfence_init_pool()`'s.
 * @param run - the judged run
 * @param it - the call
 * @returns the generator
 */
export function intentGen(run: JudgedRun, it: Intent): KGen<number | boolean> {
  const ops = run.ops;
  const page = BigInt(run.model.geo.pageSize);
  switch (it.kind) {
    case 'split':
      return ops.split_kernel_leaf_mapping(it.start, it.end);
    case 'set_memory': {
      const addr = it.area + BigInt(it.from) * page;
      if (it.which === 'ro') return ops.set_memory_ro(addr, it.n);
      if (it.which === 'rw') return ops.set_memory_rw(addr, it.n);
      if (it.which === 'nx') return ops.set_memory_nx(addr, it.n);
      return ops.set_memory_x(addr, it.n);
    }
    case 'set_memory_valid':
      return ops.set_memory_valid(it.addr, it.n, it.enable);
    case 'direct_map':
      if (it.which === 'invalid') return ops.set_direct_map_invalid_noflush(it.pa);
      if (it.which === 'default') return ops.set_direct_map_default_noflush(it.pa);
      return ops.set_direct_map_valid_noflush(it.pa, it.nr, it.valid);
    case 'kfence_late':
      return tap(ops.arch_kfence_init_pool(), (ok) => {
        run.phase.kfence = ok ? 'late' : 'late-failed';
      });
    case 'none':
      return nothing();
  }
}

/**
 * The kernel generator of an operation, resolved against the machine.
 * @param run - the judged run
 * @param op - the operation
 * @param cpu - the CPU it runs on
 * @returns the generator
 */
export function opGen(run: JudgedRun, op: Op, cpu: CpuId): KGen<unknown> {
  return intentGen(run, resolveOp(run, op, cpu));
}
