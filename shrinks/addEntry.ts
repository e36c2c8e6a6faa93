/**
 * Adds a counterexample found by a run to the corpus (`verify --save-corpus`) without ever
 * replacing or losing what is there: an entry with the same property, SUT and value (compared
 * field by field, whatever the key order) is a duplicate and nothing is written; a new one is
 * named after its SUT and a hash of its value (`mutant-split-skips-end-3f9a1c0b`) and written
 * under a temporary name, flushed, then linked to its final name — `link(2)` fails when the name
 * exists, so two runs finding the same case at once write it once, and a name taken by another
 * value is never overwritten (the next free `-2`, `-3`, … is used). The temporary file goes, the
 * folder is flushed. A writer killed at any instant leaves the corpus as it was or with the new
 * entry whole (temporary files are never read as entries, shrinks/store.ts).
 *
 * Layer: shrinks.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CorpusEntry } from './schema.ts';
import { checkEntry, entryText, loadCorpus } from './store.ts';

/** What {@link addEntry} did. */
export interface Added {
  /** The entry's file: the new one, or the existing duplicate. */
  readonly file: string;
  /** False when an equal entry was already there (nothing written). */
  readonly added: boolean;
}

/** A value as text independent of key order, for "the same value". */
function canonical(v: unknown): string {
  const norm = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(norm)
      : typeof x === 'object' && x !== null
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, norm((x as Record<string, unknown>)[k])]),
          )
        : x;
  return JSON.stringify(norm(v));
}

/**
 * The file stem of a new entry: its SUT (`port`, `mutant-<id>`, `module-<file stem>`) and the
 * first 8 hex digits of the SHA-256 of its property and value.
 * @param entry - the entry
 * @returns e.g. `mutant-split-skips-end-3f9a1c0b`
 */
export function entryStem(entry: CorpusEntry): string {
  const sut = entry.sut.startsWith('module:')
    ? `module-${(entry.sut.slice('module:'.length).split('/').pop() ?? 'sut').replace(/\.[cm]?[jt]sx?$/, '')}`
    : entry.sut.replace(':', '-');
  const hash = createHash('sha256')
    .update(`${entry.property}\n${canonical(entry.input)}`)
    .digest('hex')
    .slice(0, 8);
  return `${sut.replace(/[^A-Za-z0-9._-]/g, '_')}-${hash}`;
}

/** Writes `text` to a new temporary file beside `file`, flushed. */
function writeTemp(file: string, text: string): string {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

/**
 * Adds an entry unless an equal one (same property, SUT, expectation and value) is there.
 * @param dir - the corpus folder
 * @param found - the entry; its `name` is replaced by {@link entryStem} (and a suffix if taken)
 * @returns the file and whether it was written
 * @throws CorpusError when the entry is not valid (nothing is written) or a corpus file is not
 */
export function addEntry(dir: string, found: CorpusEntry): Added {
  const same = (e: CorpusEntry): boolean =>
    e.property === found.property &&
    e.sut === found.sut &&
    e.expect === found.expect &&
    canonical(e.input) === canonical(found.input);
  const folder = join(dir, found.property);
  const stem = entryStem(found);
  checkEntry(JSON.parse(entryText({ ...found, name: stem })), join(folder, `${stem}.json`));
  const dup = loadCorpus(dir).find((s) => same(s.entry));
  if (dup !== undefined) return { file: dup.file, added: false };
  mkdirSync(folder, { recursive: true });
  for (let k = 1; k <= 1000; k++) {
    const name = k === 1 ? stem : `${stem}-${k}`;
    const entry: CorpusEntry = { ...found, name };
    const file = join(folder, `${name}.json`);
    checkEntry(JSON.parse(entryText(entry)), file);
    const tmp = writeTemp(file, entryText(entry));
    try {
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // Taken: by this very entry (a run beside this one found it too), or by another value.
      let there: CorpusEntry | undefined;
      try {
        there = checkEntry(JSON.parse(readFileSync(file, 'utf8')), file);
      } catch {
        there = undefined;
      }
      if (there !== undefined && same(there)) return { file, added: false };
      continue;
    } finally {
      rmSync(tmp, { force: true });
    }
    const dfd = openSync(folder, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
    return { file, added: true };
  }
  throw new Error(`${folder}: ${stem}-1 … ${stem}-1000 are all taken by other values`);
}
