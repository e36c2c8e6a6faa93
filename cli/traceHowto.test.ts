// docs/kernel-trace-howto.md's worked example is a trace check-trace judges: the recorded split
// holds, and the same run without split_pmd()'s dsb(ishst) (line 613) is the violation the page
// shows. The lines the page quotes are the file's lines.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';

const root = (p: string): string => fileURLToPath(new URL(`../${p}`, import.meta.url));
const example = root('docs/examples/split-pmd-bbml2-4k.jsonl');
const page = readFileSync(root('docs/kernel-trace-howto.md'), 'utf8');
const lines = readFileSync(example, 'utf8').split('\n');

describe('the kernel trace how-to', () => {
  it('quotes lines of its example exactly', () => {
    const quoted = [...page.matchAll(/^(\d+) +(\{.*?\})(?: {2,}|$)/gm)];
    expect(quoted.length).toBeGreaterThan(10);
    for (const [, n, text] of quoted) expect(lines[Number(n) - 1]).toBe(text);
  });

  it('has an example check-trace holds, and a DSB-less one it rejects as the page says', async () => {
    const ok = await runCli(['check-trace', example], Readable.from([]));
    expect(ok.stdout).toEqual(['ok: 631 events']);
    expect(ok.code).toBe(0);
    expect(lines[612]).toBe('{"op":"dsb","cpu":1,"dom":"ishst"}');
    const file = join(mkdtempSync(join(tmpdir(), 'bbm-howto-')), 'no-dsb.jsonl');
    writeFileSync(file, lines.filter((_l, i) => i !== 612).join('\n'));
    const bad = await runCli(['check-trace', file], Readable.from([]));
    expect(bad.code).toBe(1);
    const first = bad.stdout.join('\n').split('\n')[0];
    expect(first).toBe(
      '! table-linked-before-init at event 612 (line 613): table linked before its entries were written and made visible by a DSB',
    );
    expect(page).toContain(first);
  });
});
