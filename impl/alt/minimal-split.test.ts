// The second split implementation, plugged in through the same SutFactory shape.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootAll, fixture, makeConfig } from '../testing/setup.ts';
import type { Fixture } from '../testing/setup.ts';
import { recordBootSplitRepaint } from '../testing/record.ts';
import { summarize } from '../testing/summary.ts';
import { checkTraceSyntax } from '../testing/trace.ts';
import { drawLayout, leaves, maplets, translate } from '../testing/walker.ts';
import createMinimalSplitSut from './minimal-split.ts';

const PAGE_OFFSET = 0xffff000000000000n;
const G = 1n << 30n;

function booted(granule: '4K' | '16K' | '64K' = '4K'): Fixture {
  const f = fixture(makeConfig(granule), { factory: createMinimalSplitSut });
  bootAll(f);
  return f;
}

describe('minimal split (impl/alt) through the contract', () => {
  it('splits a page inside a PUD block down along its path, with contiguous children', () => {
    // Same machine as the port's worked example (4K, 2G at PA 1G). addr = +0x42345000:
    //   round 1: PUD[1] is a 1G block → a PMD table of 512 2M blocks in contiguous groups of 16
    //   round 2: PMD[17] is in a contiguous group → the 16 entries of PMD[16..31] lose PTE_CONT
    //   round 3: PMD[17] is a plain block → a PTE table of 512 4K pages in contiguous groups
    //   round 4: the PTE is in a contiguous group → its 16 entries lose PTE_CONT
    //   round 5: addr is a page boundary → done; one dsb(ishst); isb publishes.
    const f = booted();
    expect(f.ops.name).toBe('minimal-split');
    const addr = PAGE_OFFSET + 0x42345000n;
    const from = f.m.events.length;
    expect(f.run(f.ops.split_kernel_leaf_mapping(addr, addr + 0x1000n))).toBe(0);
    expect(summarize(f.m.events.slice(from), f.m.pageSize, new Map([[f.m.rootTable(), 'ROOT']]))).toEqual([
      'alloc T1 L2',
      'write T1 x512',
      'dsb ishst',
      'write T2 x1',
      'write T1 x16',
      'alloc T3 L3',
      'write T3 x512',
      'dsb ishst',
      'write T1 x1',
      'write T3 x16',
      'dsb ishst',
      'isb',
    ]);
    // The kernel's shape: only the group and the block holding addr are broken.
    expect(drawLayout(f.m, PAGE_OFFSET + G, PAGE_OFFSET + 2n * G)).toEqual([
      '+0x000000000 x16 L2 2M block CONT',
      '+0x002000000 x1 L2 2M block',
      '+0x002200000 x320 L3 4K page CONT',
      '+0x002340000 x16 L3 4K page',
      '+0x002350000 x176 L3 4K page CONT',
      '+0x002400000 x14 L2 2M block',
      '+0x004000000 x480 L2 2M block CONT',
    ]);
  });

  it('keeps the translation for random ranges on every granule, and pageattr uses it', () => {
    for (const granule of ['4K', '16K', '64K'] as const) {
      const span = 2n * G;
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: (1n << 17n) - 1n }), fc.bigInt({ min: 1n, max: 64n }), (p, n) => {
          const f = booted(granule);
          const page = f.m.pageSize;
          const s = PAGE_OFFSET + ((p * page) % span);
          const e = s + n * page > PAGE_OFFSET + span ? PAGE_OFFSET + span : s + n * page;
          const before = maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + span));
          expect(f.run(f.ops.split_kernel_leaf_mapping(s, e))).toBe(0);
          expect(maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + span))).toEqual(before);
          for (const b of [s, e])
            for (const l of leaves(f.m, b - 1n, b + 1n)) expect(l.va < b && b < l.va + l.size).toBe(false);
        }),
        { numRuns: 8 },
      );
    }
    const f = booted();
    const pa = 2n * G + 0x2345000n;
    const va = f.run(f.ops.vmalloc([pa]));
    expect(f.run(f.ops.set_memory_ro(va, 1))).toBe(0);
    expect((translate(f.m, pa - G + PAGE_OFFSET)?.leaf.desc ?? 0n) & (1n << 7n)).toBe(1n << 7n);
  });

  it('records a well-formed boot + split + repaint trace', () => {
    const m = recordBootSplitRepaint({ granule: '64K', factory: createMinimalSplitSut });
    expect(checkTraceSyntax(m.toJsonl())).toEqual([]);
  });
});
