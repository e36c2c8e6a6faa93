// Corpus values that do not decode are bad input for the command itself, as a user meets them
// (the real `bbm-verify` process, its exit status and streams): a `$bigint` that is not hex, a
// field of the wrong type — one line naming the file and the field, exit 2, never exit 1
// "CHANGED" (which would read as a regression of the SUT).
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'shrinks', 'corpus', 'split.boundaries-exact');
const real = readFileSync(join(SRC, 'split-skips-end.json'), 'utf8');
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BBM_')));

function bbmVerify(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'bbm-verify.mjs'), ...args], { cwd: ROOT, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe.concurrent('bbm-verify corpus: a value that does not decode is exit 2', () => {
  it.each([
    [
      'a $bigint that is not hex',
      real.replace('"0x40000000"', '"0x4000000g"'),
      /\$bigint: a hex bigint such as "0x40000000"/,
    ],
    [
      'a $bigint that is a number',
      real.replace('"0x40000000"', '1073741824'),
      /\$bigint: Invalid input: expected string, received number/,
    ],
    ['a field of the wrong type', real.replace('"bbm": 2', '"bbm": "two"'), /input\.config\.cpus\[0\]\.bbm: /],
  ])('%s', async (_what, text, field) => {
    const dir = mkdtempSync(join(tmpdir(), 'bbm-decode-'));
    cpSync(SRC, join(dir, 'split.boundaries-exact'), { recursive: true });
    const file = join(dir, 'split.boundaries-exact', 'split-skips-end.json');
    writeFileSync(file, text);
    const r = await bbmVerify(['corpus', 'check', dir]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = r.err.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^bbm-verify: corpus: ${file.replace(/[.[\]\\/]/g, '\\$&')}: input\\.`));
    expect(lines[0]).toMatch(field);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
