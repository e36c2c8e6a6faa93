// `bbm-verify replay FILE`: bad input is one line and exit 2 (the file missing, a folder, corrupt,
// of another schema version, naming an unknown property or SUT); a saved case replays exactly —
// the same report, byte for byte, every time, and a trace that check-trace judges the same way.
// Two replays spawn verify's child; the repetitions run the case in-process (BBM_REPLAY_REPEAT
// raises their number, 20 by default).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { replayEntry } from '../shrinks/corpusReplay.ts';
import { readEntry } from '../shrinks/store.ts';
import { runCli } from './main.ts';

const work = mkdtempSync(join(tmpdir(), 'bbm-replay-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const cli = (...argv: string[]): ReturnType<typeof runCli> => runCli(argv, Readable.from([]));

const CASE = join('shrinks', 'corpus', 'split.boundaries-exact', 'split-skips-end.json');
const text = readFileSync(CASE, 'utf8');

async function rejected(argv: string[], message: RegExp): Promise<void> {
  const r = await cli(...argv);
  expect(r.stderr).toHaveLength(1);
  expect(r.stderr[0]).toMatch(message);
  expect(r.code).toBe(2);
}

const file = (name: string, content: string): string => {
  const f = join(work, name);
  writeFileSync(f, content);
  return f;
};

describe('bbm-verify replay: bad input is one line and exit 2', () => {
  it.each([
    [['replay'], /replay: needs a case file/],
    [['replay', join(work, 'missing.json')], /replay: \S+missing\.json: cannot be read \(ENOENT\)/],
    [['replay', work], /replay: \S+: is a folder, not a corpus entry/],
    [['replay', file('corrupt.json', text.slice(0, 300))], /replay: \S+corrupt\.json: \(top level\): not valid JSON/],
    [
      ['replay', file('v3.json', text.replace('bbm-corpus/2', 'bbm-corpus/3'))],
      /replay: \S+v3\.json: schema: "bbm-corpus\/3" is not bbm-corpus\/2/,
    ],
    [
      ['replay', file('prop.json', text.replace('"split.boundaries-exact"', '"split.nonsense"'))],
      /replay: \S+prop\.json: property: unknown property "split\.nonsense"/,
    ],
    [
      ['replay', file('sut.json', text.replace('"mutant:split-skips-end"', '"mutant:no-such-bug"'))],
      /replay: \S+sut\.json: sut: no seeded bug "no-such-bug"/,
    ],
    [['replay', CASE, '--sut', 'mutant:nope'], /replay: --sut no seeded bug "nope"/],
    [['replay', CASE, '--sut', join(work, 'nope.ts')], /replay: SUT module \S+nope\.ts does not exist/],
    [['replay', CASE, '--trace', join(work, 'out.txt')], /replay: --trace takes a \.jsonl file name/],
    [['replay', CASE, '--frob'], /replay: unknown option --frob/],
  ])('%j', async (argv, message) => rejected(argv, message));
});

describe('bbm-verify replay: exactly the saved case', () => {
  it('prints the same report, byte for byte, and writes a trace check-trace reads', async () => {
    const t1 = join(work, 't1.jsonl');
    const t2 = join(work, 't2.jsonl');
    const a = await cli('replay', CASE, '--trace', t1);
    const b = await cli('replay', CASE, '--trace', t2);
    expect(a.code).toBe(1);
    expect(a.stdout[1]).toBe('FAIL  split.boundaries-exact');
    expect(a.stdout.at(-1)).toBe('as recorded: the case fails');
    expect(b.stdout.join('\n').replaceAll(t2, t1)).toBe(a.stdout.join('\n'));
    expect(readFileSync(t2, 'utf8')).toBe(readFileSync(t1, 'utf8'));
    // The report is the one saved with the case; the trace is a bbm-trace/1 the model reads.
    const entry = readEntry(CASE);
    expect(a.stdout[2]?.trim()).toBe(replayEntry(entry, CASE).message);
    const check = await cli('check-trace', t1);
    expect(check.stdout[0]).toMatch(/^ok: \d+ events$/);
  });

  it('replays against another SUT (--sut port: the bug is fixed there)', async () => {
    const r = await cli('replay', CASE, '--sut', 'port');
    expect(r.stdout.slice(1)).toEqual([
      'pass  split.boundaries-exact',
      'the case holds on port (saved as one that must fail on mutant:split-skips-end)',
    ]);
    expect(r.code).toBe(0);
  });

  it('the same case gives the same report and trace every time', () => {
    const entry = readEntry(CASE);
    const first = replayEntry(entry, CASE);
    const n = Number(process.env['BBM_REPLAY_REPEAT'] ?? 20);
    for (let i = 1; i < n; i++) {
      const again = replayEntry(entry, CASE);
      expect(again.report).toBe(first.report);
      expect(again.run?.trace()).toBe(first.run?.trace());
    }
  });
});

describe('bbm-verify verify: a saved value that fails', () => {
  it('is counted apart, has no seed and path, and prints the replay by value that replays it', async () => {
    const r = await cli(
      'verify',
      '--sut',
      'impl/mutants/split-skips-end.ts',
      '--only',
      'split.boundaries-exact',
      '--runs',
      '1',
    );
    expect(r.code).toBe(1);
    expect(r.stdout[1]).toMatch(/^FAIL {2}split\.boundaries-exact +0 runs \+ \d+ saved /);
    const none = r.stdout.find((l) => l.includes('replay: none by seed and path')) ?? '';
    expect(none).toMatch(/the saved value of shrinks\/corpus\/split\.boundaries-exact\/\S+\.json, /);
    const byValue = r.stdout.find((l) => l.startsWith('    by value: ')) ?? '';
    const words = byValue.replace(/^ {4}by value: npx bbm-verify /, '').split(' ');
    expect(words[0]).toBe('replay');
    const again = await cli(...words);
    expect(again.code).toBe(1);
    expect(again.stdout[2]).toBe(r.stdout[2]);
    expect(again.stdout.at(-1)).toBe('as recorded: the case fails');
  });
});
