// The benchmark's workloads are clean traces: the model finds nothing in their first events, and
// a trace file cut where the benchmark cuts it checks clean to its end. A workload that broke a
// rule would measure the cost of a violation path, not of checking. (Their bounded footprint
// shows in the benchmark's peak RSS at 10^6 events and more.)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asPA } from '../model/arch/bits.ts';
import { finish, initialState, step } from '../model/step.ts';
import { checkTraceLines } from '../model/trace/checkTrace.ts';
import { writeTrace } from './traceFile.ts';
import { ROOT, WORKLOADS } from './workloads.ts';

const dir = mkdtempSync(join(tmpdir(), 'bbm-bench-test-'));

describe.each(WORKLOADS.map((w) => [w.name, w] as const))('workload %s', (_name, w) => {
  it('is clean for its first 12,000 events, stores and TLBIs among them', () => {
    const state = initialState({ granule: '4K', root: asPA(ROOT), preemptRt: false, cpus: w.cpus });
    const events = w.events();
    const ops = new Map<string, number>();
    for (let n = 0; n < 12_000; n++) {
      const e = events.next().value;
      ops.set(e.op, (ops.get(e.op) ?? 0) + 1);
      const v = step(state, e);
      if (v !== undefined) expect.fail(`event ${n + 1} (${e.op}): ${v.code}: ${v.detail}`);
    }
    expect(ops.get('write') ?? 0).toBeGreaterThan(5_000);
    expect(ops.get('tlbi') ?? 0).toBeGreaterThan(0);
  });

  it('is cut clean by writeTrace, and check-trace reads the file as the events', async () => {
    const file = join(dir, `${w.name}.jsonl`);
    const n = writeTrace(w, 3_000, file);
    expect(n).toBeGreaterThanOrEqual(3_000);
    const verdict = await checkTraceLines(readFileSync(file, 'utf8').split('\n'));
    expect(verdict.kind).toBe('ok');
    if (verdict.kind === 'ok') {
      expect(verdict.events).toBe(n);
      expect(finish(verdict.state)).toBeUndefined();
    }
  });
});
