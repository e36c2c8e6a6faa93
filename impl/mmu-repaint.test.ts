// The stop_machine() repaint: linear_map_maybe_split_to_ptes(), the idmap flag protocol, the
// prealloc variant, and the capability decisions that lead to it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Variant } from './contract.ts';
import { runInterleaved } from './sched.ts';
import type { RunRecord } from './testing/memory-machine.ts';
import { bootAll, fixture, makeConfig, NOABORT, oneBank, PLAIN } from './testing/setup.ts';
import type { Fixture } from './testing/setup.ts';
import type { TraceEvent } from './testing/trace.ts';
import { drawLayout, leaves, maplets } from './testing/walker.ts';

const PAGE_OFFSET = 0xffff000000000000n;
const G = 1n << 30n;
const M = 1n << 20n;

/** Boot CPU with BBML2-noabort, CPU 1 without: the asymmetric system that needs a repaint. */
function asymmetric(variant: Variant, size = 2n * G, extra: Parameters<typeof makeConfig>[1] = {}): Fixture {
  return fixture(
    makeConfig('4K', { variant, cpus: [NOABORT(0), PLAIN(1), NOABORT(2)], memblock: oneBank(size), ...extra }),
  );
}

/** Boots up to (not including) setup_system_features(). */
function upToFinalisation(f: Fixture): void {
  f.run(f.ops.boot());
  f.run(f.ops.mem_init());
  for (const c of f.cfg.cpus.slice(1)) f.run(f.ops.secondary_start_kernel(), c.id);
}

/** Checks the idmap_kpti_bbml2_flag protocol in the events between `stop` and `resume`. */
function checkProtocol(events: readonly TraceEvent[], secondaries: readonly number[]): void {
  const stop = events.findIndex((e) => e.op === 'stop');
  const resume = events.findIndex((e) => e.op === 'resume');
  expect(stop).toBeGreaterThanOrEqual(0);
  expect(resume).toBeGreaterThan(stop);
  const inside = events.slice(stop + 1, resume);
  const firstWrite = inside.findIndex((e) => e.op === 'write');
  const fullFlush = inside.findIndex((e) => e.op === 'tlbi' && e.kind === 'vmalle1is');
  expect(inside.filter((e) => e.op === 'write' && e.cpu !== 0)).toEqual([]);
  for (const cpu of secondaries) {
    const mine = inside
      .filter((e) => 'cpu' in e && e.cpu === cpu)
      .map((e) => (e.op === 'tlbi' ? `tlbi ${e.kind}` : e.op === 'dsb' ? `dsb ${e.dom}` : e.op));
    // cpu_install_idmap, __idmap_cpu_set_reserved_ttbr1, (flag++ and wfe), unpark + isb, cpu_uninstall_idmap
    expect(mine).toEqual([
      'dsb nshst',
      'tlbi vmalle1',
      'dsb nsh',
      'isb',
      'park',
      'isb',
      'tlbi vmalle1',
      'dsb nsh',
      'isb',
      'unpark',
      'isb',
      'dsb nshst',
      'tlbi vmalle1',
      'dsb nsh',
      'isb',
    ]);
    const park = inside.findIndex((e) => e.op === 'park' && e.cpu === cpu);
    const unpark = inside.findIndex((e) => e.op === 'unpark' && e.cpu === cpu);
    // The boot CPU writes only once every other CPU has parked and flushed its TLB, and releases
    // them only after the full flush.
    expect(park + 4).toBeLessThan(firstWrite);
    expect(unpark).toBeGreaterThan(fullFlush);
  }
}

const allocs = (records: readonly RunRecord[]): Extract<RunRecord, { kind: 'alloc' }>[] =>
  records.filter((r): r is Extract<RunRecord, { kind: 'alloc' }> => r.kind === 'alloc');

describe('linear_map_split_to_ptes (v7.1): an early secondary without BBML2-noabort', () => {
  it('repaints everything outside the kernel alias to plain PTEs, same translation, protocol kept', () => {
    // Arrange: 4K, 2G at PA 1G. Before the repaint (VA offsets):
    //   [0, 32M)   PMD[0..15] 2M blocks (kernel alias [2M, 18M) among them)
    //   [32M, 1G)  2M blocks in CONT groups
    //   [1G, 2G)   one 1G PUD block
    const f = asymmetric('v7.2-rc');
    upToFinalisation(f);
    expect(f.ops.inspect().cap_bbml2_noabort).toBe(false); // cleared by CPU 1 (MATCH_ALL_EARLY_CPUS)
    const before = maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G));
    const from = f.m.events.length;

    // Act
    f.run(f.ops.setup_system_features());

    // Assert: after, [lm_alias(_stext), lm_alias(__init_begin)) = [2M, 18M) keeps its blocks:
    //   [0, 2M)    512 plain PTEs
    //   [2M, 18M)  8 PMD blocks (the kernel alias, skipped)
    //   [18M, 2G)  plain PTEs
    expect(drawLayout(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G)).toEqual([
      '+0x000000000 x512 L3 4K page',
      '+0x000200000 x8 L2 2M block',
      '+0x001200000 x519680 L3 4K page',
    ]);
    expect(maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G))).toEqual(before);
    const events = f.m.events.slice(from);
    checkProtocol(events, [1, 2]);
    expect(events.filter((e) => e.op === 'tlbi' && e.cpu === 0).map((e) => e.op === 'tlbi' && e.kind)).toEqual([
      'vmalle1is',
    ]);
    const inStop = allocs(f.m.records).filter((r) => r.inStopMachine);
    expect(inStop.length).toBe(1 + 512 + 504); // the PUD block: 1 PMD + 512 PTE tables; 512 PMD blocks minus the 8 of the alias
    expect(inStop.every((r) => r.gfp === 'GFP_ATOMIC' && r.context === 'stopped' && r.cpu === 0)).toBe(true);
    expect(f.ops.inspect().idmap_kpti_bbml2_flag).toBe(0);
  });

  it('panics when an allocation fails inside stop_machine()', () => {
    const probe = asymmetric('v7.2-rc', 256n * M);
    upToFinalisation(probe);
    const n = allocs(probe.m.records).length;
    const f = fixture(probe.cfg, { failAllocAt: [n + 3] });
    upToFinalisation(f);
    expect(() => f.run(f.ops.setup_system_features())).toThrow('Failed to split linear map');
    expect(f.m.records.some((r) => r.kind === 'panic')).toBe(true);
  });

  it('interleavings: any schedule keeps the flag protocol', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(7), { maxLength: 400 }), (schedule) => {
        const f = asymmetric('v7.2-rc', 64n * M);
        upToFinalisation(f);
        const from = f.m.events.length;
        const r = runInterleaved(f.m, [{ cpu: 0, gen: f.ops.setup_system_features() }], schedule);
        expect(r.outcomes[0]?.status).toBe('done');
        checkProtocol(f.m.events.slice(from), [1, 2]);
      }),
      { numRuns: 30 },
    );
  });
});

describe('linear_map_split_to_ptes: prealloc variant (PREEMPT_RT series)', () => {
  it('allocates every table before stop_machine(), none inside, frees the leftovers after', () => {
    const f = asymmetric('prealloc', 2n * G, { preempt_rt: true });
    upToFinalisation(f);
    const before = maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G));
    const from = f.m.events.length;
    f.run(f.ops.setup_system_features());

    const events = f.m.events.slice(from);
    const stop = events.findIndex((e) => e.op === 'stop');
    const resume = events.findIndex((e) => e.op === 'resume');
    expect(events.slice(stop, resume).filter((e) => e.op === 'alloc' || e.op === 'free')).toEqual([]);
    const pre = allocs(f.m.records).filter((r) => r.gfp === 'GFP_PGTABLE_KERNEL');
    // Count: 1 PUD leaf → 1 PMD table + 512 PTE tables; 504 PMD leaves outside the alias.
    expect(pre.filter((r) => r.level === 2).length).toBe(1);
    expect(pre.filter((r) => r.level === 3).length).toBe(512 + 504);
    expect(pre.every((r) => r.context === 'process' && !r.inStopMachine)).toBe(true);
    // The 1G block's PMD table only needs PTE tables below kstart… all 512 were used here, so
    // nothing is left over: the count is exact for this layout.
    expect(events.slice(resume).filter((e) => e.op === 'free').length).toBe(0);
    expect(maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G))).toEqual(before);
    checkProtocol(events, [1, 2]);
    expect(f.m.header().preempt_rt).toBe(true);
  });

  it('frees what the repaint did not use: a PUD block straddling lm_alias(_stext) is counted whole', () => {
    // A contrived image: [_text, __init_begin) is exactly the 1G at PA 1G, so v7.2-rc maps it as one
    // PUD block; _stext = _text + 2M lies inside it. The count asks for 1 PMD table + 512 PTE
    // tables for that block, but the walk of [lstart, kstart) only splits PMD[0] of it.
    //
    //   VA offset 0 ┬ PUD[0] 1G block  (alias)  ← kstart = +2M
    //          1G   ┼ PUD[1] → table   (data/bss first, then the rest of the bank)
    //          2G   ┴
    const text = G;
    const f = asymmetric('prealloc', 2n * G, {
      memblock: {
        banks: [{ base: G, size: 2n * G }],
        kernel: {
          text,
          stext: text + 2n * M,
          init_begin: text + G,
          init_end: text + G + 2n * M,
          end: text + G + 10n * M,
        },
      },
    });
    upToFinalisation(f);
    expect(drawLayout(f.m, PAGE_OFFSET, PAGE_OFFSET + G)).toEqual(['+0x000000000 x1 L1 1G block']);
    const from = f.m.events.length;
    f.run(f.ops.setup_system_features());
    const events = f.m.events.slice(from);
    const resume = events.findIndex((e) => e.op === 'resume');
    expect(events.slice(resume).filter((e) => e.op === 'free').length).toBe(511);
    // PMD[0] of the old PUD block is now pages; PMD[1..511] (inside the alias) stay blocks.
    expect(drawLayout(f.m, PAGE_OFFSET, PAGE_OFFSET + G)).toEqual([
      '+0x000000000 x512 L3 4K page',
      '+0x000200000 x511 L2 2M block',
    ]);
  });

  it('panics before stop_machine() when the pre-allocation fails', () => {
    const probe = asymmetric('prealloc', 256n * M);
    upToFinalisation(probe);
    const n = allocs(probe.m.records).length;
    const f = fixture(probe.cfg, { failAllocAt: [n + 2] });
    upToFinalisation(f);
    expect(() => f.run(f.ops.setup_system_features())).toThrow('Failed to split linear map');
    expect(f.m.events.some((e) => e.op === 'stop')).toBe(false);
    expect(f.m.events.filter((e) => e.op === 'free').length).toBe(2);
  });
});

describe('when no repaint happens', () => {
  it('all CPUs with BBML2-noabort: the system keeps the capability, no stop_machine()', () => {
    const f = fixture(makeConfig('4K', { cpus: [NOABORT(0), NOABORT(1)] }));
    bootAll(f);
    expect(f.ops.inspect().system_supports_bbml2_noabort).toBe(true);
    expect(f.m.events.some((e) => e.op === 'stop')).toBe(false);
  });

  it('boot CPU without BBML2-noabort and rodata=full: PTE-mapped from the start, no repaint', () => {
    const f = fixture(makeConfig('4K', { cpus: [PLAIN(0), NOABORT(1)], memblock: oneBank(256n * M) }));
    bootAll(f);
    expect(f.ops.inspect().linear_map_requires_bbml2).toBe(false);
    expect(drawLayout(f.m, PAGE_OFFSET, PAGE_OFFSET + 256n * M)).toEqual(['+0x000000000 x65536 L3 4K page']);
    expect(f.m.events.some((e) => e.op === 'stop')).toBe(false);
  });

  it('a late CPU without the capability is refused on a BBML2 system; one with it is accepted on a non-BBML2 system', () => {
    const f = fixture(makeConfig('4K', { cpus: [NOABORT(0), PLAIN(1)], memblock: oneBank(256n * M) }));
    f.run(f.ops.boot());
    f.run(f.ops.mem_init());
    f.run(f.ops.setup_system_features());
    expect(f.run(f.ops.secondary_start_kernel(), 1)).toBe(false);
    expect(f.ops.inspect().refused_cpus).toEqual([1]);
    // It walked the tables from its MMU-on until cpu_die_early() (park, never undone).
    expect(f.m.events.filter((e) => 'cpu' in e && e.cpu === 1).map((e) => e.op)).toEqual(['online', 'park']);

    const h = fixture(makeConfig('4K', { cpus: [NOABORT(0), PLAIN(1), NOABORT(2)], memblock: oneBank(64n * M) }));
    h.run(h.ops.boot());
    h.run(h.ops.mem_init());
    h.run(h.ops.secondary_start_kernel(), 1);
    h.run(h.ops.setup_system_features());
    expect(h.run(h.ops.secondary_start_kernel(), 2)).toBe(true);
    expect(h.m.events.filter((e) => e.op === 'online').map((e) => e.op === 'online' && e.cpu)).toEqual([1, 2]);
  });
});

describe('repaint on the other granules', () => {
  for (const granule of ['16K', '64K'] as const) {
    it(`${granule}: everything outside the alias becomes plain pages`, () => {
      const f = fixture(makeConfig(granule, { cpus: [NOABORT(0), PLAIN(1)], memblock: oneBank(2n * G) }));
      upToFinalisation(f);
      const before = maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G));
      f.run(f.ops.setup_system_features());
      const after = leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G);
      const alias = (va: bigint): boolean => va >= PAGE_OFFSET + 2n * M && va < PAGE_OFFSET + 18n * M;
      expect(after.filter((l) => !alias(l.va) && (l.level !== 3 || (l.desc & (1n << 52n)) !== 0n))).toEqual([]);
      expect(maplets(after)).toEqual(before);
      checkProtocol(f.m.events, [1]);
    });
  }
});
