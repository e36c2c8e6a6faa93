/**
 * Reading the model's tables as a property needs them: the leaf that maps a VA with its TLB span
 * (a contiguous group counts as one leaf), and every leaf of the linear map in VA order.
 *
 * Layer: properties/harness.
 */
import { NO_LIMITS, forEachLeaf, walkVA } from '../../model/arch/walk.ts';
import type { LeafEntry } from '../../model/arch/walk.ts';
import type { MachineState } from '../../model/step.ts';

/** First VA of the linear map with 48-bit VAs (`PAGE_OFFSET`). */
export const LINEAR_START = 0xffff000000000000n;
/** End of the linear map (`PAGE_END`, 47 bits of linear map). */
export const LINEAR_END = 0xffff800000000000n;

/**
 * The leaf that maps `va` (AF=1 leaves only), or undefined.
 * @param state - the model
 * @param va - a TTBR1 VA
 * @returns the leaf
 */
export function leafAt(state: MachineState, va: bigint): LeafEntry | undefined {
  const r = walkVA(state.geo, state.mem, state.root, Number(va - LINEAR_START));
  return r.ok ? r.leaf : undefined;
}

/**
 * Every leaf (valid or not-yet-accessed, AF either) of [from, to), in VA order.
 * @param state - the model
 * @param from - first VA
 * @param to - end VA
 * @returns the leaves
 */
export function leavesIn(state: MachineState, from: bigint, to: bigint): LeafEntry[] {
  const out: LeafEntry[] = [];
  forEachLeaf(state.geo, state.mem, state.root, 0, Number(from - LINEAR_START), Number(to - LINEAR_START), NO_LIMITS, {
    leaf: (e) => out.push(e),
  });
  return out;
}

/**
 * The natural leaf spans of a granule, largest first: the block and contiguous sizes the kernel
 * uses (4K: 1G, 32M, 2M, 64K, 4K; 16K: 1G, 32M, 2M, 16K; 64K: 16G, 512M, 2M, 64K).
 * @param state - the model
 * @returns the spans in bytes
 */
export function naturalSpans(state: MachineState): number[] {
  const { geo } = state;
  const spans = new Set<number>();
  for (let level = 1; level <= 3; level++) {
    const size = geo.entrySpan[level] ?? 0;
    if (level === 3 || geo.blockAtLevel[level] === true) {
      spans.add(size);
      const n = geo.contEntries[level] ?? 0;
      if (n > 0 && level >= 2) spans.add(size * n);
    }
  }
  return [...spans].sort((a, b) => b - a);
}

/**
 * Formats a VA as `0xffff…`.
 * @param va - VA[47:0] as a number
 * @returns the full TTBR1 address in hex
 */
export function vaHex(va: number): string {
  return '0x' + (LINEAR_START + BigInt(va)).toString(16);
}
