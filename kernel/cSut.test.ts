// The kernel C harness against the bundled port: the same operations on the same machine give the
// same events (every store, barrier, allocation and lock, in order), the same return values and
// the same kernel-visible state — on every granule, with allocation failures, and with two CPUs
// interleaved at every primitive by the same schedule. The port and the fixture are written
// independently (TypeScript from the kernel; C from ../shared/spec), so an agreement here is
// evidence about both.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { CpuSpec, GranuleName, SutConfig, SutFactory } from '../impl/contract.ts';
import { runInterleaved } from '../impl/sched.ts';
import { createSut as portSut } from '../impl/sut.ts';
import { bootAll, fixture, makeConfig, NOABORT, oneBank, PLAIN } from '../impl/testing/setup.ts';
import { leaves } from '../impl/testing/walker.ts';
import { FIXTURE_TREE, V6_18_PATCH } from './build.ts';
import { createKernelSut } from './cSut.ts';
import { applyPatches } from './patches.ts';

// The fixture itself, whatever BBM_KERNEL_TREE / BBM_KERNEL_PATCH say, and its v6.18 spelling.
const cSut = createKernelSut(FIXTURE_TREE);
const cSutV618 = createKernelSut(applyPatches(FIXTURE_TREE, [V6_18_PATCH]), 'kernel-c-v6.18');

const PAGE_OFFSET = 0xffff000000000000n;
const G = 1n << 30n;
const PAGE: Readonly<Record<GranuleName, bigint>> = { '4K': 1n << 12n, '16K': 1n << 14n, '64K': 1n << 16n };

interface Split {
  readonly page: number;
  readonly pages: number;
}

const splitArb: fc.Arbitrary<Split> = fc.record({
  page: fc.oneof(fc.nat({ max: (1 << 17) - 1 }), fc.constantFrom(0, 1, 15, 16, 511, 512, 513, 8191, 8192)),
  pages: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 600 })),
});

function range(g: GranuleName, s: Split): [bigint, bigint] {
  const page = PAGE[g];
  const span = (2n * G) / page;
  const start = PAGE_OFFSET + (BigInt(s.page) % span) * page;
  return [start, start + BigInt(s.pages) * page];
}

/** What a run gives, compared between the C and the port. */
interface RunOutcome {
  readonly rets: readonly unknown[];
  readonly events: readonly unknown[];
  readonly state: unknown;
}

/**
 * The C run gave the port's returns, events (in order) and final kernel-visible state.
 * @param c - the C SUT's run
 * @param port - the bundled port's run
 */
function expectSameAsPort(c: RunOutcome, port: RunOutcome): void {
  expect(c.rets).toEqual(port.rets);
  expect(c.events).toEqual(port.events);
  expect(c.state).toEqual(port.state);
}

/** Runs the splits one after another on a booted machine; returns what is compared. */
function sequential(factory: SutFactory, cfg: SutConfig, splits: readonly Split[], failAfter: readonly number[]) {
  const f = fixture(cfg, { factory });
  bootAll(f);
  for (const k of failAfter) f.m.failAllocationAfter(k);
  const from = f.m.events.length;
  const rets = splits.map((s) => f.run(f.ops.split_kernel_leaf_mapping(...range(cfg.granule, s))));
  return { rets, events: f.m.events.slice(from), state: f.ops.inspect() };
}

describe('kernel C harness ≡ bundled port (split_kernel_leaf_mapping and its callees)', () => {
  test.prop(
    {
      granule: fc.constantFrom<GranuleName>('4K', '16K', '64K'),
      splits: fc.array(splitArb, { minLength: 1, maxLength: 4 }),
      failAllocAt: fc.uniqueArray(fc.nat({ max: 6 }), { maxLength: 2 }),
    },
    { numRuns: 40 },
  )('same events, returns and state, sequentially, with allocation failures', ({ granule, splits, failAllocAt }) => {
    // The failures are counted from the first split's allocation on.
    const cfg = makeConfig(granule);
    const port = sequential(portSut, cfg, splits, failAllocAt);
    const c = sequential(cSut, cfg, splits, failAllocAt);
    expectSameAsPort(c, port);
  });

  test.prop(
    {
      granule: fc.constantFrom<GranuleName>('4K', '16K', '64K'),
      splits: fc.array(splitArb, { minLength: 1, maxLength: 3 }),
      failAllocAt: fc.uniqueArray(fc.nat({ max: 6 }), { maxLength: 1 }),
      noabort: fc.boolean(),
    },
    { numRuns: 8 },
  )('v6.18 spelling: same events, returns and state as the port at variant v6.18', (input) => {
    // Without BBML2-noabort the v6.18 gate (split_leaf_mapping_possible()) says no: both return 0
    // before looking at the tables. Such a machine maps its memory with pages at boot (the port's
    // map_mem() in both SUTs), which on 2 GiB at 4K took half the test's time: 64 MiB then.
    const cfg = makeConfig(input.granule, {
      variant: 'v6.18',
      ...(input.noabort ? {} : { cpus: [PLAIN(0)], memblock: oneBank(64n << 20n) }),
    });
    const port = sequential(portSut, cfg, input.splits, input.failAllocAt);
    const c = sequential(cSutV618, cfg, input.splits, input.failAllocAt);
    expectSameAsPort(c, port);
  });

  test.prop(
    {
      granule: fc.constantFrom<GranuleName>('4K', '16K'),
      a: splitArb,
      b: splitArb,
      schedule: fc.array(fc.nat({ max: 1 }), { maxLength: 400 }),
    },
    { numRuns: 25 },
  )('same events with two CPUs interleaved by the same schedule (pgtable_split_lock contended)', (input) => {
    const cfg = makeConfig(input.granule, { cpus: [NOABORT(0), NOABORT(1)] });
    const run = (factory: SutFactory) => {
      const f = fixture(cfg, { factory });
      bootAll(f);
      const from = f.m.events.length;
      const result = runInterleaved(
        f.m,
        [
          { cpu: 0, gen: f.ops.split_kernel_leaf_mapping(...range(input.granule, input.a)) },
          { cpu: 1, gen: f.ops.split_kernel_leaf_mapping(...range(input.granule, input.b)) },
        ],
        input.schedule,
      );
      return { result, events: f.m.events.slice(from) };
    };
    const port = run(portSut);
    const c = run(cSut);
    expect(c.events).toEqual(port.events);
    expect(c.result).toEqual(port.result);
  });
});

/** One pageattr.c call of the equivalence test, on the page `page` of the first bank. */
type PageattrCall =
  | { readonly kind: 'invalid' | 'default'; readonly page: number }
  | { readonly kind: 'valid'; readonly page: number; readonly pages: number; readonly enable: boolean }
  | {
      readonly kind: 'ro' | 'rw' | 'nx' | 'x';
      readonly page: number;
      readonly pages: number;
      /** The call's first page in the area, and how many pages it asks for. */
      readonly at: number;
      readonly count: number;
      /** Ask for two pages past the area's end instead (-EINVAL; see below for one page past). */
      readonly past: boolean;
    };

const pageattrArb: fc.Arbitrary<PageattrCall> = fc.oneof(
  fc.record({ kind: fc.constantFrom('invalid' as const, 'default' as const), page: fc.nat({ max: 1023 }) }),
  fc.record({
    kind: fc.constant('valid' as const),
    page: fc.nat({ max: 1023 }),
    pages: fc.integer({ min: 1, max: 40 }),
    enable: fc.boolean(),
  }),
  fc.record({
    kind: fc.constantFrom('ro' as const, 'rw' as const, 'nx' as const, 'x' as const),
    page: fc.nat({ max: 1023 }),
    pages: fc.integer({ min: 1, max: 4 }),
    at: fc.nat({ max: 3 }),
    count: fc.nat({ max: 4 }),
    past: fc.boolean(),
  }),
);

describe('kernel C harness: pageattr.c in C (change_memory_common, __change_memory_common, set_direct_map_*_noflush)', () => {
  test.prop(
    {
      granule: fc.constantFrom<GranuleName>('4K', '16K', '64K'),
      calls: fc.array(pageattrArb, { minLength: 1, maxLength: 5 }),
      failAllocAt: fc.uniqueArray(fc.nat({ max: 4 }), { maxLength: 1 }),
      v618: fc.boolean(),
    },
    { numRuns: 16 },
  )('same events, returns and state as the port, in both spellings', ({ granule, calls, failAllocAt, v618 }) => {
    const cfg = makeConfig(granule, v618 ? { variant: 'v6.18' } : {});
    const bank = cfg.memblock.banks[0]?.base ?? 0n;
    const run = (factory: SutFactory) => {
      const f = fixture(cfg, { factory });
      bootAll(f);
      for (const k of failAllocAt) f.m.failAllocationAfter(k);
      const from = f.m.events.length;
      const rets = calls.map((c) => {
        const pa = bank + BigInt(c.page) * PAGE[granule];
        switch (c.kind) {
          case 'invalid':
            return f.run(f.ops.set_direct_map_invalid_noflush(pa));
          case 'default':
            return f.run(f.ops.set_direct_map_default_noflush(pa));
          case 'valid':
            return f.run(f.ops.set_direct_map_valid_noflush(pa, c.pages, c.enable));
          default: {
            const pages = Array.from({ length: c.pages }, (_v, i) => pa + BigInt(i) * PAGE[granule]);
            const va = f.run(f.ops.vmalloc(pages));
            const op = {
              ro: f.ops.set_memory_ro,
              rw: f.ops.set_memory_rw,
              nx: f.ops.set_memory_nx,
              x: f.ops.set_memory_x,
            }[c.kind];
            // Any sub-range of the area (37cb0aab9068: only its pages' aliases change), or two
            // pages past it. One page past is not drawn: the range check admits the area's guard
            // page (area->size counts it), and the kernel then reads area->pages[nr_pages].
            const at = c.at % c.pages;
            const n = c.past ? c.pages - at + 2 : Math.min(c.count, c.pages - at);
            return f.run(op(va + BigInt(at) * PAGE[granule], n));
          }
        }
      });
      return { rets, events: f.m.events.slice(from), state: f.ops.inspect() };
    };
    const port = run(portSut);
    const c = run(v618 ? cSutV618 : cSut);
    expectSameAsPort(c, port);
  });
});

describe('kernel C harness: the stop_machine() repaint in C', () => {
  // The boot CPU has BBML2-noabort, the early secondary has no BBML2: setup_system_features()
  // finalises without the capability and repaints the linear map to pages under stop_machine(),
  // the C callback running on both CPUs (the secondary waits on the ID map).
  it.each(['4K', '16K', '64K'] as const)(
    '%s: same events as the port, and as many new tables as the kernel spec counts (§5.4)',
    (granule) => {
      const cfg = makeConfig(granule, { cpus: [NOABORT(0), PLAIN(1)], memblock: oneBank(G) });
      const run = (factory: SutFactory) => {
        const f = fixture(cfg, { factory });
        f.run(f.ops.boot());
        f.run(f.ops.mem_init());
        f.run(f.ops.secondary_start_kernel(), 1);
        // The count a model should use: one table per PUD leaf and per PMD leaf (after the PUD
        // leaves are split) of the repainted ranges, the kernel image's linear alias excepted.
        const kstart = PAGE_OFFSET + (cfg.memblock.kernel.stext - G);
        const kend = PAGE_OFFSET + (cfg.memblock.kernel.init_begin - G);
        const ptrs = f.m.pageSize / 8n;
        let predicted = 0n;
        for (const l of [...leaves(f.m, PAGE_OFFSET, kstart), ...leaves(f.m, kend, PAGE_OFFSET + G)])
          if (l.level === 1) predicted += 1n + ptrs;
          else if (l.level === 2) predicted += 1n;
        const from = f.m.events.length;
        f.run(f.ops.setup_system_features());
        const events = f.m.events.slice(from);
        return {
          events,
          predicted,
          tables: BigInt(events.filter((e) => e.op === 'alloc').length),
          st: f.ops.inspect(),
        };
      };
      const port = run(portSut);
      const c = run(cSut);
      expect(c.st).toMatchObject({ capabilities_finalized: true, system_supports_bbml2_noabort: false });
      expect(c.events.some((e) => e.op === 'stop')).toBe(true);
      expect(c.events).toEqual(port.events);
      expect(c.predicted).toBeGreaterThan(0n);
      expect(c.tables).toBe(c.predicted);
      expect(c.st.idmap_kpti_bbml2_flag).toBe(0);
    },
  );
});

describe('kernel C harness: the late KFENCE pool in C (arch_kfence_init_pool)', () => {
  it.each(['4K', '16K', '64K'] as const)('%s: same events and answer as the port, the pool page-mapped', (granule) => {
    const pool = G + (256n << 20n);
    const cfg = makeConfig(granule, { kfence: 'late', memblock: oneBank(G, pool) });
    const run = (factory: SutFactory) => {
      const f = fixture(cfg, { factory });
      bootAll(f);
      const from = f.m.events.length;
      const ok = f.run(f.ops.arch_kfence_init_pool());
      const va = PAGE_OFFSET + (pool - G);
      const poolLeaves = leaves(f.m, va, va + 512n * f.m.pageSize);
      return { ok, events: f.m.events.slice(from), levels: new Set(poolLeaves.map((l) => l.level)) };
    };
    const port = run(portSut);
    const c = run(cSut);
    expect(c.ok).toBe(true);
    expect(c.events.length).toBeGreaterThan(0);
    expect(c.events).toEqual(port.events);
    expect([...c.levels]).toEqual([3]);
  });
});

describe('kernel C harness: the gate, warnings and refusals', () => {
  it('returns -EBUSY with the WARN of the C (function, condition, file:line) in a blackout window', () => {
    // The boot CPU has BBML2 (the linear map is left in blocks), a second one without it is
    // online before finalisation: v7.x's second blackout window.
    const cpus: CpuSpec[] = [NOABORT(0), PLAIN(1)];
    const cfg = makeConfig('4K', { cpus });
    const outcomes = [portSut, cSut].map((factory) => {
      const f = fixture(cfg, { factory, online: [0, 1] });
      f.run(f.ops.boot());
      f.run(f.ops.mem_init());
      const st = f.ops.inspect();
      const ret = f.run(f.ops.split_kernel_leaf_mapping(PAGE_OFFSET + 0x200000n, PAGE_OFFSET + 0x201000n));
      const warns = f.m.records.flatMap((r) => (r.kind === 'warn' ? [r.message] : []));
      return { ret, requires: st.linear_map_requires_bbml2, warns };
    });
    const [port, c] = outcomes;
    expect(port?.requires).toBe(true);
    expect(port?.ret).toBe(-16);
    expect(c?.ret).toBe(-16);
    expect(c?.warns).toHaveLength(1);
    expect(c?.warns[0]).toMatch(
      /^split_kernel_leaf_mapping: WARN_ON\(num_online_cpus\(\) > 1\) at arch\/arm64\/mm\/mmu\.c:\d+$/,
    );
  });

  it('refuses a configuration of another kernel variant with one clear error', () => {
    const f = () => fixture(makeConfig('4K', { variant: 'v6.18' }), { factory: cSut });
    expect(f).toThrow(
      "kernel-c: the tree's split path is spelled v7.x (variants v7.2-rc, v7.1, v7.3, prealloc); variant v6.18 is refused",
    );
    const g = () => fixture(makeConfig('4K', { variant: 'v7.2-rc' }), { factory: cSutV618 });
    expect(g).toThrow(
      "kernel-c-v6.18: the tree's split path is spelled v6.18 (variants v6.18); variant v7.2-rc is refused",
    );
  });
});
