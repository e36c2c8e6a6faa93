// The corpus store: one line naming the file and the field for every kind of bad file, and atomic
// writes — a writer killed in the middle of a write (a child process, SIGKILL) leaves every entry
// whole, old or new, and nothing is lost.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, loadCorpus, readEntry } from './store.ts';

const work = mkdtempSync(join(tmpdir(), 'bbm-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const real = join(CORPUS_DIR, 'split.boundaries-exact', 'split-skips-end.json');
const realData = JSON.parse(readFileSync(real, 'utf8')) as Record<string, unknown>;

/** Writes `data` as a file and returns the error line reading it gives. */
function errorOf(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  try {
    readEntry(file);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('corpus files: one line naming the file and the field', () => {
  it('reads a good entry', () => {
    expect(readEntry(real).name).toBe('split-skips-end');
  });
  it.each([
    ['truncated', readFileSync(real, 'utf8').slice(0, 200), /truncated\.json: \(top level\): not valid JSON/],
    ['empty', '', /empty\.json: \(top level\): not valid JSON \(empty file\)/],
    ['old', JSON.stringify({ ...realData, schema: undefined }), /old\.json: schema: missing — a bbm-corpus\/1 file/],
    [
      'future',
      JSON.stringify({ ...realData, schema: 'bbm-corpus/3' }),
      /future\.json: schema: "bbm-corpus\/3" is not bbm-corpus\/2/,
    ],
    ['expect', JSON.stringify({ ...realData, expect: 'maybe' }), /expect\.json: expect: /],
    ['extra', JSON.stringify({ ...realData, colour: 'red' }), /extra\.json: \(top level\): unknown field "colour"/],
    [
      'property',
      JSON.stringify({ ...realData, property: 'split.nonsense' }),
      /property\.json: property: unknown property "split\.nonsense"/,
    ],
    ['bbm', JSON.stringify(realData).replace('"bbm":2', '"bbm":"2"'), /bbm\.json: input\.config\.cpus\[0\]\.bbm: /],
    [
      'bigint',
      JSON.stringify(realData).replace('"0x40000000"', '"0xzz"'),
      /bigint\.json: input\.config\.memblock\.banks\[0\]\.base\.\$bigint: /,
    ],
    ['pages', JSON.stringify(realData).replace('"pages":1', '"pages":"one"'), /pages\.json: input\.pages: /],
  ])('%s', (name, text, want) => {
    const line = errorOf(`${name}.json`, text);
    expect(line).toMatch(want);
    expect(line).not.toContain('\n');
  });
  it('a missing file and a folder', () => {
    expect(() => readEntry(join(work, 'nope.json'))).toThrow(/nope\.json: cannot be read \(ENOENT\)/);
    expect(() => readEntry(work)).toThrow(/is a folder, not a corpus entry/);
  });
});

describe('atomic writes', () => {
  it('a writer killed mid-write (a temporary file half written) leaves every entry whole', async () => {
    const dir = join(work, 'corpus');
    const folder = join(dir, 'split.boundaries-exact');
    cpSync(join(CORPUS_DIR, 'split.boundaries-exact'), folder, { recursive: true });
    const before = loadCorpus(dir).map((e) => e.id);
    const child = spawn(process.execPath, ['--import', 'tsx', join('shrinks', 'testing', 'writer.ts'), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    // Kill it the moment a write is under way: a temporary file exists and is not yet complete.
    const tmp = (): string | undefined => readdirSync(folder).find((f) => f.includes('.tmp-'));
    const deadline = Date.now() + 10_000;
    while (tmp() === undefined && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const torn = tmp();
    expect(torn, 'the writer was killed between writes, not in one').toBeDefined();
    // Every entry reads (none torn), none is lost, and the temporary file is never taken for an entry.
    const after = loadCorpus(dir);
    expect(after.map((e) => e.id)).toEqual(before);
    for (const e of after) expect(e.entry.summary ?? 'round').toMatch(/^round( \d+ x+)?$/);
  });
});
