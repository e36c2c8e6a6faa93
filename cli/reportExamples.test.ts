// The example reports of docs/examples/ and the golden reports of reports/golden/ are what the
// report library draws today for their seeded bugs' cases: a change to the report, the model or
// a mutant that changes a report shows here as a diff (regenerate with `npm run examples`, read
// the diff, commit it). Also: a report without colour has no escape code, and one with colour
// has them only where asked.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyseFailure } from '../reports/analyse.ts';
import { ansi, wantsColour } from '../reports/colour.ts';
import { textReport } from '../reports/textReport.ts';
import { REPORT_EXAMPLES, exampleInput, renderExample } from './reportExamples.ts';

describe('example and golden failure reports', () => {
  it.each(REPORT_EXAMPLES.map((e) => [e.mutant, e] as const))('%s is current', (_name, e) => {
    for (const f of renderExample(e))
      expect(f.text, `${f.file} is stale: npm run examples`).toBe(readFileSync(f.file, 'utf8'));
  });

  it('has the six sections in order, the failing event marked, and no colour by default', () => {
    const e = REPORT_EXAMPLES[0];
    if (e === undefined) throw new Error('no example');
    const text = readFileSync(`${e.dir}/${e.mutant}.txt`, 'utf8');
    const at = (s: string): number => text.indexOf(s);
    expect(at('FAIL bbm.model-clean')).toBe(0);
    const order = [
      'replay (by value)',
      '2. Configuration',
      '3. Operations',
      '! table-linked-before-init:',
      '4. State',
      '5. VA layout',
      '6. Rule broken',
    ].map(at);
    expect(order.every((x) => x > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(text).toMatch(/^ {7}! {4}1177 {2}cpu0 {2}write {2}pmd\[1\] of 0xf000002000/m);
    expect(text).toMatch(/- 2M block {2}OA 0x40200000 .*\[VALID\]\n +\+ table → 0xf000005000/);
    expect(text).not.toContain('\u001b[');
  });

  it('names the Casemate state of a broken entry whose break is unfinished', () => {
    const e = REPORT_EXAMPLES.find((x) => x.mutant === 'split-pmd-break-before-alloc');
    if (e === undefined) throw new Error('no example');
    expect(readFileSync(`${e.dir}/${e.mutant}.txt`, 'utf8')).toContain(
      '+ invalid (0x0)   [INVALID_UNCLEAN (LIS_dsbed; cpu0 may still hold the old entry)]',
    );
  });

  it('colours only where asked: a TTY without NO_COLOR', () => {
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
    const e = REPORT_EXAMPLES[0];
    if (e === undefined) throw new Error('no example');
    const painted = textReport(analyseFailure(exampleInput(e)), ansi);
    expect(painted).toContain('\u001b[31m');
    // eslint-disable-next-line no-control-regex -- the SGR codes the test strips
    expect(painted.replace(/\u001b\[\d+m/g, '')).toBe(readFileSync(`${e.dir}/${e.mutant}.txt`, 'utf8').trimEnd());
  });
});
