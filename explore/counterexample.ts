/**
 * A counterexample of the search, saved as any failure of `bbm-verify verify` is (a
 * `bbm-corpus/2` case, shrinks/failureCase.ts), so that `bbm-verify replay FILE` runs it again and
 * `corpus add` files it. Its input is an `ops.answers-exact` input (properties/answers): the
 * scope's configuration, the steps, each interleaving as the raw choices of the search written as
 * bursts. The property named is the first of `ops.answers-exact` and `ops.in-force-on-return`
 * that fails on it (the search makes both checks at every step).
 *
 * Layer: explore.
 */
import type { SutFactory } from '../impl/index.ts';
import type { AnyProperty } from '../properties/registry.ts';
import type { AnswersInput, Step } from '../properties/answers/answersCase.ts';
import type { SequenceInput } from '../properties/bbm/sequenceCase.ts';
import type { SplitInput } from '../properties/split/splitCase.ts';
import { CommandList } from '../properties/commands/commandList.ts';
import { encodeValue } from '../shrinks/encoding.ts';
import type { Claim } from './world.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { runCase } from '../shrinks/corpusReplay.ts';
import type { SavedCase } from '../shrinks/failureCase.ts';
import { saveFailureCase } from '../shrinks/failureCase.ts';

/** The properties whose checks the search makes, in the order a counterexample is named by. */
const CHECKED = ['ops.answers-exact', 'ops.in-force-on-return'] as const;

/**
 * The counterexample with the search's explicit schedules dropped where the harness's own
 * schedule (round-robin, none drawn) fails the same property too: a case with no burst counts no
 * preemption (shrinks/reductions.ts), so it is the smaller case by the corpus's measure, and the
 * one the shrunk random cases are compared with.
 * @param property - the property that fails
 * @param value - the case's value (an answers or sequence input; anything else is kept)
 * @param sut - the implementation
 * @returns the value, or one with fewer schedules that still fails
 */
export function plainest(property: AnyProperty, value: unknown, sut: SutFactory): unknown {
  if (typeof value !== 'object' || value === null || !('finalSchedule' in value)) return value;
  const input = value as { finalSchedule: readonly unknown[]; steps: unknown };
  const steps = Array.isArray(input.steps)
    ? (input.steps as Step[]).map((s) => (s.kind === 'pair' ? { ...s, schedule: [] } : s))
    : input.steps;
  const candidates = [
    { ...input, finalSchedule: [], steps },
    { ...input, finalSchedule: [] },
    { ...input, steps },
  ];
  for (const c of candidates) {
    if (JSON.stringify(encodeValue(c)) === JSON.stringify(encodeValue(value))) continue;
    if (runCase(property, c, sut).failed) return c;
  }
  return value;
}

/** What was saved: the case file, its property, and the failure as its replay reports it. */
export type SavedCounterexample = SavedCase & {
  readonly property: string;
  readonly report: string;
  /** The value saved (the input, its configuration, or the input with fewer schedules). */
  readonly value: unknown;
};

/**
 * The candidate cases of a counterexample by what failed, each a value and the property it is a
 * case of, tried in order: a step of the answers experiment (its input; `ops.answers-exact`, then
 * `ops.in-force-on-return`); the model during the boot (a `bbm.*` sequence input with the same
 * finalisation schedule and no step after it: `bbm.no-tlb-conflict-without-bbml2`, then
 * `bbm.model-clean`); a boot claim (the configuration: `boot.linear-map-complete` maps,
 * `repaint.all-ptes` and `repaint.prealloc-suffices` finalise with the harness's own schedule;
 * the prealloc claim, which reads the model's verdict, falls back on the `bbm.*` sequence input
 * with the search's schedule); or a split claim (the splits as a `split.*` input, one caller, each
 * range placed as the search made it).
 */
function framing(
  input: AnswersInput,
  claim: Claim | undefined,
  split: SplitInput | undefined,
): { value: unknown; id: string }[] {
  const answers = CHECKED.map((id) => ({ value: input, id }));
  if (claim !== undefined && claim.startsWith('split.')) {
    // A split claim (explore/splitClaims.ts): the splits as that property's input; when no input
    // places the same ranges, the answers input (its replay will not fail: the note says so).
    return split !== undefined ? [{ value: split, id: claim }] : answers;
  }
  const seq: SequenceInput = {
    config: input.config,
    lateMask: input.lateMask,
    preMemInit: [],
    alone: [],
    preFinal: [],
    finalSchedule: input.finalSchedule,
    steps: new CommandList([]),
  };
  const model = ['bbm.no-tlb-conflict-without-bbml2', 'bbm.model-clean'].map((id) => ({ value: seq, id }));
  if (claim === 'repaint.prealloc-suffices') return [{ value: input.config, id: claim }, ...model];
  if (claim === 'repaint.all-ptes' || claim === 'boot.linear-map-complete') return [{ value: input.config, id: claim }];
  if (claim === 'boot') return model;
  return answers;
}

/**
 * Saves a counterexample.
 * @param dir - the folder
 * @param sutName - `port`, `mutant:<id>` or `module:<path>`
 * @param sut - the implementation
 * @param input - the input as found
 * @param message - the failure as the search saw it
 * @param claim - what failed, when it is not a step of the answers experiment (see {@link framing})
 * @param split - for a split claim, the splits as that property's input
 * @returns the case file, the property, the report, the value, and a note when the saved value does not fail by itself
 */
export function saveCounterexample(
  dir: string,
  sutName: string,
  sut: SutFactory,
  input: AnswersInput,
  message: string,
  claim?: Claim,
  split?: SplitInput,
): SavedCounterexample {
  const framed = framing(input, claim, split);
  const find = (id: string): AnyProperty => {
    const p = PROPERTIES.find((q) => q.id === id);
    if (p === undefined) throw new Error(`${id} is not in the catalogue`);
    return p;
  };
  const first = framed[0];
  if (first === undefined) throw new Error('no case to save');
  let property = find(first.id);
  let failure = message;
  let value = first.value;
  for (const c of framed) {
    const p = find(c.id);
    const r = runCase(p, c.value, sut);
    if (r.failed) {
      property = p;
      value = c.value;
      failure = r.report;
      const plain = plainest(p, value, sut);
      if (plain !== value) {
        value = plain;
        failure = runCase(p, plain, sut).report;
      }
      break;
    }
  }
  const saved = saveFailureCase(dir, {
    property,
    sutName,
    sut,
    seed: 0,
    path: '',
    counterexample: value,
    failure,
  });
  return { ...saved, property: property.id, report: failure, value };
}

/**
 * The length of a counterexample as shrinks/README.md counts it: operations (a pair is two) and
 * preemptions (task switches between consecutive bursts of a schedule, the finalisation's too).
 * @param input - the input
 * @returns its operations and preemptions
 */
export function counterexampleSize(input: AnswersInput): { ops: number; preemptions: number } {
  const switches = (bs: readonly { pick: number }[]): number =>
    bs.reduce((n, b, i) => n + (i > 0 && bs[i - 1]?.pick !== b.pick ? 1 : 0), 0);
  let ops = 0;
  let preemptions = switches(input.finalSchedule);
  for (const s of input.steps) {
    ops += s.kind === 'pair' ? 2 : 1;
    if (s.kind === 'pair') preemptions += switches(s.schedule);
  }
  return { ops, preemptions };
}
