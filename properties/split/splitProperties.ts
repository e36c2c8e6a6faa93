/**
 * The split properties (kernel-split-repaint.md §8, invariants 1, 5, 6): after
 * `split_kernel_leaf_mapping(start, end)` the two boundaries are leaf boundaries, every leaf not
 * containing a boundary keeps its shape, the broken ones are broken only as far as needed, and the
 * translation of every VA is unchanged.
 *
 * Layer: properties/split.
 */
import { describeShape, formatSize } from '../../model/bbm/change.ts';
import type { LeafEntry } from '../../model/arch/walk.ts';
import { describeConfig } from '../arbitraries/config.ts';
import { LINEAR_START, naturalSpans, vaHex } from '../harness/leaves.ts';
import type { PropertyDef } from '../registry.ts';
import { PropertyFailure } from '../registry.ts';
import { firstDifference } from '../harness/translationDiff.ts';
import type { SplitInput, SplitOutcome } from './splitCase.ts';
import { runSplit, splitInputArb } from './splitCase.ts';

import { EBUSY, EINVAL } from '../kernel/gates.ts';

/**
 * The failing split, its configuration and the splits made before it on the same map.
 * @param o - one split's observations
 * @returns the first lines of a failure
 */
export function splitHeader(o: SplitOutcome): string {
  const call = `split_kernel_leaf_mapping(0x${o.start.toString(16)}, 0x${o.end.toString(16)}) = ${o.ret} on ${describeConfig(o.run.config)}`;
  return o.earlier.length === 0 ? call : `${call}\nafter, on the same map: ${o.earlier.join('; ')}`;
}

function strictlyInside(l: LeafEntry, b: number): boolean {
  return l.spanVa < b && b < l.spanVa + l.span;
}

function boundaries(o: SplitOutcome): number[] {
  return [Number(o.start - LINEAR_START), Number(o.end - LINEAR_START)];
}

/**
 * `split.boundaries-exact`: the kernel's answer (0, -EINVAL, -EBUSY, from the gate) and, after a
 * split the gate lets through, no leaf or contiguous group spanning across `start` or `end`;
 * nothing changes when the gate returns at once.
 *
 * Preconditions (kernel terms): after `setup_system_features()`, every CPU with BBML2-noabort (so no
 * repaint, and `system_supports_bbml2_noabort()` unless a BBML3-only CPU meets a pre-v7.3 kernel), one
 * caller, any rodata/KFENCE/realm/debug_pagealloc setting and variant; `[start, end)` anywhere on the
 * linear map (page aligned or not, in a hole, on a natural span), and a range starting in the KFENCE
 * pool ends inside it (`is_kfence_address(start)` is the only pool test). The answer expected is
 * {@link splitGate}'s. Several splits per boot (up to twelve on the same map, splitCase.ts), each judged.
 * Kills `split-skips-end`, `pmd-aligned-before-contpmd`, `contpte-decont-all-but-one`,
 * `contpte-misaligned-start`, `contpmd-forgets-entry`, `single-page-more-aligned` (and
 * `split-gate-force-pte` in `--full`).
 */
export const boundariesExact: PropertyDef<SplitInput> = {
  id: 'split.boundaries-exact',
  claim:
    'after a successful split of [start, end) no leaf (a contiguous group counts as one) spans across start or end',
  invariants: 'kernel §8 inv. 5; §3.1 errors',
  arb: splitInputArb,
  numRuns: 30,
  check: (input, sut) => {
    for (const o of runSplit(input, sut)) boundariesOf(o);
  },
};

/**
 * One split's check for {@link boundariesExact} (explore/splitClaims.ts makes it too).
 * @param o - the split's observations
 * @throws PropertyFailure when it fails
 */
export function boundariesOf(o: SplitOutcome): void {
  // The kernel's gate decides the answer before any table is read (properties/kernel/gates.ts).
  const untouched = JSON.stringify(o.leavesAfter.map((l) => l.pa)) === JSON.stringify(o.leavesBefore.map((l) => l.pa));
  const g = o.gate;
  const want = g.kind === 'einval' ? EINVAL : g.kind === 'busy' ? EBUSY : 0;
  const why = g.kind === 'noop' || g.kind === 'busy' ? g.why : g.kind === 'einval' ? 'not page aligned' : 'a split';
  if (o.ret !== want) throw new PropertyFailure(`${splitHeader(o)}\nexpected ${want} (${why}), got ${o.ret}`);
  if (g.kind !== 'split') {
    if (!untouched)
      throw new PropertyFailure(`${splitHeader(o)}\nthe leaves changed although the kernel returns at once (${why})`);
    return;
  }
  for (const b of boundaries(o)) {
    const across = o.leavesAfter.find((l) => strictlyInside(l, b));
    if (across !== undefined) {
      throw new PropertyFailure(
        `${splitHeader(o)}\nthe ${describeShape(across)} at ${vaHex(across.spanVa)} (entry PA 0x${across.pa.toString(16)}) still spans across ${vaHex(b)}`,
      );
    }
  }
}

/**
 * `split.blocks-kept`: leaves wholly inside or outside the range keep size and contiguity, and a
 * leaf holding a boundary is broken only down to the largest natural span without a boundary
 * inside (the kernel's `to_cont = true`, kernel-split-repaint.md §8 inv. 6, 7).
 *
 * Preconditions (kernel terms): after `setup_system_features()`, every CPU with BBML2-noabort (so no
 * repaint, and `system_supports_bbml2_noabort()` unless a BBML3-only CPU meets a pre-v7.3 kernel), one
 * caller, any rodata/KFENCE/realm/debug_pagealloc setting and variant; `[start, end)` anywhere on the
 * linear map (page aligned or not, in a hole, on a natural span), and a range starting in the KFENCE
 * pool ends inside it (`is_kfence_address(start)` is the only pool test). The answer expected is
 * {@link splitGate}'s. Several splits per boot (up to twelve on the same map, splitCase.ts), each judged.
 * Kills `split-whole-range`.
 */
export const blocksKept: PropertyDef<SplitInput> = {
  id: 'split.blocks-kept',
  claim:
    'leaves wholly inside or outside the range keep their size and contiguity; a leaf containing a boundary is broken only as far as needed',
  invariants: 'kernel §8 inv. 6, 7',
  arb: splitInputArb,
  numRuns: 30,
  check: (input, sut) => {
    for (const o of runSplit(input, sut)) blocksKeptOf(o);
  },
};

/**
 * One split's check for {@link blocksKept} (explore/splitClaims.ts makes it too).
 * @param o - the split's observations
 * @throws PropertyFailure when it fails
 */
export function blocksKeptOf(o: SplitOutcome): void {
  // Only a split the kernel's gate lets through breaks leaves (the others are judged by split.boundaries-exact).
  if (o.ret !== 0 || o.gate.kind !== 'split') return;
  const bs = boundaries(o);
  const spans = naturalSpans(o.run.model);
  const after = new Map(o.leavesAfter.map((l) => [l.va, l]));
  for (const old of o.leavesBefore) {
    if (old.va !== old.spanVa && old.contiguous === 1) continue; // judge a group once, by its first entry
    const broken = bs.some((b) => strictlyInside(old, b));
    if (!broken) {
      const now = after.get(old.spanVa);
      if (now === undefined || now.span !== old.span || now.level !== old.level || now.contiguous !== old.contiguous) {
        throw new PropertyFailure(
          `${splitHeader(o)}\nthe ${describeShape(old)} at ${vaHex(old.spanVa)} holds no boundary but became ${now === undefined ? 'unmapped' : `a ${describeShape(now)}`}`,
        );
      }
      continue;
    }
    for (const piece of o.leavesAfter) {
      if (piece.va < old.spanVa || piece.va >= old.spanVa + old.span || piece.va !== piece.spanVa) continue;
      const expected = spans.find((s) => {
        if (s >= old.span) return false;
        const base = piece.va - (piece.va % s);
        return !bs.some((b) => base < b && b < base + s);
      });
      if (expected !== undefined && piece.span !== expected) {
        throw new PropertyFailure(
          `${splitHeader(o)}\nbreaking the ${describeShape(old)} at ${vaHex(old.spanVa)} left a ${describeShape(piece)} at ${vaHex(piece.va)}; the largest leaf there without a boundary inside is ${formatSize(expected)}`,
        );
      }
    }
  }
}

/**
 * `split.translation-preserved`: for every VA of the linear map, output address, attributes,
 * permissions and validity are the same after the split as before (the whole interpretation, not
 * sampled probes).
 *
 * Preconditions (kernel terms): after `setup_system_features()`, every CPU with BBML2-noabort (so no
 * repaint, and `system_supports_bbml2_noabort()` unless a BBML3-only CPU meets a pre-v7.3 kernel), one
 * caller, any rodata/KFENCE/realm/debug_pagealloc setting and variant; `[start, end)` anywhere on the
 * linear map (page aligned or not, in a hole, on a natural span), and a range starting in the KFENCE
 * pool ends inside it (`is_kfence_address(start)` is the only pool test). The answer expected is
 * {@link splitGate}'s. Several splits per boot (up to twelve on the same map, splitCase.ts), each judged.
 * Kills `split-pud-pfn-step`.
 */
export const translationPreserved: PropertyDef<SplitInput> = {
  id: 'split.translation-preserved',
  claim:
    'for every VA, OA, attributes, permissions and validity are the same after a split as before (interp, not probes)',
  invariants: 'B5; kernel §8 inv. 1, 2, 3',
  arb: splitInputArb,
  numRuns: 30,
  check: (input, sut) => {
    for (const o of runSplit(input, sut)) {
      const diff = firstDifference(o.translationBefore, o.translationAfter);
      if (diff !== undefined) throw new PropertyFailure(`${splitHeader(o)}\ntranslation changed: ${diff}`);
    }
  },
};
