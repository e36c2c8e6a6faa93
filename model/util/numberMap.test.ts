// NumberMap answers exactly as a Map does under any sequence of sets and deletes, collisions and
// wrap-around of its probe runs included (small key ranges force them).
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { NumberMap } from './numberMap.ts';

const op = (keys: fc.Arbitrary<number>): fc.Arbitrary<readonly ['set' | 'delete' | 'get', number]> =>
  fc.tuple(fc.constantFrom('set' as const, 'delete' as const, 'get' as const), keys);

test.prop([
  fc.oneof(
    fc.array(op(fc.integer({ min: 0, max: 40 }).map((k) => k * 8)), { maxLength: 400 }),
    // Hundreds of live keys at a load up to 1/2: long probe runs, deletes in their middle.
    fc.array(op(fc.integer({ min: 0, max: 600 }).map((k) => k * 8)), { minLength: 500, maxLength: 3000, size: 'max' }),
    // Page frame numbers: consecutive integers.
    fc.array(op(fc.integer({ min: 0, max: 600 })), { minLength: 500, maxLength: 3000, size: 'max' }),
    fc.array(op(fc.integer({ min: 0, max: 2 ** 40 }).map((k) => k * 8)), { maxLength: 400 }),
    fc.array(op(fc.constantFrom(0, 8 * 2 ** 32, 16 * 2 ** 32, 8, 2 ** 52 - 8)), { maxLength: 200 }),
  ),
])('NumberMap agrees with Map', (ops) => {
  const m = new NumberMap<number>();
  const ref = new Map<number, number>();
  ops.forEach(([kind, key], i) => {
    if (kind === 'set') {
      m.set(key, i);
      ref.set(key, i);
    } else if (kind === 'delete') {
      m.delete(key);
      ref.delete(key);
    }
    expect(m.get(key)).toBe(ref.get(key));
    expect(m.has(key)).toBe(ref.has(key));
    expect(m.size).toBe(ref.size);
  });
  for (const [k, v] of ref) expect(m.get(k)).toBe(v);
});
