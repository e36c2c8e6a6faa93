// The domain shrinker takes a saved value (no generation context) down to what the failure
// needs: here a claim that fails whenever a split is among the steps, given a value with three
// steps and three CPUs, shrinks to the one split on one CPU — what neither a chain (which
// regenerates the steps when it shrinks the configuration) nor an array below its minimum length
// would do. And it never removes the last CPU of a kind (an asymmetric system stays one).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withDomainShrink } from './domainShrink.ts';
import { caseSize } from './reductions.ts';
import { encodeValue } from './encoding.ts';

const op = (kind: string, cpu: number): unknown => ({
  kind: 'op',
  op: kind === 'split' ? { kind: 'split', run: 0, at: 0, pages: 1 } : { kind: 'kfence_late' },
  cpu,
});
const cpus = [
  { id: 0, bbm: 2, noabort: true },
  { id: 1, bbm: 2, noabort: true },
  { id: 2, bbm: 0, noabort: false },
];
const saved = {
  config: { granule: '4K', cpus },
  lateMask: 0,
  steps: [op('kfence_late', 0), op('split', 1), op('kfence_late', 2)],
};
// Generates nothing useful on its own: only the example matters.
const arb = withDomainShrink(
  fc.constant({ config: { granule: '4K', cpus: cpus.slice(0, 1) }, lateMask: 0, steps: [] }),
);
const hasSplit = (v: typeof saved): boolean => v.steps.some((s) => (s as { op: { kind: string } }).op.kind === 'split');

describe('the domain shrinker', () => {
  it('shrinks a saved value to the one operation and the CPUs the failure needs', () => {
    const r = fc.check(
      fc.property(arb, (v) => !hasSplit(v as unknown as typeof saved)),
      { examples: [[saved as unknown]], numRuns: 1 },
    );
    expect(r.failed).toBe(true);
    const shrunk = r.counterexample?.[0];
    expect(caseSize('ops.answers-exact', encodeValue(shrunk))).toEqual({ ops: 1, cpus: 2, preemptions: 0 });
    // cpu1 went (the boot CPU is of its kind); cpu2, the only CPU without noabort, stayed.
    expect((shrunk as typeof saved).config.cpus.map((c) => c.bbm)).toEqual([2, 0]);
  });
});
