// sweeps/seeds200/run.sh pins a sweep to the code its verdicts are about: the fingerprint is the
// same for the same tree, moves when the code of a file `verify` loads moves (a model rule, a
// property), stays when a file it does not load moves (a test, the bench) or only a comment of
// one it does, and `run` refuses a
// tree whose fingerprint is not the sweep's with one line and exit 2, before any shard runs;
// `status` adds up the shards done.
// Each case runs on a copy of the tree in a temporary folder (node_modules linked), never on the
// sweep committed here.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = join(repo, 'sweeps/seeds200/run.sh');

/** A copy of the repository's sources (no node_modules, no .git) with node_modules linked. */
function copyTree(): string {
  const tree = mkdtempSync(join(tmpdir(), 'bbm-sweep-tree-'));
  for (const entry of readdirSync(repo)) {
    if (entry === 'node_modules' || entry === '.git' || entry === 'sweeps') continue;
    cpSync(join(repo, entry), join(tree, entry), { recursive: true });
  }
  symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'));
  return tree;
}

/** The script copied beside a FINGERPRINT of our choosing, so that the real sweep is never touched. */
function sweepDir(fingerprint: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'bbm-sweep-')), 'seeds200');
  mkdirSync(dir);
  cpSync(SCRIPT, join(dir, 'run.sh'));
  writeFileSync(join(dir, 'FINGERPRINT'), fingerprint + '\n');
  return dir;
}

function run(dir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [join(dir, 'run.sh'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

describe('sweeps/seeds200/run.sh', () => {
  const tree = copyTree();
  const dir = sweepDir('0'.repeat(64));
  const first = run(dir, '--tree', tree, 'fingerprint');

  it('fingerprints a tree: a sha256, the same twice', () => {
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^[0-9a-f]{64}$/);
    expect(run(dir, '--tree', tree, 'fingerprint').stdout).toBe(first.stdout);
  });

  it('keeps the fingerprint when a file verify does not load changes, or a comment in one it does', () => {
    appendFileSync(join(tree, 'bench/README.md'), '\nchanged\n');
    appendFileSync(join(tree, 'model/step.test.ts'), '\nexport const changed = 1;\n');
    appendFileSync(join(tree, 'model/step.ts'), '\n/** A comment, reformatted. */\n\n');
    expect(run(dir, '--tree', tree, 'fingerprint').stdout).toBe(first.stdout);
  });

  it('moves the fingerprint when a file verify loads changes, and run then refuses the tree', () => {
    const other = copyTree();
    appendFileSync(join(other, 'model/step.ts'), '\n(globalThis as Record<string, unknown>)["changed"] = 1;\n');
    const moved = run(dir, '--tree', other, 'fingerprint');
    expect(moved.stdout).toMatch(/^[0-9a-f]{64}$/);
    expect(moved.stdout).not.toBe(first.stdout);
    const pinned = sweepDir(first.stdout);
    const refused = run(pinned, '--tree', other, 'run', 'port');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `sweep: ${other} is not the code this sweep ran on (FINGERPRINT differs): start a new sweep`,
    );
    expect(readdirSync(pinned)).toEqual(['FINGERPRINT', 'run.sh']);
  });

  it('counts the shards done and adds up their results', () => {
    const pinned = sweepDir(first.stdout);
    mkdirSync(join(pinned, 'port'));
    const row = (status: string, runs: number): object => ({ property: 'p', seed: 1, status, runs, ms: 1 });
    const shard = (results: object[]): string =>
      JSON.stringify({ format: 'bbm-verify-summary/1', sut: 'port', seeds: [1], ms: 1, results, counterexamples: [] });
    writeFileSync(join(pinned, 'port/shard-01.json'), shard([row('pass', 60), row('fail', 3)]));
    writeFileSync(join(pinned, 'port/shard-02.json'), shard([row('pass', 20), row('skip', 0)]));
    const r = run(pinned, 'status');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'port: 2/40 shards done: 4 property × seed jobs, 83 runs; 2 passed, 1 failed, 1 skipped',
      'minimal-split: 0/40 shards done',
    ]);
  });

  it('merges a SUT whose 40 shards are all done into the summary of the whole run', () => {
    const pinned = sweepDir(first.stdout);
    mkdirSync(join(pinned, 'port'));
    for (let i = 1; i <= 40; i++)
      writeFileSync(
        join(pinned, `port/shard-${String(i).padStart(2, '0')}.json`),
        JSON.stringify({
          format: 'bbm-verify-summary/1',
          sut: 'port',
          seeds: [1, 2],
          shard: { index: i, count: 40 },
          ms: 10,
          results: [{ property: `p${i}`, seed: 1, status: 'pass', runs: 5, ms: 10 }],
          counterexamples: [],
        }),
      );
    const r = run(pinned, '--tree', tree, 'status');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^port: 40 shards: .*40 passed, 0 failed/);
    const merged = JSON.parse(readFileSync(join(pinned, 'port.json'), 'utf8')) as { results: { property: string }[] };
    expect(merged.results.map((x) => x.property)).toEqual(Array.from({ length: 40 }, (_, i) => `p${i + 1}`));
  });

  it('refuses a --tree that is not a checkout, and an unknown command, with one line and exit 2', () => {
    const pinned = sweepDir(first.stdout);
    const missing = join(tmpdir(), 'bbm-sweep-no-such-tree');
    expect(run(pinned, '--tree', missing, 'run', 'port')).toEqual({
      code: 2,
      stdout: '',
      stderr: `sweep: --tree ${missing} is not a bbm-verify checkout (no cli/verify.ts)`,
    });
    expect(run(pinned, '--tree')).toEqual({ code: 2, stdout: '', stderr: 'sweep: --tree needs a folder' });
    expect(run(pinned, 'bogus').code).toBe(2);
    expect(run(pinned, 'bogus').stderr.split('\n')).toHaveLength(1);
  });

  it('names a SUT it does not know with one line and exit 2', () => {
    const pinned = sweepDir(first.stdout);
    const r = run(pinned, '--tree', tree, 'run', 'nonesuch');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sweep: no SUT nonesuch (port, minimal-split)');
  });
});
