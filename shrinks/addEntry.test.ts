// A run's new counterexample goes into the corpus without replacing anything: an equal entry
// (same property, SUT, expectation and value, whatever the key order) is not added twice; a name
// taken by another value is left alone and the next free one used; the same value on another SUT
// is another entry; and a bad entry writes nothing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addEntry, entryStem } from './addEntry.ts';
import { CORPUS_DIR, entryText, readEntry } from './store.ts';

const work = mkdtempSync(join(tmpdir(), 'bbm-add-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const found = readEntry(join(CORPUS_DIR, 'split.boundaries-exact', 'split-skips-end.json'));
const folder = (dir: string): string[] => readdirSync(join(dir, found.property)).sort();

/** The same object with its keys in reverse order, all the way down. */
const reversed = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(reversed)
    : typeof v === 'object' && v !== null
      ? Object.fromEntries(
          Object.entries(v)
            .reverse()
            .map(([k, x]) => [k, reversed(x)]),
        )
      : v;

describe('adding a found counterexample to the corpus', () => {
  it('adds it once, named after its SUT and value', () => {
    const dir = join(work, 'once');
    const a = addEntry(dir, found);
    expect(a.added).toBe(true);
    expect(a.file).toBe(join(dir, found.property, `${entryStem(found)}.json`));
    expect(entryStem(found)).toMatch(/^mutant-split-skips-end-[0-9a-f]{8}$/);
    expect(readEntry(a.file)).toEqual({ ...found, name: entryStem(found) });
    const again = addEntry(dir, { ...found, input: reversed(found.input), found: { ...found.found, seed: 1 } });
    expect(again).toEqual({ file: a.file, added: false });
    expect(folder(dir)).toEqual([`${entryStem(found)}.json`]);
  });

  it('never replaces a file that holds another value, and keeps another SUT apart', () => {
    const dir = join(work, 'taken');
    const stem = entryStem(found);
    // Another value already under the name `found` would take (as a hash collision would leave it).
    const taken = join(dir, found.property, `${stem}.json`);
    const text = entryText({ ...found, name: stem, input: { ...(found.input as object), pages: 2 } });
    mkdirSync(join(dir, found.property), { recursive: true });
    writeFileSync(taken, text);
    const a = addEntry(dir, found);
    expect(a).toEqual({ file: join(dir, found.property, `${stem}-2.json`), added: true });
    expect(readFileSync(taken, 'utf8')).toBe(text);
    const port = addEntry(dir, { ...found, sut: 'port' });
    expect(port.added).toBe(true);
    expect(port.file).toMatch(/\/port-[0-9a-f]{8}\.json$/);
    expect(folder(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('writes nothing for an entry that is not valid', () => {
    const dir = join(work, 'bad');
    expect(() => addEntry(dir, { ...found, property: 'split.nope' })).toThrow(/split\.nope/);
    expect(existsSync(dir)).toBe(false);
  });
});
