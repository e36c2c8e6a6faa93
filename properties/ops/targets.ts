/**
 * Targets on the linear map that make operations collide on purpose: the leaves as `map_mem()`
 * made them, grouped by shape (PUD blocks, contiguous PMD groups, PMD blocks, contiguous PTE
 * groups, pages) and taken in turn, so that every shape is aimed at equally often and two
 * operations with the same leaf number meet in the same block, contiguous group or table (drawn
 * uniformly over all pages, two CPUs almost never would). Leaves holding pages the page allocator
 * never hands out (the kernel image, the KFENCE pool) are left out.
 *
 * Layer: properties/ops.
 */
import type { JudgedRun } from '../harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START, leavesIn } from '../harness/leaves.ts';
import { KFENCE_POOL_PAGES } from '../kernel/gates.ts';
import type { Target } from './ops.ts';

/** One target leaf: its VA span and shape. */
export interface TargetLeaf {
  readonly va: bigint;
  readonly size: bigint;
  /** `level:contiguous`, e.g. `2:1` for a contiguous PMD group. */
  readonly shape: string;
}

const cache = new WeakMap<JudgedRun, TargetLeaf[][]>();

/**
 * The offset from PA to linear VA (`PAGE_OFFSET - PHYS_OFFSET`), read once from the model's
 * tables after `map_mem()` (boot.linear-map-complete checks that every bank uses the same one).
 */
const offsets = new WeakMap<JudgedRun, bigint>();

/**
 * The linear-map VA of a RAM page.
 * @param run - the judged run (booted)
 * @param pa - a RAM page
 * @returns its linear VA
 */
export function linearVa(run: JudgedRun, pa: bigint): bigint {
  let off = offsets.get(run);
  if (off === undefined) {
    const m = run.interp(LINEAR_START, LINEAR_END)[0];
    if (m === undefined) return LINEAR_START;
    off = m.va - m.pa;
    offsets.set(run, off);
  }
  return pa + off;
}

/**
 * The target leaves of a run by shape, computed at first use (after `map_mem()`) and kept, so a
 * leaf number keeps naming the same VA range after splits, repaints and invalidations.
 * @param run - the judged run
 * @returns one list per shape, largest shape first
 */
export function targetLeaves(run: JudgedRun): TargetLeaf[][] {
  const hit = cache.get(run);
  if (hit !== undefined) return hit;
  const page = BigInt(run.model.geo.pageSize);
  const { kernel, kfence_pool } = run.config.memblock;
  const reserved: [bigint, bigint][] = [[linearVa(run, kernel.text), linearVa(run, kernel.end)]];
  if (kfence_pool !== undefined) {
    const v = linearVa(run, kfence_pool);
    reserved.push([v, v + KFENCE_POOL_PAGES * page]);
  }
  const byShape = new Map<string, TargetLeaf[]>();
  const seen = new Set<number>();
  for (const l of leavesIn(run.model, LINEAR_START, LINEAR_END)) {
    if (seen.has(l.spanVa)) continue;
    seen.add(l.spanVa);
    const va = LINEAR_START + BigInt(l.spanVa);
    const size = BigInt(l.span);
    if (reserved.some(([a, b]) => va < b && va + size > a)) continue;
    const shape = `${l.level}:${l.contiguous}`;
    const list = byShape.get(shape) ?? [];
    list.push({ va, size, shape });
    byShape.set(shape, list);
  }
  const out = [...byShape.values()].sort((a, b) => Number((b[0]?.size ?? 0n) - (a[0]?.size ?? 0n)));
  cache.set(run, out);
  return out;
}

/**
 * The leaf a leaf number names: shape `leaf mod #shapes`, then member `leaf div #shapes`.
 * @param run - the judged run
 * @param leaf - the pick
 * @returns the leaf, or undefined when nothing is mapped
 */
export function leafOf(run: JudgedRun, leaf: number): TargetLeaf | undefined {
  const shapes = targetLeaves(run);
  const list = shapes[leaf % Math.max(1, shapes.length)];
  if (list === undefined || list.length === 0) return undefined;
  return list[Math.floor(leaf / Math.max(1, shapes.length)) % list.length];
}

/**
 * A target as `[addr, addr + pages)`: the whole leaf, or `n` pages from `at`‰ into it (clipped to
 * the leaf).
 * @param run - the judged run
 * @param t - the target
 * @param n - pages wanted when not whole
 * @returns the first VA and the number of pages, or undefined
 */
export function resolveTarget(run: JudgedRun, t: Target, n: number): { addr: bigint; pages: number } | undefined {
  const l = leafOf(run, t.leaf);
  if (l === undefined) return undefined;
  const page = BigInt(run.model.geo.pageSize);
  const count = l.size / page;
  if (t.whole) return { addr: l.va, pages: Number(count) };
  const first = (count * BigInt(t.at)) / 1000n;
  const left = count - first;
  return { addr: l.va + first * page, pages: Number(BigInt(n) < left ? BigInt(n) : left) };
}
