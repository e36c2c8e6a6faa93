/**
 * Registers a catalogue property as a vitest test run by fast-check, against the SUT named by
 * `BBM_SUT` (a module path) or the bundled port. The seed comes from `vitest.setup.ts`.
 *
 * Layer: properties/harness.
 */
import fc from 'fast-check';
import { it } from 'vitest';
import type { PropertyDef } from '../registry.ts';
import { defaultSut } from './sut.ts';

/**
 * Declares the test `<id>: <claim>`.
 * @param p - the property
 */
export function propertyTest<T>(p: PropertyDef<T>): void {
  it(`${p.id}: ${p.claim}`, async () => {
    const sut = await defaultSut();
    fc.assert(
      fc.property(p.arb, (input) => p.check(input, sut)),
      { numRuns: Number(process.env['BBM_RUNS'] ?? p.numRuns) },
    );
  });
}
