// `verify --shard I/N` and `merge-summaries`: the deal is a partition of the run's jobs in order
// (any list, any N), 4 real shards of a run merged give exactly that run's results, and a merge
// of shards that are not one run's complete set is one line and exit 2.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';
import { parseShard, shardJobs } from './shard.ts';

const dir = mkdtempSync(join(tmpdir(), 'bbm-shard-'));

describe('--shard I/N', () => {
  it('takes I/N with 1 ≤ I ≤ N', () => {
    expect(parseShard('2/4', '--shard')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/2/3', '-1/2'])
      expect(() => parseShard(bad, '--shard'), bad).toThrow(/--shard takes I\/N/);
  });

  test.prop([fc.array(fc.nat(), { maxLength: 60 }), fc.integer({ min: 1, max: 9 })])(
    'deals every job to exactly one shard, and the shards interleaved are the run in order',
    (jobs, n) => {
      const shards = Array.from({ length: n }, (_, i) => shardJobs(jobs, { index: i + 1, count: n }));
      expect(shards.reduce((a, s) => a + s.length, 0)).toBe(jobs.length);
      const back = jobs.map((_, k) => shards[k % n]?.[Math.floor(k / n)]);
      expect(back).toEqual(jobs);
    },
  );

  it('4 shards of a run, merged, are exactly that run', async () => {
    const base = [
      'verify',
      '--only',
      'split.boundaries-exact,split.blocks-kept',
      '--seeds',
      '2',
      '--runs',
      '2',
      '--seed',
      '7',
    ];
    const files = [1, 2, 3, 4].map((i) => join(dir, `shard-${i}.json`));
    const [whole, ...shards] = await Promise.all([
      runCli([...base, '--json', join(dir, 'whole.json')], Readable.from([])),
      // A shard in a pool of children, with progress lines or a bar, is the same shard.
      ...files.map((f, i) =>
        runCli(
          [
            ...base,
            '--shard',
            `${i + 1}/4`,
            '--jobs',
            String(1 + (i % 2)),
            '--progress',
            i < 2 ? 'plain' : 'bar',
            '--json',
            f,
          ],
          Readable.from([]),
        ),
      ),
    ]);
    expect(whole?.code).toBe(0);
    for (const [i, s] of shards.entries()) {
      expect(s.code).toBe(0);
      expect(s.stdout[0]).toMatch(new RegExp(`shard ${i + 1}/4 \\(1 job\\)$`));
    }
    const merged = await runCli(['merge-summaries', ...files, '--json', join(dir, 'merged.json')], Readable.from([]));
    expect(merged.code).toBe(0);
    expect(merged.stdout[0]).toBe('4 shards: 4 passed, 0 failed; every seed holds');
    const read = (f: string): { results: { property: string; seed: number; status: string; runs: number }[] } =>
      JSON.parse(readFileSync(f, 'utf8')) as {
        results: { property: string; seed: number; status: string; runs: number }[];
      };
    const key = (r: { property: string; seed: number; status: string; runs: number }): string =>
      `${r.property}@${r.seed}:${r.status}:${r.runs}`;
    expect(read(join(dir, 'merged.json')).results.map(key)).toEqual(read(join(dir, 'whole.json')).results.map(key));
  }, 120_000);

  it('refuses shards that are not one run, complete: one line, exit 2', async () => {
    const summary = (index: number, count: number, sut = 'port'): string => {
      const f = join(dir, `s-${sut}-${index}-${count}.json`);
      writeFileSync(
        f,
        JSON.stringify({
          format: 'bbm-verify-summary/1',
          sut,
          seeds: [1],
          shard: { index, count },
          ms: 1,
          results: [],
          counterexamples: [],
        }),
      );
      return f;
    };
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "bbm-verify-summary/1", "sut": 3}');
    const cases: [string[], RegExp][] = [
      [[summary(1, 2)], /shard 2\/2 missing/],
      [[summary(1, 2), summary(1, 2)], /shard 1\/2 given twice/],
      [[summary(1, 2), summary(2, 2, 'other')], /another run/],
      [[summary(1, 2), summary(2, 3)], /is not one of 2/],
      [[bad], /bad\.json: sut: /],
      [[join(dir, 'absent.json')], /absent\.json: ENOENT/],
    ];
    for (const [files, message] of cases) {
      const r = await runCli(['merge-summaries', ...files], Readable.from([]));
      expect(r.code).toBe(2);
      expect(r.stderr).toHaveLength(1);
      expect(r.stderr[0]).toMatch(message);
    }
  });
});
