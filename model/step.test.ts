// Unit tests of the model on the shapes every other test builds on: the level-0 BBM sequence and
// its broken variants, and the level-2 noabort split with and without a level-0 walker.
import { describe, expect, it } from 'vitest';
import type { CpuSpec } from './events.ts';
import { initialState, step } from './step.ts';
import { leafDescriptor, tableDescriptor } from './testing/descriptors.ts';
import { TraceBuilder } from './testing/traceBuilder.ts';

const ROOT = 0x8000_0000n;
const L1 = 0x8000_1000n;
const L2 = 0x8000_2000n;
const PTE = 0x8000_3000n;
const VA = 0xffff_0000_4000_0000n; // L0 index 0, L1 index 1, L2 index 0
const BLOCK_PA = 0x4000_0000n;

/** Runs events and returns the first violation code, or 'ok'. */
function verdict(b: TraceBuilder): string {
  const state = initialState({ granule: '4K', root: b.root, preemptRt: b.preemptRt, cpus: b.cpus });
  for (const e of b.events) {
    const v = step(state, e);
    if (v !== undefined) return `${v.code}@${v.event}`;
  }
  return 'ok';
}

/**
 * VA 0xffff000040000000, 4K granule:
 *   root[0] → L1 table; L1[1] → L2 table; L2[0] = 2M block → PA 0x40000000
 */
function withBlock(cpus: CpuSpec[]): TraceBuilder {
  return new TraceBuilder('4K', ROOT, cpus)
    .alloc(L1, 1)
    .alloc(L2, 2)
    .write(0, L2, leafDescriptor(BLOCK_PA, false))
    .dsb(0, 'ishst')
    .write(0, L1 + 8n, tableDescriptor(L2))
    .dsb(0, 'ishst')
    .write(0, ROOT, tableDescriptor(L1))
    .dsb(0, 'ishst');
}

/** Fills a PTE table with the pages of the 2M block; `to_cont` sets the Contiguous bit. */
function fillPtes(b: TraceBuilder, toCont: boolean, tamper?: (i: number) => bigint | undefined): TraceBuilder {
  b.alloc(PTE, 3);
  for (let i = 0; i < 512; i++) {
    b.write(
      0,
      PTE + 8n * BigInt(i),
      tamper?.(i) ?? leafDescriptor(BLOCK_PA + 0x1000n * BigInt(i), true, { cont: toCont }),
    );
  }
  return b;
}

const L2NA: CpuSpec = { id: 0, bbm: 2, noabort: true };
const L0: CpuSpec = { id: 1, bbm: 0, noabort: false };

describe('level-0 break-before-make of a 2M block into a table', () => {
  const bbm = (skip: 'none' | 'dsb1' | 'tlbi' | 'dsb2'): TraceBuilder => {
    const b = fillPtes(withBlock([L2NA, L0]), false).dsb(0, 'ishst');
    b.write(0, L2, leafDescriptor(BLOCK_PA, false, { valid: false }));
    if (skip !== 'dsb1') b.dsb(0, 'ishst');
    if (skip !== 'tlbi') b.tlbi(0, 'vaae1is', VA);
    if (skip !== 'dsb2') b.dsb(0, 'ish');
    return b.write(0, L2, tableDescriptor(PTE)).dsb(0, 'ishst');
  };
  it('is clean when every step is there', () => expect(verdict(bbm('none'))).toBe('ok'));
  it.each(['dsb1', 'tlbi', 'dsb2'] as const)('is unclean without %s', (skip) =>
    expect(verdict(bbm(skip))).toMatch(/^bbm-unclean@/),
  );
});

describe('level-2 noabort split of a live 2M block (split_pmd, to_cont)', () => {
  const split = (cpus: CpuSpec[], tamper?: (i: number) => bigint | undefined): TraceBuilder =>
    fillPtes(withBlock(cpus), true, tamper).dsb(0, 'ishst').write(0, L2, tableDescriptor(PTE)).dsb(0, 'ishst');
  it('is allowed when every running CPU has noabort', () => expect(verdict(split([L2NA]))).toBe('ok'));
  it('is a live size change when a level-0 CPU walks', () =>
    expect(verdict(split([L2NA, L0]))).toMatch(/^size-change-without-bbml2@/));
  it('is allowed when the level-0 CPU is parked', () => {
    const b = withBlock([L2NA, L0]).cpuOp('park', 1).tlbi(1, 'vmalle1').dsb(1, 'nsh');
    fillPtes(b, true).dsb(0, 'ishst').write(0, L2, tableDescriptor(PTE)).dsb(0, 'ishst');
    expect(verdict(b.cpuOp('unpark', 1))).toBe('ok');
  });
  it('conflicts at unpark when the parked CPU was never flushed', () => {
    const b = withBlock([L2NA, L0]).cpuOp('park', 1);
    fillPtes(b, true).dsb(0, 'ishst').write(0, L2, tableDescriptor(PTE)).dsb(0, 'ishst');
    expect(verdict(b.cpuOp('unpark', 1))).toMatch(/^tlb-conflict@/);
  });
  it('is not an identity split with a wrong pfn step', () =>
    expect(
      verdict(split([L2NA], (i) => (i === 7 ? leafDescriptor(BLOCK_PA, true, { cont: true }) : undefined))),
    ).toMatch(/^(non-identity-split|cont-misprogrammed)@/));
  it('is not an identity split when PXN is dropped and no table above forces it', () => {
    const b = new TraceBuilder('4K', ROOT, [L2NA])
      .alloc(L1, 1)
      .alloc(L2, 2)
      .write(0, L2, leafDescriptor(BLOCK_PA, false))
      .dsb(0, 'ishst')
      .write(0, L1 + 8n, tableDescriptor(L2, { pxnTable: false }))
      .dsb(0, 'ishst')
      .write(0, ROOT, tableDescriptor(L1, { pxnTable: false }))
      .dsb(0, 'ishst');
    fillPtes(b, false, (i) => (i === 3 ? leafDescriptor(BLOCK_PA + 0x3000n, true, { pxn: false }) : undefined));
    b.dsb(0, 'ishst').write(0, L2, tableDescriptor(PTE, { pxnTable: false }));
    expect(verdict(b)).toMatch(/^non-identity-split@/);
  });
});
