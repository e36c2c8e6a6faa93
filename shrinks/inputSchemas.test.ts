// The input schemas follow the generators: every property of the catalogue has one, and it takes
// every value the property's own arbitrary draws (encoded as the corpus stores it). A generator
// that changes its input fails here, with the field, before any corpus file is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROPERTIES } from '../properties/catalogue.ts';
import { encodeValue } from './encoding.ts';
import { INPUT_SCHEMAS } from './inputSchemas.ts';
import { describeIssue } from './schema.ts';

describe('input schemas', () => {
  it.each(PROPERTIES.map((p) => [p.id, p] as const))('%s: drawn values fit its schema', (id, p) => {
    const schema = INPUT_SCHEMAS[id];
    expect(schema, `no input schema for ${id} in shrinks/inputSchemas.ts`).toBeDefined();
    for (const v of fc.sample(p.arb as fc.Arbitrary<unknown>, { seed: 7, numRuns: 25 })) {
      const r = schema?.safeParse(encodeValue(v));
      expect(r?.success === true ? 'fits' : describeIssue(r?.error as never, ['input'])).toBe('fits');
    }
  });
  it('has no schema for a property the catalogue does not have', () => {
    expect(Object.keys(INPUT_SCHEMAS).filter((id) => !PROPERTIES.some((p) => p.id === id))).toEqual([]);
  });
});
