// The test machine judges what a SUT does, never drops it: a store to a PA that is not a table
// page reaches the model (`write-to-non-table`); a primitive given an argument the contract does
// not allow, an exception that is not KernelBug/KernelPanic, and a spin nobody releases are each
// one finding naming the primitive, the operation, the kernel function on the stack, the
// configuration and the trace so far — never "Cannot read properties of undefined".
import { describe, expect, it } from 'vitest';
import type { KGen, Primitives, SutFactory } from '../../impl/index.ts';
import { runToCompletion } from '../../impl/index.ts';
import { createPortSut } from '../../impl/sut.ts';
import { MemoryMachine } from '../../impl/testing/memory-machine.ts';
import { ContractViolation } from '../../impl/testing/primitiveArgs.ts';
import { makeConfig } from '../../impl/testing/setup.ts';
import { PROPERTIES } from '../catalogue.ts';
import { verifyProperty } from '../verify.ts';
import { createSut as splitSkipsEnd } from '../../impl/mutants/split-skips-end.ts';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JudgedRun } from './judgedRun.ts';
import { violationReport } from './violationReport.ts';

const property = (id: string) => {
  const p = PROPERTIES.find((x) => x.id === id);
  if (p === undefined) throw new Error(`no property ${id}`);
  return p;
};

/** The port, except that split_kernel_leaf_mapping() first runs `extra` (a named kernel function). */
const portWith =
  (extra: (hw: Primitives) => KGen<void>): SutFactory =>
  (hw, config) => {
    const ops = createPortSut(hw, config);
    return {
      ...ops,
      *split_kernel_leaf_mapping(start: bigint, end: bigint) {
        yield* extra(hw);
        return yield* ops.split_kernel_leaf_mapping(start, end);
      },
    };
  };

function* bogus_flush(hw: Primitives): KGen<void> {
  yield* hw.tlbi('bogus' as never);
}
function* store_to_data_page(hw: Primitives): KGen<void> {
  // 0x40000010 is RAM mapped by the linear map, not a table page (a PTE pointer from a wrong pfn).
  yield* hw.writeDesc(0x40000010n, 0x40000000n | 0x703n);
}
function* trips_over_undefined(hw: Primitives): KGen<void> {
  yield* hw.dsb('ishst');
  const entries = undefined as unknown as bigint[];
  yield* hw.writeDesc(entries[0] ?? 0n, 0n);
}

const failureOf = (id: string, sut: SutFactory, runs = 3): string => {
  const r = verifyProperty(property(id), sut, { seed: 20261201, runs, noShrink: true });
  if (process.env['BBM_SHOW'] !== undefined) console.log(r.failure);
  expect(r.status).toBe('fail');
  return r.failure ?? '';
};

describe('the harness judges what the SUT does', () => {
  it('passes a store to a non-table page to the model: write-to-non-table, with the issuing function', () => {
    const cfg = makeConfig('4K');
    const run = new JudgedRun(cfg, portWith(store_to_data_page));
    run.run('boot()', run.ops.boot());
    run.run('split_kernel_leaf_mapping()', run.ops.split_kernel_leaf_mapping(0xffff000040200000n, 0xffff000040201000n));
    expect(run.violation?.violation.code).toBe('write-to-non-table');
    expect(run.violation?.issuedBy).toMatch(/^store_to_data_page\(\) ← split_kernel_leaf_mapping\(\)/);
    expect(failureOf('bbm.model-clean', portWith(store_to_data_page))).toMatch(
      /! write-to-non-table at event \d+ \(line \d+\)[^]*issued by store_to_data_page\(\)/,
    );
  });

  it("reports tlbi('bogus') as one contract-violation finding with the operation, caller, configuration and trace", () => {
    const text = failureOf('split.boundaries-exact', portWith(bogus_flush));
    const [first, ...rest] = text.split('\n');
    expect(first).toMatch(
      /^split_kernel_leaf_mapping\(0x[0-9a-f]+, 0x[0-9a-f]+\) on cpu\d: the SUT broke its contract: tlbi\('bogus'\): not a TLBI operation \(one of vae1is, [^)]*\) \(impl\/CONTRACT\.md §3\)$/,
    );
    expect(rest[0]).toMatch(/^ {4}in bogus_flush\(\) ← split_kernel_leaf_mapping\(\)/);
    expect(rest[1]).toMatch(/^ {4}configuration: (4K|16K|64K) /);
    expect(rest[2]).toBe('    trace events before it:');
    expect(rest[3]).toMatch(/^ +\d+ {2}\{"op":/);
    expect(text).not.toMatch(/Cannot read properties/);
  });

  it('reports a plain Error thrown by the SUT as a finding with the operation, configuration and trace so far', () => {
    const text = failureOf('split.boundaries-exact', portWith(trips_over_undefined));
    expect(text).toMatch(
      /^split_kernel_leaf_mapping\(0x[0-9a-f]+, 0x[0-9a-f]+\) on cpu\d: the SUT threw TypeError: Cannot read properties of undefined \(reading '0'\) \(impl\/CONTRACT\.md §3: a kernel operation may throw only KernelBug/,
    );
    expect(text).toMatch(/\n {4}in trips_over_undefined\(\) ← split_kernel_leaf_mapping\(\)/);
    expect(text).toMatch(/\n {4}configuration: /);
    expect(text).toMatch(/\n {6} +\d+ {2}\{"op":"dsb","cpu":\d,"dom":"ishst"\}\n/);
  });
});

describe('a violation reads without the code', () => {
  it('says when the level of the site is not the level of the entry stored to', () => {
    const run = new JudgedRun(makeConfig('4K'), createPortSut);
    run.run('boot()', run.ops.boot());
    // A store to a level-2 entry judged against a conflicting level-3 translation (bbm-unclean's
    // site is the translation it conflicts with).
    run.violation = {
      violation: {
        code: 'bbm-unclean',
        event: 3,
        cpu: 0,
        pa: 0xf000002008n,
        va: 0xffff000000200000n,
        level: 3,
        message: 'm',
        detail: 'd',
      } as never,
      during: 'split_kernel_leaf_mapping(…) [cpu0]',
      line: '{"op":"write"}',
      entryLevel: 2,
    };
    expect(violationReport(run)).toContain(
      '\n    (the store is to a level-2 entry; level 3 is that of the translation it conflicts with)\n',
    );
    run.violation = { ...run.violation, entryLevel: 3 };
    expect(violationReport(run)).not.toContain('the store is to a level');
  });
});

describe('every failure shows its run', () => {
  it('gives a failure the model did not judge the VA layout around the VA it names and the saved trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bbm-context-'));
    const saved = process.env['BBM_TRACE_DIR'];
    process.env['BBM_TRACE_DIR'] = dir;
    try {
      const text = failureOf('split.boundaries-exact', splitSkipsEnd, 100);
      expect(text).not.toMatch(/^! /);
      expect(text).toMatch(
        /\n {4}VA layout around 0xffff[0-9a-f]{12} \(\w+ window, at the end of the run[^\n]*\n {6}0xffff/,
      );
      const file = join(dir, 'split.boundaries-exact.jsonl');
      expect(text).toContain(`\n    whole run: ${file} (npx bbm-verify check-trace ${file})`);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(/^\{"format":"bbm-trace\/1"/);
    } finally {
      if (saved === undefined) delete process.env['BBM_TRACE_DIR'];
      else process.env['BBM_TRACE_DIR'] = saved;
    }
  });

  it('gives a broken contract the VA layout around its call', () => {
    expect(failureOf('split.boundaries-exact', portWith(bogus_flush))).toMatch(
      /\n {4}VA layout around 0xffff[0-9a-f]{12} \(\w+ window, at the end of the run\):\n {6}0xffff/,
    );
  });
});

describe('every primitive rejects an argument the contract does not allow', () => {
  const m = new MemoryMachine({ granule: '4K', cpus: [{ id: 0, bbm: 2, noabort: true }] });
  const table = runToCompletion(m, 0, m.allocTable(3, 'GFP_PGTABLE_KERNEL', 'process')) ?? 0n;
  const VA = 0xffff000040200000n;
  const bad = m as unknown as Record<string, (...a: unknown[]) => KGen<unknown>>;
  it.each<[string, unknown[], RegExp]>([
    ['tlbi', ['bogus'], /^tlbi\('bogus'\): not a TLBI operation/],
    ['tlbi', ['vmalle1is', VA], /^tlbi\('vmalle1is', 0xffff000040200000n\): TLBI VMALLE1IS takes no operand/],
    ['tlbi', ['vale1is'], /^tlbi\('vale1is'\): TLBI VALE1IS needs the VA .*not VA >> 12/],
    ['tlbi', ['vale1is', VA >> 12n], /^tlbi\('vale1is', 0xffff000040200n\): TLBI VALE1IS needs the VA/],
    ['tlbi', ['vae1is', VA, 0x1000n], /TLBI VAE1IS takes no size/],
    ['tlbi', ['rvae1is', VA], /TLBI RVAE1IS needs a size/],
    ['dsb', ['osh'], /^dsb\('osh'\): not a DSB domain \(one of ish, ishst, nsh, nshst, sy\)/],
    ['dsb', [], /^dsb\(\): not a DSB domain/],
    ['writeDesc', [table + 4n, 0n], /^writeDesc\(0x[0-9a-f]+n, 0x0n\): a table entry is 8 bytes/],
    ['writeDesc', [Number(table), 0n], /the PA must be a bigint, got number/],
    ['writeDesc', [table, -1n], /the value is not a 64-bit descriptor/],
    ['writeDesc', [table, 1n << 64n], /the value is not a 64-bit descriptor/],
    ['readDesc', [1n << 48n], /^readDesc\(0x1000000000000n\): the PA is not below 2\^48/],
    ['allocTable', [4, 'GFP_KERNEL', 'process'], /^allocTable\(4, 'GFP_KERNEL', 'process'\): the level must be 0\.\.3/],
    ['allocTable', [3, 'GFP_NOWAIT', 'process'], /not an allocation flag/],
    ['allocTable', [3, 'GFP_KERNEL', 'irq'], /not an allocation context/],
    ['freeTable', [0x40000000n], /^freeTable\(0x40000000n\): not a table page \(never allocated, or freed already\)/],
    ['freeTable', [table + 8n], /not the start of a 4K table page/],
    ['walk', [0x40000000n], /^walk\(0x40000000n\): the VA must be a bigint TTBR1/],
    ['lock', [7], /^lock\(7\): the argument must be a string, got number/],
    ['stopMachine', [null], /^stopMachine\(null\): the argument must be a generator function/],
  ])('%s, case %#', (name, args, message) => {
    const call = (): unknown => runToCompletion(m, 0, bad[name]?.apply(m, args) ?? (undefined as never));
    expect(call).toThrow(ContractViolation);
    expect(call).toThrow(message);
  });

  it('rejects warn/bug/panic without a message string', () => {
    expect(() => m.warn(undefined as never)).toThrow(/^warn\(\): the argument must be a string/);
  });
});
