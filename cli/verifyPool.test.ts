// `verify --jobs N` with `--progress`: a pool of children printing progress gives the verdicts,
// runs, seeds, seed headers and replay commands of one child running the whole plan, line for
// line (the pool reports outcomes in job order and each job is the same computation whichever
// child runs it). A seeded bug makes some jobs fail (a saved value, cheap) and others pass, so a
// verdict that moved would show. Shards with --jobs and --progress: cli/shard.test.ts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'bbm-pool-'));

const base = [
  'verify',
  '--sut',
  'impl/mutants/split-skips-end.ts',
  '--only',
  'split.boundaries-exact,split.translation-preserved',
  '--runs',
  '2',
  '--seeds',
  '2',
  '--seed',
  '7',
];

interface Result {
  readonly property: string;
  readonly seed: number;
  readonly status: string;
  readonly runs: number;
}

const results = (f: string): string[] =>
  (JSON.parse(readFileSync(f, 'utf8')) as { results: Result[] }).results.map(
    (r) => `${r.property}@${r.seed}:${r.status}:${r.runs}`,
  );

/** A run's stdout without the wall times and the file it wrote. */
const lines = (stdout: readonly string[]): string[] =>
  stdout.filter((l) => !l.startsWith('wrote ')).map((l) => l.replace(/\d+(?:\.\d+)? s$/, '<t> s'));

async function verify(name: string, ...flags: string[]): Promise<{ code: number; out: string[]; json: string[] }> {
  const json = join(dir, `${name}.json`);
  const r = await runCli([...base, ...flags, '--json', json], Readable.from([]));
  return { code: r.code, out: lines(r.stdout), json: results(json) };
}

describe('verify: --jobs and --progress agree with one child', () => {
  it('gives the same verdicts, seeds and lines in the same order', async () => {
    const one = await verify('one', '--jobs', '1', '--progress', 'off');
    expect(one.code).toBe(1);
    expect(one.json).toHaveLength(4);
    expect(one.json.filter((r) => r.includes(':fail:'))).toHaveLength(2);
    expect(one.json.filter((r) => r.includes(':pass:'))).toHaveLength(2);

    const pooled = await verify('pooled', '--jobs', '2', '--progress', 'plain');
    expect(pooled.code).toBe(1);
    expect(pooled.json).toEqual(one.json);
    expect(pooled.out).toEqual(one.out);
  }, 60_000);
});
