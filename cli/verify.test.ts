// bbm-verify verify as a user runs it: bad usage and a SUT module that does not meet the contract
// give one line and exit 2; a good SUT module is loaded through the contract and judged.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'bbm-verify-'));
const noStdin = Readable.from([]);

describe('bbm-verify corpus', () => {
  it('rejects a corrupt corpus file with one line and exit 2', async () => {
    const corpus = join(dir, 'corpus', 'split.blocks-kept');
    mkdirSync(corpus, { recursive: true });
    writeFileSync(join(corpus, 'broken.json'), '{"name": "broken", ');
    const r = await runCli(['corpus', join(dir, 'corpus')], noStdin);
    expect(r.code).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(/broken\.json: not valid JSON/);
  });
});

describe('bbm-verify verify', () => {
  it.each([
    [['--frob'], /verify: unknown option "--frob"/],
    [['--runs'], /verify: --runs needs a value/],
    [['--runs', 'many'], /verify: --runs must be a non-negative integer/],
    [['--only', 'split.nonsense'], /verify: no property "split.nonsense"/],
    [['--sut', join(dir, 'missing.ts')], /SUT module .*missing\.ts does not exist/],
  ])('rejects %j with one line and exit 2', async (args, message) => {
    const r = await runCli(['verify', ...args], noStdin);
    expect(r.code).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(message);
  });

  it('rejects a module that exports no SutFactory', async () => {
    const file = join(dir, 'not-a-sut.mjs');
    writeFileSync(file, 'export const answer = 42;\n');
    const r = await runCli(['verify', '--sut', file], noStdin);
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toMatch(/exports no SutFactory \(createSut or default export\)/);
  });

  it('rejects a factory whose KernelOps lacks an operation', async () => {
    const file = join(dir, 'half-a-sut.mjs');
    writeFileSync(file, 'export const createSut = () => ({ name: "half", boot() {}, mem_init() {} });\n');
    const r = await runCli(['verify', '--sut', file], noStdin);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      `bbm-verify: SUT module ${file}: its KernelOps has no secondary_start_kernel() (see impl/CONTRACT.md)`,
    ]);
  });

  it('loads the second implementation through the contract and runs one property', async () => {
    const r = await runCli(
      ['verify', '--sut', 'impl/alt/minimal-split.ts', '--only', 'split.translation-preserved', '--runs', '3'],
      noStdin,
    );
    expect(r.stdout[0]).toContain('against impl/alt/minimal-split.ts');
    expect(r.stdout.at(-1)).toMatch(/^\d passed, \d failed$/);
  });
});
