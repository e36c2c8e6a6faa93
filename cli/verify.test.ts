// No silent pass: every flag, environment variable and input that used to make a command check
// nothing and exit 0 (or fail with a stack trace) is one line and exit 2, before anything runs.
// These run in-process and spawn nothing, except the two at the end (a property id is checked
// against the catalogue by verify's child process, and the bundled second implementation).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './main.ts';
import { deriveSeeds, exitOf } from './verify.ts';
import type { Row } from './verifyReport.ts';

const dir = mkdtempSync(join(tmpdir(), 'bbm-verify-'));
const noStdin = Readable.from([]);
const saved = { ...process.env };
afterEach(() => {
  for (const k of ['BBM_SEED', 'BBM_SEEDS', 'BBM_GRANULES', 'BBM_VARIANTS', 'BBM_SUT']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

async function rejected(argv: string[], message: RegExp, env: Record<string, string> = {}): Promise<void> {
  Object.assign(process.env, env);
  const r = await runCli(argv, noStdin);
  for (const k of Object.keys(env)) delete process.env[k];
  expect(r.stderr).toHaveLength(1);
  expect(r.stderr[0]).toMatch(message);
  expect(r.code).toBe(2);
  expect(r.stdout).toEqual([]);
}

describe('bbm-verify verify: bad usage is one line and exit 2', () => {
  it.each([
    [['--frob'], /^bbm-verify: verify: unknown option --frob \(try: bbm-verify verify --help\)$/],
    [['--runs'], /verify: --runs needs a value/],
    [['--runs', 'many'], /verify: --runs must be a whole number of at least 1, got "many"/],
    [['--runs', '0'], /verify: --runs must be a whole number of at least 1, got "0"/],
    [['--runs', ''], /verify: --runs must be a whole number of at least 1, got ""/],
    [['--runs=1.5'], /verify: --runs must be a whole number of at least 1, got "1.5"/],
    [['--seeds', '0'], /verify: --seeds must be a whole number of at least 1/],
    [['--seed', '1.5'], /verify: --seed must be an integer seed/],
    [['--seed', '99999999999'], /verify: --seed must be an integer seed \(-2147483648\.\.4294967295\)/],
    [['--time', '0'], /verify: --time must be a duration above 0/],
    [['--time', 'soon'], /verify: --time must be a duration above 0 \(90, 90s, 10m, 500ms\), got "soon"/],
    [['--run-timeout=-1'], /verify: --run-timeout must be a duration/],
    [['--run-timeout', '-1'], /verify: --run-timeout needs a value/],
    [['--granule', '8K'], /verify: --granule takes 4K, 16K, 64K; got "8K"/],
    [['--variant', 'v5.10'], /verify: --variant takes v7\.2-rc, v7\.1, v7\.3, v6\.18, prealloc; got "v5\.10"/],
    [['--only', ''], /verify: --only takes property ids, got an empty one/],
    [['--sut', 'impl'], /verify: SUT module impl is a folder: name the module file \(e\.g\. impl\/index\.ts\)/],
    [['--sut', join(dir, 'missing.ts')], /SUT module .*missing\.ts does not exist/],
    [['--path', 'abc', '--only', 'split.blocks-kept'], /verify: --path takes a fast-check path such as 3:0:1/],
    [['--path', '3'], /verify: --path replays one property: give it with --only ID/],
    [['--path', '3', '--only', 'split.blocks-kept', '--seeds', '2'], /verify: --path replays one seed/],
    [['--json', dir], /verify: --json needs a file name/],
    [['stray'], /verify: unexpected argument "stray"/],
  ])('rejects %j', async (args, message) => {
    await rejected(['verify', ...args], message);
  });

  it.each([
    ['BBM_SEED', 'abc', /verify: BBM_SEED must be an integer seed .*got "abc"/],
    ['BBM_SEED', '1.5', /verify: BBM_SEED must be an integer seed .*got "1\.5"/],
    ['BBM_SEEDS', 'two', /verify: BBM_SEEDS must be a whole number/],
    ['BBM_GRANULES', '2M', /verify: BBM_GRANULES takes 4K, 16K, 64K; got "2M"/],
    ['BBM_VARIANTS', 'v7.0', /verify: BBM_VARIANTS takes v7\.2-rc, v7\.1, v7\.3, v6\.18, prealloc/],
    ['BBM_SUT', 'impl', /verify: SUT module impl is a folder/],
  ])('rejects %s=%s', async (name, value, message) => {
    await rejected(['verify'], message, { [name]: value });
  });

  it('derives reproducible, distinct seeds from the base seed, the base seed first', () => {
    const seeds = deriveSeeds(20261125, 50);
    expect(seeds[0]).toBe(20261125);
    expect(new Set(seeds).size).toBe(50);
    expect(deriveSeeds(20261125, 50)).toEqual(seeds);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31)).toBe(true);
    expect(deriveSeeds(1, 3)).not.toEqual(deriveSeeds(2, 3));
  });
});

describe('bbm-verify verify: the exit status of a run', () => {
  const row = (status: Row['status'], message?: string): Row => ({
    property: 'p',
    seed: 1,
    status,
    runs: 1,
    ms: 1,
    ...(message === undefined ? {} : { message }),
  });
  it('is 3 for an internal error, then 1 for a finding, then 2 for nothing checked, else 0', () => {
    expect(exitOf([row('pass'), row('fail'), row('error')])).toEqual({ code: 3 });
    expect(exitOf([row('pass'), row('fail'), row('no-input', 'x')])).toEqual({ code: 1 });
    expect(exitOf([row('pass'), row('no-input', 'the input at --path 3 holds')])).toEqual({
      code: 2,
      error: 'the input at --path 3 holds',
    });
    expect(exitOf([row('skip'), row('skip')], ', variant v6.18')).toEqual({
      code: 2,
      error: 'nothing checked: no selected property has a configuration with variant v6.18',
    });
    expect(exitOf([row('pass'), row('skip')])).toEqual({ code: 0 });
  });
});

describe('bbm-verify mutants: bad input is one line and exit 2', () => {
  it('rejects a seed that is not an integer and a zero budget', async () => {
    await rejected(['mutants'], /mutants: BBM_SEED must be an integer seed .*got "abc"/, { BBM_SEED: 'abc' });
    await rejected(['mutants', '--runs', '0'], /mutants: --runs must be a whole number of at least 1/);
    await rejected(['mutants', '--only', 'no-such-bug'], /mutants: no mutant "no-such-bug"/);
  });
});

describe('bbm-verify verify with its child process', () => {
  it('rejects an unknown property', async () => {
    const r = await runCli(['verify', '--only', 'split.nonsense'], noStdin);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual(['bbm-verify: verify: no property "split.nonsense" (see properties/README.md)']);
  });

  it('loads the second implementation, runs it at two seeds and writes the JSON and JUnit reports', async () => {
    const json = join(dir, 'out', 'summary.json');
    const junit = join(dir, 'out', 'junit.xml');
    const r = await runCli(
      [
        'verify',
        '--sut',
        'impl/alt/minimal-split.ts',
        '--only',
        'split.translation-preserved',
        '--runs',
        '3',
        '--seeds',
        '2',
        '--json',
        json,
        '--junit',
        junit,
      ],
      noStdin,
    );
    const [s0, s1] = deriveSeeds(20261125, 2);
    expect(r.stdout[0]).toBe(`bbm-verify: 1 properties against impl/alt/minimal-split.ts, 2 seeds from ${s0}`);
    expect(r.stdout).toContain(`seed ${s1} (2/2)`);
    expect(r.stdout).toContain(`seed ${s1}: 1 passed, 0 failed`);
    expect(r.stdout.at(-3)).toBe('2 seeds: 2 passed, 0 failed; every seed holds');
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({
      format: 'bbm-verify-summary/1',
      sut: 'impl/alt/minimal-split.ts',
      seeds: [s0, s1],
      totals: { pass: 2, fail: 0, skip: 0, noInput: 0, error: 0 },
      counterexamples: [],
    });
    expect(summary['results']).toEqual([
      expect.objectContaining({ property: 'split.translation-preserved', seed: s0, status: 'pass', runs: 3 }),
      expect.objectContaining({ property: 'split.translation-preserved', seed: s1, status: 'pass', runs: 3 }),
    ]);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="bbm-verify" tests="2" failures="0" errors="0" skipped="0" time="[\d.]+">/,
    );
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(
      xml.match(/<testcase classname="bbm-verify\.split" name="split\.translation-preserved" time="[\d.]+"\/>/g),
    ).toHaveLength(2);
  });
});
