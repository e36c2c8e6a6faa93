// `verify` on a seeded bug prints the failure report under the failure and, with --html, writes
// it as one self-contained page: the pictures of the tables and the failing event are there.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';

describe('verify --html', () => {
  it('prints the report under a failure and writes the HTML page', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bbm-html-')), 'report.html');
    const r = await runCli(
      [
        'verify',
        '--sut',
        'impl/mutants/split-pmd-no-dsb.ts',
        '--only',
        'bbm.model-clean',
        '--seed',
        '20261125',
        '--html',
        file,
      ],
      Readable.from([]),
    );
    expect(r.code).toBe(1);
    const text = r.stdout.join('\n');
    for (const heading of [
      '2. Configuration',
      '3. Operations',
      '4. State at the failing step',
      '5. VA layout',
      '6. Rule broken',
    ])
      expect(text).toContain(heading);
    // By value always (the case saved when it failed); by seed and path too when the failing input was generated.
    expect(text).toMatch(/replay \(by value\) +npx bbm-verify replay \S+bbm\.model-clean\.case\.json/);
    expect(text).not.toContain('\u001b[');
    expect(r.stdout).toContain(`wrote ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('data-role="failing-entry"');
    expect(html).toMatch(
      /<tr class="failing" id="failing-event"><td class="n">! \d+<\/td><td class="ev">cpu0 {2}write {2}pmd\[/,
    );
    expect(html).not.toMatch(/<(?:script|link)\b|src="http/);
  }, 120_000);

  it('replay --html: the saved case’s report, the same twice', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bbm-html-')), 'replay.html');
    const args = ['replay', 'docs/examples/flush-one-page-short.case.json', '--html', file];
    const [a, b] = [await runCli(args, Readable.from([])), await runCli(args, Readable.from([]))];
    expect(a.code).toBe(1);
    expect(a.stdout).toEqual(b.stdout);
    expect(a.stdout.join('\n')).toContain(
      'replay (by value)  npx bbm-verify replay docs/examples/flush-one-page-short.case.json',
    );
    expect(a.stdout.join('\n')).toContain('6. Rule broken');
    const html = readFileSync(file, 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('zoom ×32');
  }, 120_000);
});
