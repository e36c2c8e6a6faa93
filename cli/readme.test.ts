// The README's examples do what they say: every `$ npx bbm-verify …` line of a ```console block is
// run (in-process, as `bbm-verify …`) and must exit as its `# exit N` comment says (0 without one)
// and print the line shown under it first (a shown line ending in `…` is a prefix). The longer
// examples of ```sh blocks are run by hand before a release (cli/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';

interface Example {
  readonly command: string;
  readonly exit: number;
  readonly first: string | undefined;
}

function examples(markdown: string): Example[] {
  const out: Example[] = [];
  for (const block of markdown.matchAll(/^```console\n([\s\S]*?)^```$/gm)) {
    const lines = (block[1] ?? '').split('\n');
    lines.forEach((line, i) => {
      const m = /^\$ (npx bbm-verify .*?)(?:\s+# exit (\d))?$/.exec(line);
      if (m === null) return;
      const next = lines[i + 1];
      out.push({
        command: m[1] ?? '',
        exit: Number(m[2] ?? 0),
        first: next === undefined || next.startsWith('$ ') || next.trim() === '…' || next === '' ? undefined : next,
      });
    });
  }
  return out;
}

const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const readme = examples(text);

describe('README examples', () => {
  it('has some', () => expect(readme.length).toBeGreaterThanOrEqual(2));

  it.each(readme.map((e) => [e.command, e] as const))('%s', async (_c, e) => {
    const argv = e.command.replace(/^npx bbm-verify /, '').split(/\s+/);
    const r = await runCli(argv, Readable.from([]));
    const first = [...r.stdout, ...r.stderr].join('\n').split('\n')[0] ?? '';
    if (e.first !== undefined) {
      if (e.first.endsWith('…')) expect(first.startsWith(e.first.slice(0, -1))).toBe(true);
      else expect(first).toBe(e.first);
    }
    expect(r.code).toBe(e.exit);
  });

  it('names saved traces that the examples above really saved', () => {
    const saved = [...text.matchAll(/whole run: (\S+)/g)].map((m) => m[1] ?? '');
    expect(saved.length).toBeGreaterThan(0);
    for (const f of saved) expect(existsSync(f), f).toBe(true);
  });
});
