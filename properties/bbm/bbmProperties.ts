/**
 * The BBM properties: the model reports no violation on any primitive of any run, and, on
 * asymmetric systems, no CPU lacking BBML2-noabort is ever exposed to a live size change or to
 * conflicting TLB entries.
 *
 * Layer: properties/bbm.
 */
import type { PropertyDef } from '../registry.ts';
import { PropertyFailure } from '../registry.ts';
import type { SequenceInput } from './sequenceCase.ts';
import { runSequence, sequenceInputArb, sequenceReport } from './sequenceCase.ts';

/**
 * `bbm.model-clean`: the model reports no broken rule (B1–B8, C1–C3, T1–T4, A1) on any primitive of
 * a whole boot and run: map_mem(), operations in the early windows, early and late secondaries,
 * finalisation with its repaint, then generated and interleaved operations.
 *
 * Preconditions (kernel terms): only reachable sequences (`opReachable()`: nothing before boot,
 * `set_memory_*()` after `mem_init()`, late KFENCE once after boot, secondaries in id order, early
 * windows for v7.x only); any configuration and variant, asymmetric CPUs included. Kills
 * `split-pmd-no-dsb`; the faithful v6.18 before finalisation is a known witness
 * (`sequenceCase.witness.test.ts`).
 */
export const modelClean: PropertyDef<SequenceInput> = {
  id: 'bbm.model-clean',
  claim: 'the model reports no violation on any primitive of any run',
  invariants: 'B1–B8, C1–C3, T1–T4, A1',
  arb: sequenceInputArb(),
  numRuns: 30,
  check: (input, sut) => {
    const run = runSequence(input, sut);
    if (run.violation !== undefined) throw new PropertyFailure(sequenceReport(input, run));
  },
};

const CONFLICT_CODES = new Set(['size-change-without-bbml2', 'tlb-conflict', 'bbm-unclean']);

/**
 * `bbm.no-tlb-conflict-without-bbml2`: no CPU lacking noabort is ever exposed to a live size
 * change or to two TLB entries that conflict (`size-change-without-bbml2`, `tlb-conflict`,
 * `bbm-unclean`), whichever CPU comes up when.
 *
 * Preconditions (kernel terms): as `bbm.model-clean`. Kills `split-without-capability`,
 * `repaint-no-wait`, `repaint-early-release`.
 */
export const noConflictWithoutBbml2: PropertyDef<SequenceInput> = {
  id: 'bbm.no-tlb-conflict-without-bbml2',
  claim: 'no CPU lacking BBML2 noabort can hold conflicting TLB entries, nor walk the tables during a live size change',
  invariants: 'B3, B6, A1; kernel §8 inv. 10, 14, 15',
  arb: sequenceInputArb(false),
  numRuns: 20,
  check: (input, sut) => {
    const run = runSequence(input, sut);
    const v = run.violation;
    if (v !== undefined && CONFLICT_CODES.has(v.violation.code)) throw new PropertyFailure(sequenceReport(input, run));
  },
};
