// The disagreements found so far, each a regression test for both checkers (README.md).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTraceLines } from '../../trace/checkTrace.ts';
import { checkReference } from '../checkReference.ts';
import { showVerdict, summaryOfFast, summaryOfRef } from '../verdictSummary.ts';

const dir = import.meta.dirname;
const traces = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();

describe('disagreements found by the differential run', () => {
  it('has a trace and an expected verdict for each', () => {
    expect(traces.length).toBeGreaterThanOrEqual(31);
    for (const t of traces) expect(readdirSync(dir)).toContain(t.replace(/\.jsonl$/, '.expected'));
  });
  it.each(traces)('%s: both checkers give the expected verdict', async (t) => {
    const lines = readFileSync(join(dir, t), 'utf8').split('\n');
    const expected = readFileSync(join(dir, t.replace(/\.jsonl$/, '.expected')), 'utf8').trim();
    expect(showVerdict(summaryOfRef(checkReference(lines)))).toBe(expected);
    expect(showVerdict(summaryOfFast(await checkTraceLines(lines)))).toBe(expected);
  });
});
