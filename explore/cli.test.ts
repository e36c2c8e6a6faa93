/**
 * `bbm-verify explore` from the command line: bad input is one line and exit 2; a search stopped
 * by a limit says so (exit 4) and its checkpoint resumes to the same counts as a search never
 * stopped; workers give the same counts as one process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'explore-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => runCli(['explore', ...args], Readable.from([]));

describe('explore: bad input', () => {
  test.each([
    [['--scope', 'nope'], /no scope "nope" \(named: tiny/],
    [['--scope', 'tiny', '--bogus'], /unknown option --bogus/],
    [['--scope', 'tiny', '--workers', '0'], /--workers must be a whole number/],
    [['--scope', 'tiny', '--sut', 'mutant:nope'], /no seeded bug "mutant:nope"/],
    [[], /--scope NAME\|FILE is required/],
  ])('%j', async (args, msg) => {
    const r = await cli(...args, '--progress', 'off');
    expect(r.code).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(msg);
  });

  test('a corrupt scope file and a corrupt checkpoint are one line naming the file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema":"bbm-scope/1","config":1}');
    const r = await cli('--scope', bad, '--progress', 'off');
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      `bbm-verify: explore: --scope: ${bad}: config: Invalid input: expected object, received number`,
    ]);
    const ck = join(dir, 'bad-ck.json');
    writeFileSync(ck, '{"schema":"bbm-explore-checkpoint/2"');
    const c = await cli('--scope', 'tiny', '--checkpoint', ck, '--progress', 'off');
    expect(c.code).toBe(2);
    expect(c.stderr[0]).toMatch(/--checkpoint: .*bad-ck\.json: not a checkpoint/);
  });
});

describe('explore: limits and checkpoints', () => {
  test('stopped by --max-states: exit 4 and "NOT exhausted"; the checkpoint resumes to the same counts', async () => {
    const ck = join(dir, 'ck.json');
    const a = await cli('--scope', 'tiny', '--max-states', '3', '--checkpoint', ck, '--progress', 'off');
    expect(a.code).toBe(4);
    expect(a.stdout.join('\n')).toMatch(/stopped: the state limit \(3\) was reached; the scope is NOT exhausted/);
    const b = await cli('--scope', 'tiny', '--max-states', '6', '--checkpoint', ck, '--progress', 'off');
    expect(b.stdout[0]).toBe(`explore: resumed from ${ck}`);
    const fresh = await cli('--scope', 'tiny', '--max-states', '6', '--progress', 'off');
    const counts = (lines: readonly string[]) =>
      lines.find((l) => /states generated/.test(l))?.replace(/, [\d.]+ s$/, '');
    expect(counts(b.stdout)).toBe(counts(fresh.stdout));
  });
});
