// The contiguous-group counts give the verdict the scan of the group's entries gives, after every
// store of any sequence: members that agree, that are misplaced, misaligned, of other attributes
// or permissions, without the Contiguous bit, table descriptors, invalid entries, at the PTE and
// block levels of every granule (128-entry 16K PTE groups included).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitDescriptor } from './descriptor.ts';
import type { GranuleName } from '../events.ts';
import { GEOMETRIES } from './geometry.ts';
import { TablePage } from './memory.ts';
import { checkContiguousGroup, scanContiguousGroup } from '../bbm/contiguous.ts';
import { leafDescriptor, tableDescriptor } from '../testing/descriptors.ts';

const weighted = <T>(often: fc.Arbitrary<T>, rarely: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: often, weight: 4 }, { arbitrary: rarely, weight: 1 });

/**
 * A store into group 0 or 1 of the page: which entry (mostly one of the first three, so that
 * members are rewritten) and what value (mostly a well-placed Contiguous leaf).
 */
const storeArb = fc.record({
  group: fc.nat(1),
  entry: weighted(fc.nat(2), fc.nat(127)),
  kind: weighted(fc.constant('place'), fc.constantFrom('off', 'other-base', 'misaligned', 'invalid', 'table')),
  cont: weighted(fc.constant(true), fc.constant(false)),
  readOnly: fc.boolean(),
  attrIndx: weighted(fc.constant(0), fc.constantFrom(1, 4)),
});

describe('GroupSummary', () => {
  it.each<[GranuleName, number]>([
    ['4K', 3],
    ['4K', 2],
    ['16K', 3],
    ['64K', 2],
  ])('%s level %i: the counts agree with the scan', (granule, level) => {
    const geo = GEOMETRIES[granule];
    const n = geo.contEntries[level] ?? 0;
    const size = geo.entrySpan[level] ?? 0;
    const span = n * size;
    fc.assert(
      fc.property(fc.array(storeArb, { maxLength: 3 * n }), (stores) => {
        const page = new TablePage(0x1000_0000 * 4, level, geo);
        for (const s of stores) {
          const index = s.group * n + (s.entry % n);
          const i = s.entry % n;
          const base = 0x40_0000_0000 + s.group * span;
          const oa =
            s.kind === 'off'
              ? base + ((i + 1) % n) * size
              : s.kind === 'other-base'
                ? base + 2 * span + i * size
                : s.kind === 'misaligned'
                  ? base + size + i * size
                  : base + i * size;
          const value =
            s.kind === 'invalid'
              ? 0n
              : s.kind === 'table'
                ? tableDescriptor(0x8000_0000n)
                : leafDescriptor(BigInt(oa), level === 3, { cont: s.cont, readOnly: s.readOnly, attrIndx: s.attrIndx });
          const [lo, hi] = splitDescriptor(value);
          page.set(index, lo, hi);
          for (const g of [0, 1])
            for (const mix of [true, false])
              expect(checkContiguousGroup(geo, page, g * n, mix)).toEqual(scanContiguousGroup(geo, page, g * n, mix));
        }
      }),
      { numRuns: 200 },
    );
  });
});
