// check-trace as a user runs it: verdict lines, exit codes, and bad input as one line with exit 2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';

const HEADER =
  '{"format":"bbm-trace/1","granule":"4K","va_bits":48,"root":"0x80000000","preempt_rt":false,"cpus":[{"id":0,"bbm":2,"noabort":true}]}';
const dir = mkdtempSync(join(tmpdir(), 'bbm-cli-'));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const noStdin = Readable.from([]);

describe('bbm-verify check-trace', () => {
  it('prints ok with the event count', async () => {
    const r = await runCli(
      ['check-trace', file('ok.jsonl', [HEADER, '{"op":"alloc","pa":"0x80001000","level":1}', ''])],
      noStdin,
    );
    expect(r).toEqual({ stdout: ['ok: 1 events'], stderr: [], code: 0 });
  });

  it('prints the first violation with its site and exits 1', async () => {
    const r = await runCli(
      ['check-trace', file('bad.jsonl', [HEADER, '{"op":"write","cpu":0,"pa":"0x90000000","val":"0x1"}'])],
      noStdin,
    );
    expect(r.code).toBe(1);
    expect(r.stdout[0]).toMatch(/^! write-to-non-table at event 1 \(line 2\): store to a page/);
    expect(r.stdout[0]).toContain('cpu 0  pa 0x0000000090000000');
  });

  it('accepts a range TLBI size as a hex string or an integer', async () => {
    const lines = [
      HEADER,
      '{"op":"tlbi","cpu":0,"kind":"rvaae1is","va":"0xffff000040000000","size":"0x200000"}',
      '{"op":"tlbi","cpu":0,"kind":"rvaale1is","va":"0xffff000040000000","size":4096}',
      '{"op":"dsb","cpu":0,"dom":"ish"}',
    ];
    const r = await runCli(['check-trace', file('range.jsonl', lines)], noStdin);
    expect(r.stdout).toEqual(['ok: 3 events']);
  });

  it('reads a trace with a byte-order mark and CRLF line ends', async () => {
    const text = '\uFEFF' + [HEADER, '{"op":"alloc","pa":"0x80001000","level":1}', ''].join('\r\n');
    const path = join(dir, 'crlf.jsonl');
    writeFileSync(path, text);
    expect((await runCli(['check-trace', path], noStdin)).stdout).toEqual(['ok: 1 events']);
  });

  it('reads stdin for -', async () => {
    const r = await runCli(['check-trace', '-'], Readable.from([HEADER + '\n']));
    expect(r.stdout).toEqual(['ok: 0 events']);
  });

  it.each([
    ['malformed JSON', '{"op":', /line 2: malformed JSON/],
    ['unknown op', '{"op":"frob","cpu":0}', /line 2: unknown op "frob"/],
    [
      'a 17-digit value',
      '{"op":"write","cpu":0,"pa":"0x80000000","val":"0x10000000000000000"}',
      /line 2: "val" must be a 64-bit hex/,
    ],
    ['an unaligned PA', '{"op":"write","cpu":0,"pa":"0x80000004","val":"0x0"}', /line 2: write to unaligned PA/],
    ['an unknown CPU', '{"op":"dsb","cpu":7,"dom":"ish"}', /line 2: unknown cpu 7/],
    ['a user VA', '{"op":"tlbi","cpu":0,"kind":"vaae1is","va":"0x400000"}', /line 2: "va" 0x400000 is not a kernel/],
    ['a missing field', '{"op":"alloc","pa":"0x80001000"}', /line 2: "level" must be/],
    ['a double alloc', '{"op":"alloc","pa":"0x80000000","level":0}', /line 2: PA 0x80000000 is already a table page/],
  ])('rejects %s with one line and exit 2', async (_what, line, message) => {
    const r = await runCli(['check-trace', file('in.jsonl', [HEADER, line])], noStdin);
    expect(r.code).toBe(2);
    expect(r.stdout).toEqual([]);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(message);
  });

  it('rejects a bad header and a missing file, an unknown flag and command', async () => {
    expect((await runCli(['check-trace', file('h.jsonl', ['{"format":"bbm-trace/2"}'])], noStdin)).stderr[0]).toMatch(
      /line 1: header/,
    );
    expect((await runCli(['check-trace', join(dir, 'none')], noStdin)).code).toBe(2);
    expect((await runCli(['check-trace', '--frob', 'x'], noStdin)).stderr).toEqual([
      'bbm-verify: check-trace: unknown option --frob (try: bbm-verify check-trace --help)',
    ]);
    expect((await runCli(['frob'], noStdin)).code).toBe(2);
  });
});
