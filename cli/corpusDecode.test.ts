// Corpus values that do not decode are bad input for the command itself, as a user meets them
// (the real `bbm-verify` process, its exit status and streams): a `$bigint` that is not hex, a
// field of the wrong type — one line naming the file and the field, exit 2, never exit 1
// "CHANGED" (which would read as a regression of the SUT). So are values of the right type but
// out of range (shrinks/configRanges.ts, the bounds in shrinks/inputSchemas.ts): before those were
// refused, a bank past the linear map and a CPU id past the CPU count replayed "as recorded"
// (exit 0) and a position past its run "CHANGED" (exit 1).
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'shrinks', 'corpus', 'split.boundaries-exact');
const real = readFileSync(join(SRC, 'split-skips-end.json'), 'utf8');
/** The entry with a second bank of 1 GiB at `base` (the saved case has one bank). */
const withBank = (base: string): string => {
  const e = JSON.parse(real) as { input: { config: { memblock: { banks: unknown[] } } } };
  e.input.config.memblock.banks.push({ base: { $bigint: base }, size: { $bigint: '0x40000000' } });
  return JSON.stringify(e, null, 2) + '\n';
};
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BBM_')));

function bbmVerify(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'bbm-verify.mjs'), ...args], { cwd: ROOT, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

/**
 * A corpus folder outside the checkout holding a copy of the entry's folder, the entry's text replaced.
 * @param text - the entry's new text
 * @returns the entry's file
 */
function corpusWith(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bbm-decode-'));
  cpSync(SRC, join(dir, 'split.boundaries-exact'), { recursive: true });
  const file = join(dir, 'split.boundaries-exact', 'split-skips-end.json');
  writeFileSync(file, text);
  return file;
}

/** Exit 2, nothing on stdout, one line naming the file and the field, and the file untouched. */
function expectRefused(
  r: { code: number | null; stdout: readonly string[]; stderr: readonly string[] },
  file: string,
  field: RegExp,
  text: string,
): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toEqual([]);
  expect(r.stderr).toHaveLength(1);
  expect(r.stderr[0]).toMatch(new RegExp(`^bbm-verify: corpus: ${file.replace(/[.[\]\\/]/g, '\\$&')}: input\\.`));
  expect(r.stderr[0]).toMatch(field);
  expect(readFileSync(file, 'utf8')).toBe(text);
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
    [
      'a bank whose linear VAs are outside the linear map',
      withBank('0x1000000000000'),
      /input\.config\.memblock\.banks\[1\]: 0x1000000000000\+0x40000000 ends past the linear map \(its linear VAs would pass 0xffff800000000000/,
    ],
  ])('%s', async (_what, text, field) => {
    const file = corpusWith(text);
    const r = await bbmVerify(['corpus', 'check', dirname(dirname(file))]);
    const lines = (s: string): string[] => s.split('\n').filter(Boolean);
    expectRefused({ code: r.code, stdout: lines(r.out), stderr: lines(r.err) }, file, field, text);
  });
});

// The other ranges, through the same command in this process (a child each would cost seconds).
describe('bbm-verify corpus: a value out of range is exit 2', () => {
  it.each([
    [
      'a granule that is not 4K, 16K or 64K',
      real.replace('"granule": "4K"', '"granule": "8K"'),
      /input\.config\.granule: Invalid option: expected one of "4K"\|"16K"\|"64K"$/,
    ],
    [
      'a CPU id that is not one of the CPUs',
      real.replace('"id": 0', '"id": 1'),
      /input\.config\.cpus\[0\]\.id: 1 is not a CPU of this machine as entry 0: its 1 CPUs are numbered 0\.\.0/,
    ],
    [
      'a bank that is not page aligned',
      real.replace('"0x2800000"', '"0x2800800"'),
      /input\.config\.memblock\.banks\[0\]\.size: not a multiple of the 4K page size \(0x1000\)/,
    ],
    [
      'banks that overlap',
      withBank('0x41000000'),
      /input\.config\.memblock\.banks\[1\]\.base: 0x41000000 overlaps or precedes bank 0/,
    ],
    [
      'BBML2_NOABORT on a CPU without BBML2',
      real.replace('"bbm": 2', '"bbm": 0'),
      /input\.config\.cpus\[0\]\.noabort: true needs bbm 2/,
    ],
    [
      'a kernel image outside RAM',
      real.replace('"0x41000000"', '"0x43000000"'),
      /input\.config\.memblock\.kernel: the image 0x40200000\.\.0x43000000 is not inside one RAM bank/,
    ],
    [
      'a position past the end of its run',
      real.replace('"at": 0', '"at": 1000'),
      /input\.at: must be 0\.\.999 \(a position per mille\)$/,
    ],
  ])('%s', async (_what, text, field) => {
    const file = corpusWith(text);
    expectRefused(await runCli(['corpus', 'check', dirname(dirname(file))], Readable.from([])), file, field, text);
  });
});
