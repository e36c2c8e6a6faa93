/**
 * What the model says CPUs may still hold: stale leaf entries overlapping a VA range, for the
 * "once the call returns, no CPU can still use the old permission" claims (B8).
 *
 * Layer: properties/harness.
 */
import type { LeafEntry } from '../../model/arch/walk.ts';
import type { MachineState } from '../../model/step.ts';

const VA_TOP = 0xffff000000000000n;

/**
 * Stale leaf entries still held by some CPU that overlap [from, to).
 * @param state - the model
 * @param from - first VA (TTBR1 address)
 * @param to - end VA
 * @returns the held leaves with the mask of CPUs holding each
 */
export function staleLeaves(state: MachineState, from: bigint, to: bigint): { leaf: LeafEntry; holders: number }[] {
  const out: { leaf: LeafEntry; holders: number }[] = [];
  state.stale.forEachOverlapping(Number(from - VA_TOP), Number(to - VA_TOP), (s) => {
    if (s.kind === 'leaf' && s.leaf !== undefined && s.holders !== 0) out.push({ leaf: s.leaf, holders: s.holders });
  });
  return out;
}
