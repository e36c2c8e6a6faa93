// OrderedNumberMap answers and iterates exactly as a Map does (insertion order; a key set again
// keeps its place, a key deleted and added again goes last) under any sequence of operations.
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { OrderedNumberMap } from './orderedNumberMap.ts';

const op = (keys: number): fc.Arbitrary<readonly ['set' | 'delete', number]> =>
  fc.tuple(
    fc.constantFrom('set' as const, 'delete' as const),
    fc.integer({ min: 0, max: keys }).map((k) => k * 4096),
  );

test.prop([
  fc.oneof(
    // A few keys: the latest key deleted and added again, the first and the last removed.
    fc.array(op(6), { maxLength: 60 }),
    // Hundreds of keys (fast-check's default size would keep arrays to a few elements).
    fc.array(op(300), { minLength: 200, maxLength: 1500, size: 'max' }),
  ),
])('OrderedNumberMap agrees with Map, order included', (ops) => {
  const m = new OrderedNumberMap<number>();
  const ref = new Map<number, number>();
  ops.forEach(([kind, key], i) => {
    if (kind === 'set') {
      m.set(key, i);
      ref.set(key, i);
    } else {
      m.delete(key);
      ref.delete(key);
    }
    expect(m.get(key)).toBe(ref.get(key));
    expect(m.size).toBe(ref.size);
  });
  const walked: [number, number][] = [];
  for (let n = m.first; n !== undefined; n = n.next) walked.push([n.key, n.value]);
  expect(walked).toEqual([...ref]);
  expect(m.nodes().map((n) => [n.key, n.value])).toEqual([...ref]);
});
