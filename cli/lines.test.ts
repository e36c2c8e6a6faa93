// Lines with a bound: every line break readline knows, split anywhere across chunks (a `\r\n` or a
// UTF-8 character cut in two), and a line longer than the bound as one error — the trace checker
// then exits 2 with one line instead of `RangeError: Invalid string length` and exit 1.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boundedLines, LineTooLongError, MAX_LINE } from './lines.ts';
import { runCli } from './main.ts';

async function collect(chunks: (string | Buffer)[], max?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const l of boundedLines(Readable.from(chunks), max)) out.push(l);
  return out;
}

describe('boundedLines', () => {
  it('splits on \\n, \\r\\n and \\r, across chunk boundaries', async () => {
    expect(await collect(['a\nb\r', '\nc\rd', '\r\n', 'e'])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await collect(['x\r'])).toEqual(['x']);
    expect(await collect(['', '\n\n'])).toEqual(['', '']);
  });

  it('decodes a UTF-8 character cut between two chunks', async () => {
    const bytes = Buffer.from('é\n');
    expect(await collect([bytes.subarray(0, 1), bytes.subarray(1)])).toEqual(['é']);
  });

  it('throws on a line longer than the bound, naming it, before it is buffered whole', async () => {
    await expect(collect(['ok\n', 'y'.repeat(6), 'y'.repeat(6)], 10)).rejects.toThrow(new LineTooLongError(2).message);
    await expect(collect(['y'.repeat(11), '\n'], 10)).rejects.toBeInstanceOf(LineTooLongError);
    expect(await collect(['y'.repeat(10), '\n'], 10)).toEqual(['y'.repeat(10)]);
  });

  it('makes check-trace reject a line without a newline longer than the bound with one line and exit 2', async () => {
    const chunk = 'x'.repeat(1 << 16);
    const stdin = Readable.from(Array.from({ length: MAX_LINE / chunk.length + 2 }, () => chunk));
    const r = await runCli(['check-trace', '-'], stdin);
    expect(r).toEqual({
      stdout: [],
      stderr: [
        'bbm-verify: check-trace: stdin: line 1 is longer than 1 MiB without a line break: not a bbm-trace/1 file',
      ],
      code: 2,
    });
  });
});
