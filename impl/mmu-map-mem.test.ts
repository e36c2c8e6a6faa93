// Boot-time linear map: map_mem() over memblock layouts, force_pte_mapping(), the flags.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GranuleName, MemblockLayout, PhysRange } from './contract.ts';
import { fixture, makeConfig, NOABORT, oneBank, PLAIN } from './testing/setup.ts';
import { drawLayout, leafAttrs, leaves, maplets } from './testing/walker.ts';

const PAGE_OFFSET = 0xffff000000000000n;
const G = 1n << 30n;
const M = 1n << 20n;
const BIT = (n: number): bigint => 1n << BigInt(n);
/** The attributes every RAM leaf carries: valid, AttrIndx 1 (Normal-Tagged), SH=IS, AF, DBM, PXN, UXN. */
const RAM_ATTRS = 1n | (1n << 2n) | (3n << 8n) | BIT(10) | BIT(51) | BIT(53) | BIT(54);
const MEMSTART: Record<GranuleName, bigint> = { '4K': G, '16K': G, '64K': 512n * M };

describe('map_mem: v7.2-rc with a BBML2-noabort boot CPU and rodata=full (blocks and cont groups)', () => {
  it('4K: 2M blocks around the kernel alias, CONT PMD groups, a 1G PUD block', () => {
    // VA offset  0 ┬ PUD[0] → PMD table: PMD[0..15] plain 2M blocks (alias [2M,18M) mapped first)
    //          32M │                     PMD[16..511] 2M blocks in CONT groups of 16
    //           1G ┼ PUD[1] 1G block
    //           2G ┴
    const f = fixture(makeConfig('4K'));
    f.run(f.ops.boot());
    expect(drawLayout(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G)).toEqual([
      '+0x000000000 x16 L2 2M block',
      '+0x002000000 x496 L2 2M block CONT',
      '+0x040000000 x1 L1 1G block',
    ]);
    expect(f.ops.inspect().linear_map_requires_bbml2).toBe(true);
  });

  it('16K: a PTE table of CONT groups (2M) where the alias is, 32M blocks, a CONT PMD group (1G)', () => {
    const f = fixture(makeConfig('16K'));
    f.run(f.ops.boot());
    expect(drawLayout(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G)).toEqual([
      '+0x000000000 x2048 L3 16K page CONT',
      '+0x002000000 x31 L2 32M block',
      '+0x040000000 x32 L2 32M block CONT',
    ]);
  });

  it('64K: a PTE table of CONT groups (2M), then 512M blocks; no PUD level', () => {
    const f = fixture(makeConfig('64K'));
    f.run(f.ops.boot());
    expect(drawLayout(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G)).toEqual([
      '+0x000000000 x8192 L3 64K page CONT',
      '+0x020000000 x3 L2 512M block',
    ]);
    // The root is a level-1 table; its entry for the linear map points at a level-2 table.
    const tables = [...f.m.tables().values()];
    expect(tables.filter((l) => l === 0)).toEqual([]);
  });

  it('table entries carry PXNTable, UXNTable and the table AF bit (NO_EXEC_MAPPINGS)', () => {
    const f = fixture(makeConfig('4K'));
    f.run(f.ops.boot());
    const root = f.m.peek(f.m.rootTable());
    expect(root & 3n).toBe(3n);
    expect(root & (BIT(59) | BIT(60) | BIT(10))).toBe(BIT(59) | BIT(60) | BIT(10));
    for (const l of leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G)) expect(leafAttrs(l)).toBe(RAM_ATTRS);
  });
});

describe('force_pte_mapping() and linear_map_requires_bbml2', () => {
  const small = oneBank(128n * M);
  const cases: [string, Parameters<typeof makeConfig>[1], boolean, boolean][] = [
    ['debug_pagealloc, even with BBML2', { debug_pagealloc: true }, true, false],
    ['rodata=full, boot CPU without BBML2', { cpus: [PLAIN(0)] }, true, false],
    ['realm, boot CPU without BBML2', { cpus: [PLAIN(0)], rodata: 'off', realm: true }, true, false],
    ['late KFENCE, boot CPU without BBML2', { cpus: [PLAIN(0)], rodata: 'off', kfence: 'late' }, true, false],
    [
      'rodata=noalias, boot CPU without BBML2: blocks, nothing needs splitting',
      { cpus: [PLAIN(0)], rodata: 'noalias' },
      false,
      false,
    ],
    ['rodata=full with BBML2', {}, false, true],
    ['rodata=off with BBML2: blocks, but can_set_direct_map() is false', { rodata: 'off' }, false, false],
  ];
  for (const [what, over, pte, requires] of cases) {
    it(`${what}: ${pte ? 'PTE-mapped' : 'blocks'}, linear_map_requires_bbml2 = ${requires}`, () => {
      const f = fixture(makeConfig('4K', { memblock: small, ...over }));
      f.run(f.ops.boot());
      const ls = leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 128n * M);
      expect(ls.every((l) => l.level === 3 && (l.desc & BIT(52)) === 0n)).toBe(pte);
      expect(f.ops.inspect().linear_map_requires_bbml2).toBe(requires);
    });
  }
});

describe('map_mem: which variant has which shape (impl/README.md, versions)', () => {
  const layout = (variant: 'v7.2-rc' | 'v7.1' | 'v7.3' | 'v6.18' | 'prealloc'): string[] => {
    const f = fixture(makeConfig('16K', { variant }));
    f.run(f.ops.boot());
    return drawLayout(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G);
  };

  it("v7.1 is v6.18's order (alias NOMAP'd in the bank loop, then mapped alone), v7.3 and prealloc are v7.2-rc's", () => {
    // 16K: the alias [2M, 18M) lies inside the first 32M PMD. v7.2-rc maps it first, so the bank
    // loop fills one PTE table of CONT groups around it; v6.18/v7.1 map the bank around a NOMAP'd
    // alias (CONT groups), then the alias with NO_CONT_MAPPINGS (plain pages).
    const v72 = layout('v7.2-rc');
    expect(v72[0]).toBe('+0x000000000 x2048 L3 16K page CONT');
    expect(layout('v7.1')).toEqual(layout('v6.18'));
    expect(layout('v7.1')).not.toEqual(v72);
    expect(layout('v7.3')).toEqual(v72);
    expect(layout('prealloc')).toEqual(v72);
  });
});

describe('map_mem: the kernel alias and the KFENCE pool', () => {
  it('v6.18 maps the alias last with PAGE_KERNEL (Normal, not tagged) and NO_CONT_MAPPINGS only, so blocks even under force_pte', () => {
    const f = fixture(makeConfig('4K', { variant: 'v6.18', cpus: [PLAIN(0)], memblock: oneBank(64n * M) }));
    f.run(f.ops.boot());
    expect(drawLayout(f.m, PAGE_OFFSET, PAGE_OFFSET + 64n * M)).toEqual([
      '+0x000000000 x512 L3 4K page',
      '+0x000200000 x8 L2 2M block',
      '+0x001200000 x11776 L3 4K page',
    ]);
    const alias = leaves(f.m, PAGE_OFFSET + 2n * M, PAGE_OFFSET + 4n * M)[0];
    expect((alias?.desc ?? 0n) & (7n << 2n)).toBe(0n);
    expect((alias?.desc ?? 0n) & BIT(53)).toBe(BIT(53)); // PAGE_KERNEL has PXN
  });

  for (const variant of ['v7.2-rc', 'v6.18'] as const) {
    it(`${variant}: an early KFENCE pool is page-mapped inside an otherwise block-mapped map`, () => {
      // Pool: 2M (512 × 4K) at PA 1G + 64M, in the CONT PMD area.
      const pool = G + 64n * M;
      const f = fixture(makeConfig('4K', { variant, kfence: 'early', memblock: oneBank(2n * G, pool) }));
      f.run(f.ops.boot());
      expect(f.ops.inspect().kfence_pool_va).toBe(PAGE_OFFSET + 64n * M);
      // v7.2-rc maps the pool first, then the bank: the pool's PMD entry is a valid non-cont table
      // entry, so its CONT PMD group stays plain. v6.18 NOMAPs the pool, so the bank ranges end
      // and start at it: same shape.
      //   +32M  PMD[16..31] CONT | +64M PMD[32] → 512 plain PTEs (pool) | +66M PMD[33..47] plain
      expect(drawLayout(f.m, PAGE_OFFSET + 32n * M, PAGE_OFFSET + 128n * M)).toEqual([
        '+0x000000000 x16 L2 2M block CONT',
        '+0x002000000 x512 L3 4K page',
        '+0x002200000 x15 L2 2M block',
        '+0x004000000 x16 L2 2M block CONT',
      ]);
    });
  }
});

/** Merges ranges that touch. */
function merge(rs: readonly PhysRange[]): PhysRange[] {
  const out: PhysRange[] = [];
  for (const r of [...rs].sort((a, b) => (a.base < b.base ? -1 : 1))) {
    const last = out[out.length - 1];
    if (last !== undefined && last.base + last.size === r.base)
      out[out.length - 1] = { base: last.base, size: last.size + r.size };
    else out.push(r);
  }
  return out;
}

/** A random layout: 1–3 banks of up to `maxUnits` × 2M (plus slack) with holes, the kernel inside the first bank. */
function layoutArb(granule: GranuleName, maxUnits: bigint): fc.Arbitrary<MemblockLayout> {
  const page = granule === '4K' ? 4096n : granule === '16K' ? 16384n : 65536n;
  const unit = 2n * M;
  const bank = fc.tuple(
    fc.bigInt({ min: 0n, max: 64n }),
    fc.bigInt({ min: 1n, max: maxUnits }),
    fc.bigInt({ min: 0n, max: 3n }),
  );
  return fc.array(bank, { minLength: 1, maxLength: 3 }).map((bs) => {
    let base = G;
    const banks: PhysRange[] = [];
    for (const [gap, size, slack] of bs) {
      base += gap * unit + slack * page;
      const s = size * unit + slack * page;
      banks.push({ base, size: s });
      base += s;
    }
    const b0 = banks[0] ?? { base: G, size: 64n * M };
    const text = (b0.base + page - 1n) & ~(page - 1n);
    const room = ((b0.base + b0.size - text) / 4n) & ~(page - 1n);
    return {
      banks,
      kernel: { text, stext: text, init_begin: text + room, init_end: text + room + page, end: text + 2n * room },
    };
  });
}

describe('map_mem: random memblock layouts (fast-check)', () => {
  for (const granule of ['4K', '16K', '64K'] as const) {
    it(`${granule}: exactly the banks are mapped, at __va(pa) = pa - PHYS_OFFSET + PAGE_OFFSET, with RAM attributes and consistent cont groups`, () => {
      fc.assert(
        // Without BBML2 the map is page-mapped, so keep those layouts small (≤ 3 × 32M).
        fc.property(
          fc.boolean().chain((b) => layoutArb(granule, b ? 600n : 16n).map((l) => [l, b] as const)),
          ([layout, bbml2]) => {
            const f = fixture(makeConfig(granule, { memblock: layout, cpus: [bbml2 ? NOABORT(0) : PLAIN(0)] }));
            f.run(f.ops.boot());
            const last = layout.banks[layout.banks.length - 1] ?? { base: G, size: 0n };
            const physOffset = (layout.banks[0]?.base ?? G) & ~(MEMSTART[granule] - 1n);
            const ls = leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + (last.base + last.size - physOffset));
            const mapped = maplets(ls);
            expect(mapped.map((m) => ({ base: m.pa, size: m.size }))).toEqual(merge(layout.banks));
            for (const m of mapped) {
              expect(m.va - PAGE_OFFSET + physOffset).toBe(m.pa);
              expect(m.attrs).toBe(RAM_ATTRS);
            }
            // Cont groups: every entry of a CONT leaf's group is present, CONT, and linear, and the
            // group's output is aligned to the group's size.
            const byEntry = new Map(ls.map((l) => [l.entry, l]));
            const n = granule === '4K' ? [16n, 16n] : granule === '16K' ? [128n, 32n] : [32n, 32n];
            const bad: bigint[] = [];
            for (const l of ls) {
              if ((l.desc & BIT(52)) === 0n) continue;
              const count = l.level === 3 ? (n[0] ?? 1n) : (n[1] ?? 1n);
              const first = l.entry & ~(count * 8n - 1n);
              const head = byEntry.get(first);
              const i = (l.entry - first) / 8n;
              const ok =
                head !== undefined &&
                (head.desc & BIT(52)) !== 0n &&
                head.pa % (count * l.size) === 0n &&
                l.pa === head.pa + i * l.size &&
                byEntry.get(first + (count - 1n) * 8n) !== undefined;
              if (!ok) bad.push(l.va);
            }
            expect(bad).toEqual([]);
          },
        ),
        { numRuns: 20 },
      );
    });
  }

  it('firmware NOMAP regions and holes stay unmapped', () => {
    const lay: MemblockLayout = {
      ...oneBank(256n * M),
      banks: [
        { base: G, size: 128n * M },
        { base: G + 192n * M, size: 64n * M },
      ],
      nomap: [{ base: G + 100n * M, size: 3n * M }],
    };
    const f = fixture(makeConfig('4K', { memblock: lay }));
    f.run(f.ops.boot());
    const mapped = maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 256n * M)).map((m) =>
      [m.pa - G, m.size].map((x) => x / M),
    );
    expect(mapped).toEqual([
      [0n, 100n],
      [103n, 25n],
      [192n, 64n],
    ]);
  });
});
