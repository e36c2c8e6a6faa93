/**
 * Trace generator — small kernel-shaped building blocks shared by the scenarios: a run of leaves
 * in one table (`alloc_init_cont_pte()`-like, Contiguous on aligned groups), the lazy-MMU exit
 * `dsb ishst; isb`, `flush_tlb_kernel_range()` in its three shapes, and the knobs a scenario
 * reads its choices from (fast-check draws them; they shrink toward the first choice).
 *
 * Layer: model/reference/gen (tests only).
 */
import type { TLBIKind } from '../../events.ts';
import { TTBR1_BASE, contEntries } from '../geometry.ts';
import type { Builder } from './builder.ts';
import { leaf } from './encode.ts';
import type { LeafAttrs } from './encode.ts';

/** The choices a scenario makes, drawn by fast-check. */
export class Knobs {
  private i = 0;
  /** @param values - non-negative integers */
  constructor(private readonly values: readonly number[]) {}

  /** The next choice among `n` (0 when the values run out). */
  pick(n: number): number {
    const v = this.values[this.i++] ?? 0;
    return n <= 1 ? 0 : v % n;
  }

  /** One of the options. */
  of<T>(options: readonly T[]): T {
    return options[this.pick(options.length)] as T;
  }

  /** A boolean, false first. */
  flag(): boolean {
    return this.pick(2) === 1;
  }
}

/**
 * Contiguous group size at a level.
 * @param b - the builder
 * @param level - the level
 * @returns N
 */
export const groupOf = (b: Builder, level: number): number => contEntries(b.g, level);

/** The largest contiguous group a light (CI) trace uses: the 128-page groups of 16K are for long runs. */
export const LIGHT_GROUP = 32;

/**
 * The level of a contiguous group a scenario works on: 2 or 3 as drawn, but 2 when a light trace
 * would need a group larger than `LIGHT_GROUP`.
 * @param b - the builder
 * @param k - the knobs
 * @returns the level
 */
export function groupLevel(b: Builder, k: Knobs): number {
  const level = k.flag() ? 2 : 3;
  return b.light && groupOf(b, level) > LIGHT_GROUP ? 2 : level;
}

/**
 * Writes `count` leaves at `level` from `va` in the table `tablePa`, identity-mapped (OA = VA −
 * 0xffff000000000000), with the Contiguous bit on every full aligned group when `cont`.
 * @param b - the builder
 * @param tablePa - the table
 * @param level - its level
 * @param va - the first VA
 * @param count - how many entries
 * @param attrs - leaf attributes
 * @param cont - Contiguous groups
 * @returns the values written, in order
 */
export function mapLeaves(
  b: Builder,
  tablePa: bigint,
  level: number,
  va: bigint,
  count: number,
  attrs: LeafAttrs = {},
  cont = false,
): bigint[] {
  const size = b.size(level);
  const n = groupOf(b, level);
  const out: bigint[] = [];
  for (let j = 0; j < count; j++) {
    const v = va + BigInt(j) * size;
    const index = Number((v - b.tableBase(v, level)) / size);
    const groupStart = index - (index % n);
    const fullGroup = cont && j - (index - groupStart) >= 0 && j - (index - groupStart) + n <= count;
    const val = leaf(v - TTBR1_BASE, level === 3, { ...attrs, cont: fullGroup || (attrs.cont ?? false) });
    b.write(b.entry(tablePa, level, v), val);
    out.push(val);
  }
  return out;
}

/** `dsb ishst; isb` on the actor (lazy-MMU exit, `__set_pte()`). */
export function publish(b: Builder): void {
  b.dsb('ishst');
  b.isb();
}

/** The three shapes of `flush_tlb_kernel_range()` the generator uses. */
export type FlushShape = 'range' | 'per-entry' | 'all';

/**
 * `flush_tlb_kernel_range(va, va + size)`: last-level broadcast TLBIs, `dsb ish`, `isb`.
 * @param b - the builder
 * @param va - first VA
 * @param size - bytes
 * @param step - the stride of a per-entry flush
 * @param shape - which shape
 * @param kind - the TLBI kind (last-level by default; a non-last-level one for tables)
 */
export function flush(b: Builder, va: bigint, size: bigint, step: bigint, shape: FlushShape, kind?: TLBIKind): void {
  b.dsb('ishst');
  if (shape === 'all') b.tlbi('vmalle1is');
  else if (shape === 'range') b.tlbi(kind === 'vaae1is' ? 'rvaae1is' : 'rvaale1is', va, size);
  else for (let x = va; x < va + size; x += step) b.tlbi(kind ?? 'vaale1is', x);
  b.dsb('ish');
  b.isb();
}

/**
 * A walk by some CPU of `va` (an explicit use of the translation).
 * @param b - the builder
 * @param k - the knobs
 * @param va - the VA
 */
export function maybeWalk(b: Builder, k: Knobs, va: bigint): void {
  if (!k.flag()) return;
  const cpu = k.of(b.cpus).id;
  b.emit({ op: 'walk', cpu, va });
}
