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
import type { AnswersInput } from '../properties/answers/answersCase.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { runCase } from '../shrinks/corpusReplay.ts';
import type { SavedCase } from '../shrinks/failureCase.ts';
import { saveFailureCase } from '../shrinks/failureCase.ts';

/** The properties whose checks the search makes, in the order a counterexample is named by. */
const CHECKED = ['ops.answers-exact', 'ops.in-force-on-return'] as const;

/**
 * Saves a counterexample.
 * @param dir - the folder
 * @param sutName - `port`, `mutant:<id>` or `module:<path>`
 * @param sut - the implementation
 * @param input - the input
 * @param message - the failure as the search saw it
 * @returns the case file, the property and a note when the saved value does not fail by itself
 */
export function saveCounterexample(
  dir: string,
  sutName: string,
  sut: SutFactory,
  input: AnswersInput,
  message: string,
): SavedCase & { readonly property: string } {
  const props = CHECKED.map((id) => PROPERTIES.find((p) => p.id === id));
  let property = props[0];
  let failure = message;
  for (const p of props) {
    if (p === undefined) continue;
    const r = runCase(p, input, sut);
    if (r.failed) {
      property = p;
      failure = r.report;
      break;
    }
  }
  if (property === undefined) throw new Error('ops.answers-exact is not in the catalogue');
  const saved = saveFailureCase(dir, {
    property,
    sutName,
    sut,
    seed: 0,
    path: '',
    counterexample: input,
    failure,
  });
  return { ...saved, property: property.id };
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
