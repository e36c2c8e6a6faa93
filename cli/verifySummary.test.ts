// The forms a CI gates on: the closing line (per seed and over seeds), the JSON summary and JUnit,
// for every status a property can end in, with text that needs escaping.
import { describe, expect, it } from 'vitest';
import { SUMMARY_ROWS } from './summaryRows.fixture.ts';
import { jsonSummary, junitXml, summaryLine } from './verifySummary.ts';

const rows = SUMMARY_ROWS;
const info = { json: undefined, junit: undefined, seeds: [1, 2], ms: 3030, sut: undefined };

describe('verify summary', () => {
  it('closes with the counts and, over seeds, the failing ones', () => {
    expect(summaryLine(rows.slice(0, 2))).toBe('1 passed, 1 failed');
    expect(summaryLine(rows, [1, 2])).toBe('1 passed, 1 failed, 1 skipped, 1 internal errors; failing seeds: 1, 2');
    expect(summaryLine(rows.slice(0, 1), [1])).toBe('1 passed, 0 failed; every seed holds');
  });

  it('writes the JSON summary with totals, results and counterexamples', () => {
    expect(jsonSummary(rows, info)).toEqual({
      format: 'bbm-verify-summary/1',
      sut: 'port',
      seeds: [1, 2],
      ms: 3030,
      runs: 63,
      totals: { pass: 1, fail: 1, skip: 1, noInput: 0, error: 1 },
      results: [
        { property: 'split.blocks-kept', seed: 1, status: 'pass', runs: 60, ms: 812 },
        expect.objectContaining({ property: 'bbm.model-clean', status: 'fail', replay: rows[1]?.replay }),
        expect.objectContaining({ property: 'perm.valid-roundtrip', status: 'skip' }),
        expect.objectContaining({ property: 'errors.no-damage', status: 'error' }),
      ],
      counterexamples: [
        {
          property: 'bbm.model-clean',
          seed: 1,
          path: '2:0',
          replay: rows[1]?.replay,
          replays: [{ how: 'by seed and path', command: rows[1]?.replay }],
          summary: '! bbm-unclean at event 4 (line 5): <a & b>',
          input: { $bigint: '0x10' },
        },
      ],
    });
  });

  it('writes JUnit: one suite per seed, failure, skipped and error elements, text escaped', () => {
    const xml = junitXml(rows, info);
    expect(xml).toContain('<testsuites name="bbm-verify" tests="4" failures="1" errors="1" skipped="1" time="3.030">');
    expect(xml).toContain(
      '<testsuite name="bbm-verify seed 1" tests="2" failures="1" errors="0" skipped="0" time="3.022">',
    );
    expect(xml).toContain(
      '<failure message="! bbm-unclean at event 4 (line 5): &lt;a &amp; b&gt;" type="counterexample">! bbm-unclean at event 4 (line 5): &lt;a &amp; b&gt;\n    cpu 0\nreplay: npx bbm-verify verify --only bbm.model-clean --seed 1 --path 2:0 --sut \'my sut.ts\'</failure>',
    );
    expect(xml).toContain('<skipped message="no configuration of this property has variant v6.18"/>');
    expect(xml).toContain('<error message="Error: &quot;x&quot;" type="error">');
    // Well nested: every element opened is closed, in order.
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([\w]+)[^>]*?(\/?)>/g)) {
      if (m[3] === '/') continue;
      if (m[1] === '/') expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2] ?? '');
    }
    expect(stack).toEqual([]);
  });
});
