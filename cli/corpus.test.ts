// `bbm-verify corpus check|list|show|add|rm`: bad input is one line and exit 2 and leaves every
// file as it was; each subcommand does what its help says on a copy of part of the corpus.
// In-process, and only fast entries are replayed.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './main.ts';

const work = mkdtempSync(join(tmpdir(), 'bbm-corpus-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const cli = (...argv: string[]): ReturnType<typeof runCli> => runCli(argv, Readable.from([]));

const SRC = join('shrinks', 'corpus', 'split.boundaries-exact');
const real = readFileSync(join(SRC, 'split-skips-end.json'), 'utf8');

/** The files of a folder and their contents. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort())
    if (f.endsWith('.json')) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}

async function rejected(argv: string[], message: RegExp): Promise<void> {
  const r = await cli(...argv);
  expect(r.stderr).toHaveLength(1);
  expect(r.stderr[0]).toMatch(message);
  expect(r.code).toBe(2);
}

describe('bbm-verify corpus: bad input is one line, exit 2, and nothing is rewritten', () => {
  it('a missing or empty folder', async () => {
    await rejected(['corpus', join(work, 'nonexistent')], /corpus: \S+nonexistent does not exist/);
    mkdirSync(join(work, 'empty'));
    await rejected(['corpus', 'check', join(work, 'empty')], /corpus: no entries .* under \S+empty: nothing to replay/);
    await rejected(['corpus', 'list', '--dir', join(work, 'nonexistent')], /corpus: \S+nonexistent does not exist/);
  });

  it.each([
    ['corrupt', '{"name": "broken", ', /corrupt\.json: \(top level\): not valid JSON/],
    ['old', real.replace(/ {2}"schema": "bbm-corpus\/2",\n/, ''), /old\.json: schema: missing — a bbm-corpus\/1 file/],
    ['wrong-type', real.replace('"bbm": 2', '"bbm": "two"'), /wrong-type\.json: input\.config\.cpus\[0\]\.bbm: /],
    [
      'bad-bigint',
      real.replace('"0x40000000"', '"0xzz"'),
      /bad-bigint\.json: input\.config\.memblock\.banks\[0\]\.base\.\$bigint/,
    ],
  ])('a %s file', async (name, text, message) => {
    const dir = join(work, `bad-${name}`);
    cpSync(SRC, join(dir, 'split.boundaries-exact'), { recursive: true });
    writeFileSync(join(dir, 'split.boundaries-exact', `${name}.json`), text);
    const before = snapshot(dir);
    for (const argv of [
      ['corpus', dir],
      ['corpus', 'list', '--dir', dir],
      ['corpus', 'rm', 'split-skips-end', '--dir', dir],
    ])
      await rejected(argv, message);
    expect(snapshot(dir)).toEqual(before);
  });

  it('unknown ids, subcommands without their argument, a case file that is not one', async () => {
    const dir = join(work, 'ids');
    cpSync(SRC, join(dir, 'split.boundaries-exact'), { recursive: true });
    await rejected(['corpus', 'show', 'nope', '--dir', dir], /corpus: no entry "nope" under/);
    await rejected(['corpus', 'rm', '--dir', dir], /corpus rm: needs an entry id/);
    await rejected(['corpus', 'add', join(work, 'none.json'), '--dir', dir], /none\.json: cannot be read \(ENOENT\)/);
    await rejected(['corpus', 'add', work, '--dir', dir], /is a folder, not a corpus entry/);
    await rejected(['corpus', 'list', '--frob'], /corpus list: unknown option --frob/);
  });
});

describe('bbm-verify corpus list, show, add, rm', () => {
  it('lists, shows, adds (replayed first, never over an entry) and removes', async () => {
    const dir = join(work, 'ok');
    mkdirSync(join(dir, 'split.boundaries-exact'), { recursive: true });
    cpSync(join(SRC, 'split-skips-end.json'), join(dir, 'split.boundaries-exact', 'split-skips-end.json'));
    const list = await cli('corpus', 'list', '--dir', dir);
    expect(list.code).toBe(0);
    expect(list.stdout[0]).toMatch(
      /^split\.boundaries-exact\/split-skips-end +mutant:split-skips-end +fail +\(seed 20261125/,
    );
    const show = await cli('corpus', 'show', 'split-skips-end', '--dir', dir);
    expect(show.stdout[1]).toBe(
      'configuration: 4K v7.2-rc cpus=[cpu0 BBML2_NOABORT] banks=[0x40000000+40M] kfence=off',
    );
    expect(show.stdout.at(-1)).toBe(real.trimEnd());

    const kase = join(work, 'case.json');
    writeFileSync(kase, real);
    await rejected(['corpus', 'add', kase, '--dir', dir], /split-skips-end\.json exists: remove it first/);
    const added = await cli('corpus', 'add', kase, '--name', 'again', '--dir', dir);
    expect(added.stdout).toEqual([
      `added split.boundaries-exact/again (${join(dir, 'split.boundaries-exact', 'again.json')})`,
    ]);
    expect((await cli('corpus', 'list', '--dir', dir)).stdout.at(-1)).toBe(`2 entries (corpus under ${dir})`);
    // A case that no longer does what it records is not added.
    writeFileSync(kase, real.replace('"expect": "fail"', '"expect": "pass"'));
    const refused = await cli('corpus', 'add', kase, '--name', 'stale', '--dir', dir);
    expect(refused.code).toBe(1);
    expect(refused.stdout[0]).toBe(
      'not added: split.boundaries-exact on mutant:split-skips-end fails, the case records pass',
    );

    expect((await cli('corpus', 'rm', 'split.boundaries-exact/again', '--dir', dir)).code).toBe(0);
    expect(Object.keys(snapshot(dir))).toEqual(['split.boundaries-exact/split-skips-end.json']);
    expect((await cli('corpus', 'check', dir)).stdout.at(-1)).toBe(`1 as recorded, 0 changed (corpus under ${dir})`);
  });
});
