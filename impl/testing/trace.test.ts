// Recorded traces of boot + split + repaint are well-formed bbm-trace/1 JSON Lines.
import { describe, expect, it } from 'vitest';
import { checkTraceSyntax, eventToJson, formatTrace, headerToJson } from './trace.ts';
import { recordBootSplitRepaint } from './record.ts';

describe('bbm-trace/1 serialisation', () => {
  it('writes the fields in the format order with 0x hex strings', () => {
    expect(eventToJson({ op: 'write', cpu: 0, pa: 0xf000001008n, val: 0x60000041200f01n })).toBe(
      '{"op":"write","cpu":0,"pa":"0xf000001008","val":"0x60000041200f01"}',
    );
    expect(eventToJson({ op: 'tlbi', cpu: 1, kind: 'vmalle1' })).toBe('{"op":"tlbi","cpu":1,"kind":"vmalle1"}');
    expect(eventToJson({ op: 'tlbi', cpu: 0, kind: 'vaale1is', va: 0xffff000000200000n })).toBe(
      '{"op":"tlbi","cpu":0,"kind":"vaale1is","va":"0xffff000000200000"}',
    );
    expect(eventToJson({ op: 'alloc', pa: 0xf000002000n, level: 3 })).toBe(
      '{"op":"alloc","pa":"0xf000002000","level":3}',
    );
    expect(eventToJson({ op: 'online', cpu: 1, bbm: 0, noabort: false })).toBe(
      '{"op":"online","cpu":1,"bbm":0,"noabort":false}',
    );
    expect(
      headerToJson({
        format: 'bbm-trace/1',
        granule: '4K',
        va_bits: 48,
        root: 0xf000000000n,
        preempt_rt: false,
        cpus: [{ id: 0, bbm: 2, noabort: true }],
      }),
    ).toBe(
      '{"format":"bbm-trace/1","granule":"4K","va_bits":48,"root":"0xf000000000","preempt_rt":false,"cpus":[{"id":0,"bbm":2,"noabort":true}]}',
    );
  });

  it('the syntax checker rejects malformed lines', () => {
    const good = formatTrace(
      { format: 'bbm-trace/1', granule: '16K', va_bits: 48, root: 0x1000n, preempt_rt: true, cpus: [] },
      [{ op: 'isb', cpu: 0 }],
    );
    expect(checkTraceSyntax(good)).toEqual([]);
    expect(checkTraceSyntax(good + '{"op":"dsb","cpu":0,"dom":"osh"}\n').length).toBe(1);
    expect(checkTraceSyntax(good + '{"op":"write","cpu":0,"pa":4096,"val":"0x1"}\n').length).toBe(1);
  });
});

describe('recorded runs: boot + split + repaint', () => {
  for (const [granule, variant, extraRam] of [
    ['4K', 'v7.2-rc', 64n << 20n],
    ['4K', 'prealloc', 64n << 20n],
    ['64K', 'v7.2-rc', 1n << 30n],
    ['64K', 'prealloc', 1n << 30n],
    ['16K', 'v6.18', 64n << 20n],
  ] as const) {
    it(`${granule} ${variant}: well-formed, in the expected phases`, () => {
      const m = recordBootSplitRepaint({ granule, variant, extraRam, preempt_rt: variant === 'prealloc' });
      const text = m.toJsonl();
      expect(checkTraceSyntax(text)).toEqual([]);
      const lines = text.trim().split('\n');
      const header = JSON.parse(lines[0] ?? '{}') as { cpus: unknown[]; root: string; granule: string };
      expect(header.cpus).toEqual([{ id: 0, bbm: 2, noabort: true }]);
      expect(header.granule).toBe(granule);
      const ops = lines.slice(1).map((l) => (JSON.parse(l) as { op: string }).op);
      const online = ops.indexOf('online');
      const stop = ops.indexOf('stop');
      const resume = ops.indexOf('resume');
      expect(online).toBeGreaterThan(0);
      if (variant === 'v6.18') {
        // v6.18 has no pre-finalisation split path: the early split returned 0 and wrote nothing.
        expect(stop).toBeGreaterThan(online);
      } else {
        expect(stop).toBeGreaterThan(online);
        expect(ops.slice(stop, resume).includes('alloc')).toBe(variant !== 'prealloc');
      }
      expect(ops.filter((o) => o === 'park').length).toBe(1);
      // Every write goes to a page that is the root or was allocated before.
      const live = new Set([BigInt(header.root) & ~(m.pageSize - 1n)]);
      for (const l of lines.slice(1)) {
        const e = JSON.parse(l) as { op: string; pa?: string };
        if (e.op === 'alloc' && e.pa !== undefined) live.add(BigInt(e.pa));
        if (e.op === 'free' && e.pa !== undefined) live.delete(BigInt(e.pa));
        if (e.op === 'write' && e.pa !== undefined) expect(live.has(BigInt(e.pa) & ~(m.pageSize - 1n))).toBe(true);
      }
    });
  }
});
