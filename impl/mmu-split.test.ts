// Worked examples and properties of split_kernel_leaf_mapping() and its helpers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GranuleName } from './contract.ts';
import { fixture, makeConfig, NOABORT, oneBank, PLAIN, bootAll } from './testing/setup.ts';
import type { Fixture } from './testing/setup.ts';
import { summarize } from './testing/summary.ts';
import { drawLayout, leaves, maplets } from './testing/walker.ts';

const PAGE_OFFSET = 0xffff000000000000n;
const G = 1n << 30n;
const M = 1n << 20n;
const K = 1n << 10n;

/** Boots a one-CPU (BBML2-noabort) machine to the point where splits are allowed. */
function booted(granule: GranuleName, over: Parameters<typeof makeConfig>[1] = {}): Fixture {
  const f = fixture(makeConfig(granule, over));
  bootAll(f);
  return f;
}

/** Runs a split and returns its result and the folded events it produced. */
function split(f: Fixture, start: bigint, end: bigint): { ret: number; events: string[] } {
  const from = f.m.events.length;
  const ret = f.run(f.ops.split_kernel_leaf_mapping(start, end));
  return { ret, events: summarize(f.m.events.slice(from), f.m.pageSize, new Map([[f.m.rootTable(), 'ROOT']])) };
}

/** Whether `b` is a leaf boundary, a cont group counting as one leaf. */
function isBoundary(f: Fixture, b: bigint): boolean {
  const contCount: Record<GranuleName, [bigint, bigint]> = { '4K': [16n, 16n], '16K': [128n, 32n], '64K': [32n, 32n] };
  return leaves(f.m, b - 1n, b + 1n).every((l) => {
    let s = l.va;
    let size = l.size;
    if ((l.desc & (1n << 52n)) !== 0n) {
      const [ptes, pmds] = contCount[f.m.granule];
      size = l.size * (l.level === 3 ? ptes : pmds);
      s = l.va & ~(size - 1n);
    }
    return !(s < b && b < s + size);
  });
}

describe('split_kernel_leaf_mapping: worked examples (4K granule, bank of 2G at PA 1G, PHYS_OFFSET = 1G)', () => {
  it('splits a single page inside a PUD block: one PMD table, one de-conted PMD group, one PTE table, one de-conted PTE group', () => {
    // Arrange: after boot, VA offsets from PAGE_OFFSET (= PA - 1G):
    //
    //   0x00000000 ┬ PUD[0] → PMD table
    //              │   PMD[0..15]    2M blocks, no CONT (the kernel alias is mapped first, non-cont)
    //   0x02000000 │   PMD[16..511]  2M blocks, CONT groups of 16 (32M)
    //   0x40000000 ┼ PUD[1]  one 1G block                 ← addr = 0x42345000 lies in here
    //   0x80000000 ┴
    const f = booted('4K');
    expect(drawLayout(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G)).toEqual([
      '+0x000000000 x16 L2 2M block',
      '+0x002000000 x496 L2 2M block CONT',
      '+0x040000000 x1 L1 1G block',
    ]);
    const before = maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G));
    const addr = PAGE_OFFSET + 0x42345000n;

    // Act: one page; __ffs(addr) = 12 < __ffs(addr + 4K) = 13, so only addr is split.
    const { ret, events } = split(f, addr, addr + 4n * K);

    // Assert: exactly these writes, in this order, and no TLBI:
    //   split_pud:      alloc T1 (PMD table), 512 CONT PMD blocks, dsb(ishst), PUD[1] := T1
    //   split_contpmd:  PMD[16..31] lose CONT (16 writes)
    //   split_pmd:      alloc T2 (PTE table), 512 CONT PTEs, dsb(ishst), PMD[17] := T2
    //   split_contpte:  PTE[320..335] lose CONT (16 writes)
    //   lazy MMU exit:  the deferred dsb(ishst); isb
    expect(ret).toBe(0);
    expect(events).toEqual([
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
    //   0x40000000 ┬ PUD[1] → PMD table T1
    //              │   PMD[0..15]   2M CONT          (group 0 untouched)
    //   0x42000000 │   PMD[16]      2M, CONT cleared (the de-conted group 16..31)
    //   0x42200000 │   PMD[17] → PTE table T3
    //              │      PTE[0..319]    4K CONT
    //   0x42340000 │      PTE[320..335]  4K, CONT cleared   ← addr's group
    //   0x42350000 │      PTE[336..511]  4K CONT
    //   0x42400000 │   PMD[18..31]  2M, CONT cleared
    //   0x44000000 ┴   PMD[32..511] 2M CONT
    expect(drawLayout(f.m, PAGE_OFFSET + G, PAGE_OFFSET + 2n * G)).toEqual([
      '+0x000000000 x16 L2 2M block CONT',
      '+0x002000000 x1 L2 2M block',
      '+0x002200000 x320 L3 4K page CONT',
      '+0x002340000 x16 L3 4K page',
      '+0x002350000 x176 L3 4K page CONT',
      '+0x002400000 x14 L2 2M block',
      '+0x004000000 x480 L2 2M block CONT',
    ]);
    expect(maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G))).toEqual(before);
    expect(isBoundary(f, addr) && isBoundary(f, addr + 4n * K)).toBe(true);
  });

  it('splits both edges of a multi-page range; blocks wholly inside stay large', () => {
    // Arrange: range [0x04100000, 0x08300000) inside the CONT PMD area of PUD[0].
    //   start 0x04100000: PMD[32] (group 32..47) → de-cont group, split PMD[32] to CONT PTEs,
    //                     PTE[256] is CONT-aligned (64K) → stop there.
    //   end   0x08300000: PMD[65] (group 64..79) → de-cont group, split PMD[65],
    //                     PTE[256] again CONT-aligned → stop.
    //
    //   0x04000000 ┬ PMD[32] → PTE table, 512 CONT PTEs
    //   0x04200000 │ PMD[33..47] 2M, CONT cleared
    //   0x06000000 │ PMD[48..63] 2M CONT               (wholly inside: untouched)
    //   0x08000000 │ PMD[64] 2M, CONT cleared
    //   0x08200000 │ PMD[65] → PTE table, 512 CONT PTEs
    //   0x08400000 ┴ PMD[66..79] 2M, CONT cleared
    const f = booted('4K');
    const start = PAGE_OFFSET + 0x04100000n;
    const end = PAGE_OFFSET + 0x08300000n;

    // Act
    const { ret, events } = split(f, start, end);

    // Assert
    expect(ret).toBe(0);
    expect(events).toEqual([
      'write T1 x16',
      'alloc T2 L3',
      'write T2 x512',
      'dsb ishst',
      'write T1 x17', // PMD[32] := T2, then PMD[64..79] lose CONT (same table page)
      'alloc T3 L3',
      'write T3 x512',
      'dsb ishst',
      'write T1 x1',
      'dsb ishst',
      'isb',
    ]);
    expect(drawLayout(f.m, PAGE_OFFSET + 0x04000000n, PAGE_OFFSET + 0x0a000000n)).toEqual([
      '+0x000000000 x512 L3 4K page CONT',
      '+0x000200000 x15 L2 2M block',
      '+0x002000000 x16 L2 2M block CONT',
      '+0x004000000 x1 L2 2M block',
      '+0x004200000 x512 L3 4K page CONT',
      '+0x004400000 x14 L2 2M block',
    ]);
  });

  it('does nothing when both edges are already leaf boundaries', () => {
    const f = booted('4K');
    // The whole PUD block, one CONT PMD group, one plain PMD block: stops at the first aligned level.
    for (const [off, size] of [
      [0x40000000n, G],
      [0x02000000n, 32n * M],
      [0x00200000n, 2n * M],
    ] as const) {
      expect(split(f, PAGE_OFFSET + off, PAGE_OFFSET + off + size).events).toEqual([]);
    }
  });

  it('returns 0 without reading on an unmapped address (a hole)', () => {
    const f = booted('4K');
    expect(split(f, PAGE_OFFSET + 3n * G + 0x5000n, PAGE_OFFSET + 3n * G + 0x6000n)).toEqual({ ret: 0, events: [] });
  });
});

describe('split_kernel_leaf_mapping: other granules', () => {
  it('16K: a page in a CONT PMD block (32M, groups of 32) becomes CONT PTE groups of 128 (2M)', () => {
    // 16K, VA offsets: [0, 32M) PTE table (kernel alias), [32M, 1G) 31 plain 32M blocks,
    // [1G, 2G) 32M blocks in one CONT group of 32 (1G).
    const f = booted('16K');
    const addr = PAGE_OFFSET + G + 0x0a34c000n;
    const { ret, events } = split(f, addr, addr + 16n * K);
    expect(ret).toBe(0);
    expect(events).toEqual([
      'write T1 x32',
      'alloc T2 L3',
      'write T2 x2048',
      'dsb ishst',
      'write T1 x1',
      'write T2 x128',
      'dsb ishst',
      'isb',
    ]);
    expect(drawLayout(f.m, PAGE_OFFSET + G + 0x0a000000n, PAGE_OFFSET + G + 0x0c000000n)).toEqual([
      '+0x000000000 x128 L3 16K page CONT',
      '+0x000200000 x128 L3 16K page',
      '+0x000400000 x1792 L3 16K page CONT',
    ]);
  });

  it('64K: a page in a 512M block becomes a PTE table of CONT groups of 32 (2M)', () => {
    const f = booted('64K');
    const addr = PAGE_OFFSET + 0x20000000n + 0x00450000n;
    const { ret, events } = split(f, addr, addr + 64n * K);
    expect(ret).toBe(0);
    expect(events).toEqual([
      'alloc T1 L3',
      'write T1 x8192',
      'dsb ishst',
      'write T2 x1',
      'write T1 x32',
      'dsb ishst',
      'isb',
    ]);
    expect(drawLayout(f.m, PAGE_OFFSET + 0x20000000n, PAGE_OFFSET + 0x20800000n)).toEqual([
      '+0x000000000 x64 L3 64K page CONT',
      '+0x000400000 x32 L3 64K page', // PTE[64..95]: the group of PTE[69]
      '+0x000600000 x32 L3 64K page CONT',
    ]);
  });
});

describe('split_kernel_leaf_mapping: early exits and errors (v7.1)', () => {
  it('-EINVAL on an unaligned range (only past the early exits)', () => {
    const f = booted('4K');
    expect(split(f, PAGE_OFFSET + 0x1001n, PAGE_OFFSET + 0x3000n).ret).toBe(-22);
  });

  it('-ENOMEM when a table allocation fails; the translation is unchanged', () => {
    // Allocation #0 is the first table of boot; count boot's allocations, then fail the 2nd of the split.
    const probe = booted('4K');
    const bootAllocs = probe.m.records.filter((r) => r.kind === 'alloc').length;
    const f = fixture(makeConfig('4K'), { failAllocAt: [bootAllocs + 1] });
    bootAll(f);
    const before = maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G));
    const addr = PAGE_OFFSET + 0x42345000n;
    const { ret } = split(f, addr, addr + 4n * K);
    expect(ret).toBe(-12);
    // The PUD split (first allocation) stays; the PMD split did not happen.
    expect(maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G))).toEqual(before);
    expect(drawLayout(f.m, PAGE_OFFSET + 0x42000000n, PAGE_OFFSET + 0x42400000n)).toEqual([
      '+0x000000000 x2 L2 2M block',
    ]);
  });

  it('-EBUSY with a WARN before mem_init() (blackout window 1)', () => {
    const f = fixture(makeConfig('4K'));
    f.run(f.ops.boot());
    expect(split(f, PAGE_OFFSET + 0x42345000n, PAGE_OFFSET + 0x42346000n)).toEqual({ ret: -16, events: [] });
    expect(f.m.records.some((r) => r.kind === 'warn' && r.message.includes('page_alloc_available'))).toBe(true);
  });

  it('-EBUSY with a WARN once a secondary is up before finalisation (blackout window 2)', () => {
    const f = fixture(makeConfig('4K', { cpus: [NOABORT(0), NOABORT(1)] }));
    f.run(f.ops.boot());
    f.run(f.ops.mem_init());
    f.run(f.ops.secondary_start_kernel(), 1);
    expect(split(f, PAGE_OFFSET + 0x42345000n, PAGE_OFFSET + 0x42346000n)).toEqual({ ret: -16, events: [] });
    expect(f.m.records.some((r) => r.kind === 'warn' && r.message.includes('num_online_cpus'))).toBe(true);
  });

  it('splits before finalisation with one CPU online and the page allocator up', () => {
    const f = fixture(makeConfig('4K'));
    f.run(f.ops.boot());
    f.run(f.ops.mem_init());
    expect(split(f, PAGE_OFFSET + 0x42345000n, PAGE_OFFSET + 0x42346000n).events[0]).toBe('alloc T1 L2');
  });

  it('returns 0 on a finalised system without the capability (after the repaint)', () => {
    const f = fixture(makeConfig('4K', { cpus: [NOABORT(0), PLAIN(1)], memblock: oneBank(256n * M) }));
    bootAll(f);
    expect(f.ops.inspect().system_supports_bbml2_noabort).toBe(false);
    expect(split(f, PAGE_OFFSET + 0x0a345000n, PAGE_OFFSET + 0x0a346000n)).toEqual({ ret: 0, events: [] });
  });

  it('returns 0 when the linear map never relied on BBML2 (rodata=noalias)', () => {
    const f = booted('4K', { rodata: 'noalias' });
    expect(f.ops.inspect().linear_map_requires_bbml2).toBe(false);
    expect(split(f, PAGE_OFFSET + 0x42345000n, PAGE_OFFSET + 0x42346000n)).toEqual({ ret: 0, events: [] });
  });

  it('v6.18: no blackout windows — returns 0 before finalisation, so nothing is split', () => {
    const f = fixture(makeConfig('4K', { variant: 'v6.18' }));
    f.run(f.ops.boot());
    f.run(f.ops.mem_init());
    expect(split(f, PAGE_OFFSET + 0x42345000n, PAGE_OFFSET + 0x42346000n)).toEqual({ ret: 0, events: [] });
    f.run(f.ops.setup_system_features());
    expect(split(f, PAGE_OFFSET + 0x42345000n, PAGE_OFFSET + 0x42346000n).ret).toBe(0);
    expect(leaves(f.m, PAGE_OFFSET + 0x42345000n, PAGE_OFFSET + 0x42346000n)[0]?.level).toBe(3);
  });
});

describe('split_kernel_leaf_mapping: properties', () => {
  it('split.preserves-interp + split.boundaries: any page-aligned range keeps the translation and becomes leaf-bounded', () => {
    for (const granule of ['4K', '16K', '64K'] as const) {
      const f = booted(granule);
      const page = f.m.pageSize;
      const span = 2n * G;
      const arb = fc
        .tuple(fc.bigInt({ min: 0n, max: span / page - 1n }), fc.bigInt({ min: 1n, max: 4096n }))
        .map(([s, n]) => [PAGE_OFFSET + s * page, PAGE_OFFSET + (s + n > span / page ? span / page : s + n) * page]);
      fc.assert(
        fc.property(fc.array(arb, { minLength: 1, maxLength: 4 }), (ranges) => {
          const g = booted(granule);
          const before = maplets(leaves(g.m, PAGE_OFFSET, PAGE_OFFSET + span));
          for (const [s, e] of ranges) {
            if (s === undefined || e === undefined || s >= e) continue;
            const { ret, events } = split(g, s, e);
            expect(ret).toBe(0);
            expect(events.filter((x) => x.startsWith('tlbi'))).toEqual([]);
            expect(isBoundary(g, s) && isBoundary(g, e)).toBe(true);
          }
          expect(maplets(leaves(g.m, PAGE_OFFSET, PAGE_OFFSET + span))).toEqual(before);
        }),
        { numRuns: granule === '4K' ? 25 : 10 },
      );
      expect(f.m.events.length).toBeGreaterThan(0);
    }
  });
});
