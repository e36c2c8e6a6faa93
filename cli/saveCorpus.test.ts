// `verify --save-corpus` end to end: a short run against a seeded bug adds its new counterexample
// to the corpus as it is found — named after the SUT, printed, replayed by `corpus check` — and
// keeps what was there byte for byte; the same counterexample found again is not added twice.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './main.ts';

const corpus = mkdtempSync(join(tmpdir(), 'bbm-save-corpus-'));
const traces = mkdtempSync(join(tmpdir(), 'bbm-save-traces-'));
afterAll(() => {
  rmSync(corpus, { recursive: true, force: true });
  rmSync(traces, { recursive: true, force: true });
});
const noStdin = Readable.from([]);
const kept = join(corpus, 'perm.exact', 'flush-one-page-short.json');
const PROPERTY = 'split.boundaries-exact';
const run = async (...extra: string[]): Promise<Awaited<ReturnType<typeof runCli>>> => {
  process.env['BBM_TRACE_DIR'] = traces;
  try {
    return await runCli(
      [
        'verify',
        '--sut',
        'mutant:contpte-decont-all-but-one',
        '--only',
        PROPERTY,
        '--runs',
        '2',
        '--jobs',
        '1',
        ...extra,
      ],
      noStdin,
    );
  } finally {
    delete process.env['BBM_TRACE_DIR'];
  }
};
const added = (): string[] => readdirSync(join(corpus, PROPERTY)).filter((f) => !f.startsWith('.'));

describe('verify --save-corpus', () => {
  it('adds a new counterexample once, keeps every entry, and corpus check replays it', async () => {
    mkdirSync(join(corpus, 'perm.exact'), { recursive: true });
    copyFileSync('shrinks/corpus/perm.exact/flush-one-page-short.json', kept);
    const before = readFileSync(kept, 'utf8');

    const first = await run('--corpus', corpus, '--save-corpus');
    expect(first.code).toBe(1);
    const files = added();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^mutant-contpte-decont-all-but-one-[0-9a-f]{8}\.json$/);
    const file = join(corpus, PROPERTY, files[0] ?? '');
    expect(first.stdout).toContain(`      corpus: added ${file}`);
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { sut: string; expect: string; found: { seed: number } };
    expect(entry).toMatchObject({
      sut: 'mutant:contpte-decont-all-but-one',
      expect: 'fail',
      found: { seed: 20261125 },
    });

    // Found again, generated without the corpus (with it, the saved value would fail first).
    const generated = await run('--corpus', corpus, '--save-corpus', '--no-corpus');
    expect(generated.stdout).toContain(`      corpus: already there: ${file}`);
    expect(added()).toEqual(files);
    expect(readFileSync(kept, 'utf8')).toBe(before);

    const check = await runCli(['corpus', 'check', corpus], noStdin);
    expect(check.code).toBe(0);
    expect(check.stdout.at(-1)).toBe(`2 as recorded, 0 changed (corpus under ${corpus})`);
  }, 120_000);

  it('refuses a corpus to read that does not exist', async () => {
    const missing = await runCli(['verify', '--corpus', join(corpus, 'nope')], noStdin);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toEqual([`bbm-verify: verify: --corpus: ${join(corpus, 'nope')} does not exist`]);
  });

  it('corpus check names an entry found on a SUT module and how to replay it, and checks the rest', async () => {
    const dir = join(corpus, 'modules');
    const source = JSON.parse(readFileSync(kept, 'utf8')) as Record<string, unknown>;
    mkdirSync(join(dir, 'perm.exact'), { recursive: true });
    const onModule = join(dir, 'perm.exact', 'on-module.json');
    writeFileSync(onModule, JSON.stringify({ ...source, name: 'on-module', sut: 'module:/x/patched.ts' }, null, 2));
    const alone = await runCli(['corpus', 'check', dir], noStdin);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toEqual([
      `bbm-verify: corpus: every entry under ${dir} was found on a SUT module: nothing replayed here`,
    ]);
    copyFileSync(kept, join(dir, 'perm.exact', 'flush-one-page-short.json'));
    const both = await runCli(['corpus', 'check', dir], noStdin);
    expect(both.code).toBe(0);
    expect(both.stdout).toContain(
      `not replayed perm.exact on module:/x/patched.ts: bbm-verify replay ${onModule} --sut /x/patched.ts`,
    );
    expect(both.stdout.at(-1)).toBe(
      `1 as recorded, 0 changed, 1 found on a SUT module not replayed (corpus under ${dir})`,
    );
  });
});
