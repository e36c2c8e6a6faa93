// The rule families of issue 7, one small trace each (bad and good where the family has both):
// each fixed at the rule, per model/SEMANTICS.md. The golden scenarios cover them at length.
import { describe, expect, test } from 'vitest';
import type { CpuSpec } from './events.ts';
import { leafDescriptor, tableDescriptor } from './testing/descriptors.ts';
import { TraceBuilder } from './testing/traceBuilder.ts';
import { initialState, step } from './step.ts';
import { checkTraceLines } from './trace/checkTrace.ts';

const ROOT = 0x8000_0000n;
const L1 = 0x8000_1000n;
const L2 = 0x8000_2000n;
const PTE = 0x8000_3000n;
const PTE_B = 0x8000_4000n;
const PA0 = 0x4000_0000n;
const VA0 = 0xffff_0000_0000_0000n;
const K4 = 0x1000n;

const NA = { bbm: 2, noabort: true } as const;
const L0 = { bbm: 0, noabort: false } as const;
const cpus = (...c: { bbm: 0 | 1 | 2; noabort: boolean }[]): CpuSpec[] => c.map((x, id) => ({ id, ...x }));

/** 4K: L0[0] → L1, L1[0] → L2, L2[0] → a PTE table whose entries `pages` map PA0 + i × 4K. */
function base(t: TraceBuilder, pages: (i: number) => bigint | undefined, count = 32): TraceBuilder {
  t.alloc(L1, 1).alloc(L2, 2).alloc(PTE, 3);
  for (let i = 0; i < count; i++) {
    const v = pages(i);
    if (v !== undefined) t.write(0, PTE + 8n * BigInt(i), v);
  }
  t.write(0, L2, tableDescriptor(PTE)).write(0, L1, tableDescriptor(L2)).dsb(0, 'ish');
  t.write(0, ROOT, tableDescriptor(L1)).dsb(0, 'ish').isb(0);
  return t;
}
const page = (i: number, f: Parameters<typeof leafDescriptor>[2] = {}): bigint =>
  leafDescriptor(PA0 + BigInt(i) * K4, true, f);

async function verdict(t: TraceBuilder): Promise<string> {
  const v = await checkTraceLines(t.lines());
  if (v.kind === 'ok') return 'ok';
  if (v.kind === 'bad-input') return `bad-input: ${v.reason}`;
  return `${v.violation.code}@${v.violation.event}`;
}
const n = (t: TraceBuilder): number => t.events.length;

describe('family 1: a contiguous group is judged after a store to any member', () => {
  test('plain entries written after Contiguous ones are caught, as plain-first is', async () => {
    const contFirst = base(new TraceBuilder('4K', ROOT, cpus(NA, L0)), () => undefined);
    for (let i = 0; i < 8; i++) contFirst.write(0, PTE + 8n * BigInt(i), page(i, { cont: true }));
    const at = n(contFirst) + 1;
    for (let i = 8; i < 16; i++) contFirst.write(0, PTE + 8n * BigInt(i), page(i));
    expect(await verdict(contFirst)).toBe(`cont-misprogrammed@${at}`);
    const plainFirst = base(new TraceBuilder('4K', ROOT, cpus(NA, L0)), () => undefined);
    for (let i = 0; i < 8; i++) plainFirst.write(0, PTE + 8n * BigInt(i), page(i));
    const at2 = n(plainFirst) + 1;
    for (let i = 8; i < 16; i++) plainFirst.write(0, PTE + 8n * BigInt(i), page(i, { cont: true }));
    expect(await verdict(plainFirst)).toBe(`cont-misprogrammed@${at2}`);
  });
});

describe('family 2: fields decoded for the descriptor type that has them', () => {
  test('bit 16 of a page is an OA bit, not nT: a level-1 CPU resumes over a conflicting shape', async () => {
    // Page 16 maps 0x40010000 (bit 16 set). CPU 1 (BBM level 1, no noabort) parks holding it; the
    // group 16..31 is folded to Contiguous live by the noabort CPU; CPU 1 resumes with no flush.
    const t = base(new TraceBuilder('4K', ROOT, cpus(NA, { bbm: 1, noabort: false })), (i) => page(i));
    t.cpuOp('park', 1);
    for (let i = 16; i < 32; i++) t.write(0, PTE + 8n * BigInt(i), page(i, { cont: true }));
    t.dsb(0, 'ish').cpuOp('unpark', 1);
    expect(await verdict(t)).toBe(`tlb-conflict@${n(t)}`);
  });
});

describe('family 3: identical AttrIndx for a live size change and inside a group', () => {
  test('a BBML2 split of a Normal block into Normal-Tagged pages is not identity-preserving', async () => {
    const t = new TraceBuilder('4K', ROOT, cpus(NA, NA));
    t.alloc(L1, 1)
      .alloc(L2, 2)
      .write(0, L2, leafDescriptor(PA0, false, { attrIndx: 0 }));
    t.write(0, L1, tableDescriptor(L2)).dsb(0, 'ish').write(0, ROOT, tableDescriptor(L1)).dsb(0, 'ish');
    t.alloc(PTE, 3);
    for (let i = 0; i < 512; i++) t.write(0, PTE + 8n * BigInt(i), page(i, { attrIndx: 1 }));
    t.dsb(0, 'ishst').write(0, L2, tableDescriptor(PTE));
    expect(await verdict(t)).toBe(`non-identity-split@${n(t)}`);
  });
  test('a group mixing Normal and Normal-Tagged Contiguous entries is misprogrammed', async () => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(NA, NA)), (i) =>
      i < 16 ? page(i, { cont: true, attrIndx: i === 5 ? 0 : 1 }) : undefined,
    );
    expect(await verdict(t)).toMatch(/^cont-misprogrammed@/);
  });
});

describe('family 4: partial repaints judged however flushed, and at the end', () => {
  const repaintHalf = (): TraceBuilder => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(L0, L0)), (i) => (i < 16 ? page(i, { cont: true }) : undefined));
    for (let i = 0; i < 8; i++) t.write(0, PTE + 8n * BigInt(i), page(i, { cont: true, readOnly: true }));
    return t;
  };
  test('flushed by another CPU', async () => {
    const t = repaintHalf().dsb(0, 'ishst').tlbi(1, 'rvaale1is', VA0, 0x10000n).dsb(1, 'ish');
    expect(await verdict(t)).toBe(`cont-misprogrammed@${n(t)}`);
  });
  test('never flushed: the end of the trace', async () => {
    const t = repaintHalf().dsb(0, 'ish');
    expect(await verdict(t)).toBe(`cont-misprogrammed@${n(t) + 1}`);
  });
  test('the whole group repainted is fine', async () => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(L0, L0)), (i) => (i < 16 ? page(i, { cont: true }) : undefined));
    for (let i = 0; i < 16; i++) t.write(0, PTE + 8n * BigInt(i), page(i, { cont: true, readOnly: true }));
    t.dsb(0, 'ishst').tlbi(0, 'rvaale1is', VA0, 0x10000n).dsb(0, 'ish');
    expect(await verdict(t)).toBe('ok');
  });
  test('a CPU coming online without noabort sees a live Contiguous/non-Contiguous mix', async () => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(NA)), (i) => (i < 16 ? page(i, { cont: i >= 4 }) : undefined));
    t.online(1, 0, false);
    expect(await verdict(t)).toBe(`tlb-conflict@${n(t)}`);
  });
});

describe('family 5: a table replaced by another after a last-level TLBI leaves walk-cache entries', () => {
  test('break, VALE1IS, new table: the old table pointer is still cached', async () => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(L0, L0)), (i) => (i < 16 ? page(i) : undefined));
    t.alloc(PTE_B, 3);
    for (let i = 0; i < 16; i++) t.write(0, PTE_B + 8n * BigInt(i), page(i));
    t.dsb(0, 'ishst').write(0, L2, 0n).dsb(0, 'ishst').tlbi(0, 'vaale1is', VA0).dsb(0, 'ish');
    t.write(0, L2, tableDescriptor(PTE_B));
    expect(await verdict(t)).toBe(`bbm-unclean@${n(t)}`);
    const good = base(new TraceBuilder('4K', ROOT, cpus(L0, L0)), (i) => (i < 16 ? page(i) : undefined));
    good.alloc(PTE_B, 3);
    for (let i = 0; i < 16; i++) good.write(0, PTE_B + 8n * BigInt(i), page(i));
    good.dsb(0, 'ishst').write(0, L2, 0n).dsb(0, 'ishst').tlbi(0, 'vaae1is', VA0).dsb(0, 'ish');
    good.write(0, L2, tableDescriptor(PTE_B)).dsb(0, 'ishst');
    expect(await verdict(good)).toBe('ok');
  });
});

describe('family 6: TLBI timing against park and the DSB domain', () => {
  test('a TLBI issued before the park does not flush what the parked CPU held', async () => {
    const t = new TraceBuilder('4K', ROOT, cpus(NA, L0));
    t.alloc(L1, 1).alloc(L2, 2).write(0, L2, leafDescriptor(PA0, false)).write(0, L1, tableDescriptor(L2));
    t.dsb(0, 'ish').write(0, ROOT, tableDescriptor(L1)).dsb(0, 'ish');
    t.tlbi(0, 'vmalle1is').cpuOp('park', 1).dsb(0, 'ish');
    t.alloc(PTE, 3);
    for (let i = 0; i < 512; i++) t.write(0, PTE + 8n * BigInt(i), page(i));
    t.dsb(0, 'ishst').write(0, L2, tableDescriptor(PTE)).dsb(0, 'ish').cpuOp('unpark', 1);
    expect(await verdict(t)).toBe(`tlb-conflict@${n(t)}`);
  });
  test("another CPU's local TLBI does not remove what the writer's DSB NSH did not publish", async () => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(L0, L0)), (i) => (i < 4 ? page(i) : undefined));
    t.write(0, PTE, 0n).dsb(0, 'nsh').tlbi(0, 'vaale1', VA0).dsb(0, 'nsh');
    t.tlbi(1, 'vaale1', VA0).dsb(1, 'nsh');
    t.write(0, PTE, page(9));
    expect(await verdict(t)).toBe(`bbm-unclean@${n(t)}`);
  });
  test("a parked CPU's own flush is good whatever the writer's DSB", async () => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(L0, L0)), (i) => (i < 4 ? page(i) : undefined));
    // CPU 1 flushes while CPU 0's break is not yet visible to anyone: it cannot refill, parked.
    t.cpuOp('park', 1).write(0, PTE, 0n).tlbi(1, 'vmalle1').dsb(1, 'nsh');
    t.dsb(0, 'ish').tlbi(0, 'vaale1', VA0).dsb(0, 'nsh');
    t.write(0, PTE, page(9)).dsb(0, 'ish').cpuOp('unpark', 1);
    expect(await verdict(t)).toBe('ok');
  });
});

describe('family 7: contiguous entries may be cached one by one', () => {
  const remapGroup = (flush: (t: TraceBuilder) => void): TraceBuilder => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(L0, L0)), (i) => (i < 16 ? page(i, { cont: true }) : undefined));
    for (let i = 0; i < 16; i++) t.write(0, PTE + 8n * BigInt(i), 0n);
    t.dsb(0, 'ishst');
    flush(t);
    t.dsb(0, 'ish');
    for (let i = 0; i < 16; i++) t.write(0, PTE + 8n * BigInt(i), page(i + 256, { cont: true }));
    return t.dsb(0, 'ishst');
  };
  test('a level-0 BBM of a group with one by-VA TLBI leaves the other entries cached', async () => {
    const t = remapGroup((x) => x.tlbi(0, 'vaale1is', VA0));
    expect(await verdict(t)).toMatch(/^bbm-unclean@/);
  });
  test('the whole span invalidated is clean', async () => {
    const t = remapGroup((x) => x.tlbi(0, 'rvaale1is', VA0, 0x10000n));
    expect(await verdict(t)).toBe('ok');
  });
});

describe('family 8: a table freed under a detached parent is tracked when the parent returns', () => {
  test('relinking the parent publishes a freed table', async () => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(L0, L0)), (i) => (i < 4 ? page(i) : undefined));
    t.write(0, L1, 0n).dsb(0, 'ishst').tlbi(0, 'vaae1is', VA0).dsb(0, 'ish');
    t.free(PTE).dsb(0, 'ish').write(0, L1, tableDescriptor(L2));
    expect(await verdict(t)).toBe(`bad-table-link@${n(t)}`);
  });
});

describe('family 9: stores are not visible to every walker at once', () => {
  test('a CPU resuming before the repaint is published may see the old block', async () => {
    const t = new TraceBuilder('4K', ROOT, cpus(NA, L0));
    t.alloc(L1, 1).alloc(L2, 2).write(0, L2, leafDescriptor(PA0, false)).write(0, L1, tableDescriptor(L2));
    t.dsb(0, 'ish').write(0, ROOT, tableDescriptor(L1)).dsb(0, 'ish');
    t.cpuOp('park', 1).tlbi(0, 'vmalle1is').dsb(0, 'ish').alloc(PTE, 3);
    for (let i = 0; i < 512; i++) t.write(0, PTE + 8n * BigInt(i), page(i));
    t.dsb(0, 'ishst').write(0, L2, tableDescriptor(PTE)).cpuOp('unpark', 1);
    expect(await verdict(t)).toBe(`tlb-conflict@${n(t)}`);
    t.events.pop();
    t.dsb(0, 'ishst').cpuOp('unpark', 1);
    expect(await verdict(t)).toBe('ok');
  });
  test('the writer relies on a new entry only after DSB and ISB', async () => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(L0, L0)), (i) => (i < 4 ? page(i) : undefined));
    const va = VA0 + 5n * K4;
    t.write(0, PTE + 40n, page(5));
    const walkAt = (x: TraceBuilder, cpu: number): TraceBuilder => {
      x.events.push({ op: 'walk', cpu, va: va as never });
      return x;
    };
    const noSync = walkAt(new TraceBuilder('4K', ROOT, t.cpus), 0);
    noSync.events.unshift(...t.events);
    expect(await verdict(noSync)).toBe(`walk-unsynchronized@${n(noSync)}`);
    const dsbOnly = new TraceBuilder('4K', ROOT, t.cpus);
    dsbOnly.events.push(...t.events);
    dsbOnly.dsb(0, 'ishst');
    walkAt(dsbOnly, 0);
    expect(await verdict(dsbOnly)).toBe(`walk-unsynchronized@${n(dsbOnly)}`);
    walkAt(dsbOnly, 1);
    dsbOnly.events.splice(dsbOnly.events.length - 2, 1);
    expect(await verdict(dsbOnly)).toBe('ok');
    const synced = new TraceBuilder('4K', ROOT, t.cpus);
    synced.events.push(...t.events);
    walkAt(synced.dsb(0, 'ishst').isb(0), 0);
    expect(await verdict(synced)).toBe('ok');
  });
});

describe('family 10: the model keeps following the SUT', () => {
  test('a page allocated inside stop_machine() on PREEMPT_RT exists afterwards', async () => {
    const t = base(new TraceBuilder('4K', ROOT, cpus(NA), true), (i) => (i < 4 ? page(i) : undefined));
    t.cpuOp('stop', 0).alloc(PTE_B, 3);
    const at = n(t);
    t.write(0, PTE_B, page(0)).cpuOp('resume', 0);
    expect(await verdict(t)).toBe(`alloc-while-stopped@${at}`);
    const state = initialState({ granule: '4K', root: ROOT, preemptRt: true, cpus: t.cpus });
    const codes = t.events.map((e) => step(state, e)?.code);
    expect(codes.filter((c) => c !== undefined)).toEqual(['alloc-while-stopped']);
  });
});
