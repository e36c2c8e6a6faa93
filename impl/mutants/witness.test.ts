// Why this test? Some seeded bugs show only on particular machines or schedules: a PUD block (4K
// pages and a 1 GiB aligned stretch of RAM), a pre-allocated repaint of one, a stop_machine()
// schedule that lets a spinning secondary run while the boot CPU still works. Each test here is a
// deterministic witness that the mutant really differs from the faithful port where it matters —
// so a mutant the properties do not kill points at a gap in the properties, not at a mutant that
// does nothing.
import { describe, expect, it } from 'vitest';
import { KernelPanic } from '../contract.ts';
import type { SutConfig, SutFactory } from '../contract.ts';
import { runInterleaved } from '../sched.ts';
import { createSut as port } from '../sut.ts';
import { bootAll, fixture, makeConfig, NOABORT, oneBank, PLAIN } from '../testing/setup.ts';
import type { Fixture } from '../testing/setup.ts';
import { leaves, maplets } from '../testing/walker.ts';
import { createSut as preallocForgets } from './prealloc-forgets-pud-pmd-tables.ts';
import { createSut as earlyRelease } from './repaint-early-release.ts';
import { createSut as noWait } from './repaint-no-wait.ts';
import { createSut as dropTablePxn } from './split-pmd-drop-table-pxn.ts';
import { createSut as pudPfnStep } from './split-pud-pfn-step.ts';

const PAGE_OFFSET = 0xffff000000000000n;
const G = 1n << 30n;
const M = 1n << 20n;
const PMD_TABLE_PXN = 1n << 59n;

const linearMap = (f: Fixture): string =>
  JSON.stringify(maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + (1n << 40n))), (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString(16) : v,
  );

function booted(cfg: SutConfig, factory: SutFactory): Fixture {
  const f = fixture(cfg, { factory });
  bootAll(f);
  return f;
}

/** Boots up to finalisation, then runs setup_system_features() under a schedule. */
function repaintUnder(factory: SutFactory, schedule: readonly number[]): Fixture {
  const cfg = makeConfig('4K', { memblock: oneBank(64n * M), cpus: [NOABORT(0), PLAIN(1)] });
  const f = fixture(cfg, { factory });
  f.run(f.ops.boot());
  f.run(f.ops.mem_init());
  f.run(f.ops.secondary_start_kernel(), 1);
  runInterleaved(f.m, [{ cpu: 0, gen: f.ops.setup_system_features() }], schedule);
  return f;
}

describe('witnesses of the mutants that need a particular machine or schedule', () => {
  it('split-pud-pfn-step: splitting inside a 1 GiB PUD block changes the translation', () => {
    // 4K, 2 GiB of RAM at PA 1 GiB: VA +1G..+2G is one PUD block.
    const addr = PAGE_OFFSET + G + 0x345000n;
    for (const [factory, same] of [
      [port, true],
      [pudPfnStep, false],
    ] as const) {
      const f = booted(makeConfig('4K'), factory);
      const before = linearMap(f);
      expect(f.run(f.ops.split_kernel_leaf_mapping(addr, addr + 0x1000n))).toBe(0);
      expect(linearMap(f) === before).toBe(same);
    }
  });

  it('prealloc-forgets-pud-pmd-tables: the pool runs out inside stop_machine() on a PUD block', () => {
    const cfg = makeConfig('4K', { variant: 'prealloc', preempt_rt: true, cpus: [NOABORT(0), PLAIN(1)] });
    const good = booted(cfg, port);
    expect(good.m.records.filter((r) => r.kind === 'panic')).toEqual([]);
    expect(good.m.records.some((r) => r.kind === 'alloc' && r.inStopMachine)).toBe(false);
    expect(() => booted(cfg, preallocForgets)).toThrow(KernelPanic);
  });

  it('split-pmd-drop-table-pxn: the PMD entry of a split block lacks TABLE_PXN, its pages keep PXN', () => {
    const addr = PAGE_OFFSET + 0x20345000n; // inside a 2M block of the 4K layout (below the PUD block)
    for (const [factory, tablePxn] of [
      [port, PMD_TABLE_PXN],
      [dropTablePxn, 0n],
    ] as const) {
      const f = booted(makeConfig('4K', { memblock: oneBank(G) }), factory);
      const from = f.m.events.length;
      expect(f.run(f.ops.split_kernel_leaf_mapping(addr, addr + 0x1000n))).toBe(0);
      const events = f.m.events.slice(from);
      const tables = events.flatMap((e) => (e.op === 'alloc' ? [e.pa] : []));
      expect(tables.length).toBe(1); // one PTE table: the 2M block holding addr
      const link = events.find((e) => e.op === 'write' && (e.val & 0xfffffffff000n) === tables[0]);
      expect(link?.op === 'write' ? link.val & PMD_TABLE_PXN : undefined).toBe(tablePxn);
      const leaf = leaves(f.m, addr, addr + 1n)[0];
      expect(leaf?.level).toBe(3);
      expect((leaf?.desc ?? 0n) & (1n << 53n)).toBe(1n << 53n);
    }
  });

  it('repaint-no-wait: with the boot CPU scheduled first, it writes before the secondary parks', () => {
    const firstWriteVsPark = (f: Fixture): number => {
      const ev = f.m.events;
      const stop = ev.findIndex((e) => e.op === 'stop');
      const write = ev.findIndex((e, i) => i > stop && e.op === 'write' && e.cpu === 0);
      const park = ev.findIndex((e) => e.op === 'park' && e.cpu === 1);
      return write - park;
    };
    const zeros = new Array<number>(2000).fill(0);
    expect(firstWriteVsPark(repaintUnder(port, zeros))).toBeGreaterThan(0);
    expect(firstWriteVsPark(repaintUnder(noWait, zeros))).toBeLessThan(0);
  });

  it('repaint-early-release: with the CPUs alternating, the secondary resumes while the boot CPU still writes', () => {
    const lastWriteVsUnpark = (f: Fixture): number => {
      const ev = f.m.events;
      let last = -1;
      ev.forEach((e, i) => {
        if (e.op === 'write' && e.cpu === 0) last = i;
      });
      const unpark = ev.findIndex((e) => e.op === 'unpark' && e.cpu === 1);
      return unpark - last;
    };
    const alternate = Array.from({ length: 200_000 }, (_v, i) => i % 2);
    expect(lastWriteVsUnpark(repaintUnder(port, alternate))).toBeGreaterThan(0);
    expect(lastWriteVsUnpark(repaintUnder(earlyRelease, alternate))).toBeLessThan(0);
  });
});
