/**
 * Registers a catalogue property as a vitest test run by fast-check, against the SUT named by
 * `BBM_SUT` (a module path) or the bundled port. The seed comes from `vitest.setup.ts`. The
 * property's corpus values (shrinks/corpus) run first, as fast-check `examples`, on top of its
 * generated runs.
 *
 * Layer: properties/harness.
 */
import fc from 'fast-check';
import { it } from 'vitest';
import { corpusExamples } from '../../shrinks/examples.ts';
import type { PropertyDef } from '../registry.ts';
import { defaultSut } from './sut.ts';
import { failureContext } from './failureContext.ts';
import { JudgedRun } from './judgedRun.ts';

/**
 * Declares the test `<id>: <claim>`.
 * @param p - the property
 */
export function propertyTest<T>(p: PropertyDef<T>): void {
  it(`${p.id}: ${p.claim}`, async () => {
    const sut = await defaultSut();
    const examples = corpusExamples(p.id).map((v) => [v as T] as [T]);
    // The run of the last failing execution (the one fast-check reports) adds its VA layout.
    let failedRun: JudgedRun | undefined;
    try {
      fc.assert(
        fc.property(p.arb, (input) => {
          JudgedRun.latest = undefined;
          try {
            p.check(input, sut);
          } catch (e) {
            failedRun = JudgedRun.latest;
            throw e;
          }
        }),
        { numRuns: Number(process.env['BBM_RUNS'] ?? p.numRuns) + examples.length, examples },
      );
    } catch (e) {
      if (e instanceof Error && failedRun !== undefined) e.message += failureContext(failedRun, p.id, e.message).lines;
      throw e;
    }
  });
}
