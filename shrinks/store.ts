/**
 * The corpus on disk: `shrinks/corpus/<property-id>/<name>.json`, one `bbm-corpus/2` entry per
 * file (shrinks/schema.ts), read with every field checked and written atomically — the new file is
 * written beside the old one under a temporary name, flushed to the disk (`fsync`), renamed over
 * it (POSIX `rename(2)` replaces a name atomically) and the folder flushed, so a writer killed at
 * any instant leaves either the old entry or the new one, never a torn file. Temporary files
 * (`.<name>.json.tmp-…`) are never read as entries.
 *
 * Layer: shrinks.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { INPUT_SCHEMAS } from './inputSchemas.ts';
import type { CorpusEntry } from './schema.ts';
import { CORPUS_SCHEMA, describeIssue, entrySchema } from './schema.ts';

export type { CorpusEntry } from './schema.ts';
export { CORPUS_SCHEMA } from './schema.ts';

/** The default corpus folder. */
export const CORPUS_DIR = 'shrinks/corpus';

/** A corpus file (or case file) that cannot be read, or a corpus operation that cannot be done. */
export class CorpusError extends Error {
  /** @param message - one line naming the file and what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

/**
 * Checks parsed JSON as an entry: the version first (so an old file says so), then the envelope,
 * then the input against its property's schema.
 * @param data - parsed JSON
 * @param file - for messages
 * @returns the entry
 * @throws CorpusError naming the file and the field
 */
export function checkEntry(data: unknown, file: string): CorpusEntry {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new CorpusError(`${file}: (top level): a corpus entry is a JSON object`);
  const version = (data as Record<string, unknown>)['schema'];
  if (version === undefined)
    throw new CorpusError(
      `${file}: schema: missing — a bbm-corpus/1 file (written before the format was versioned); this suite reads ${CORPUS_SCHEMA}: add "schema": "${CORPUS_SCHEMA}" or save the case again`,
    );
  if (version !== CORPUS_SCHEMA)
    throw new CorpusError(
      `${file}: schema: ${JSON.stringify(version)} is not ${CORPUS_SCHEMA}, the version this suite reads`,
    );
  const parsed = entrySchema.safeParse(data);
  if (!parsed.success) throw new CorpusError(`${file}: ${describeIssue(parsed.error)}`);
  const entry = parsed.data;
  const inputSchema = INPUT_SCHEMAS[entry.property];
  if (inputSchema === undefined)
    throw new CorpusError(
      `${file}: property: unknown property ${JSON.stringify(entry.property)} (properties/README.md)`,
    );
  const input = inputSchema.safeParse(entry.input);
  if (!input.success) throw new CorpusError(`${file}: ${describeIssue(input.error, ['input'])}`);
  return entry;
}

/**
 * Reads one entry file.
 * @param file - the path
 * @returns the entry
 * @throws CorpusError for a missing file, a folder, a file that is not JSON (a truncated one) or not an entry
 */
export function readEntry(file: string): CorpusEntry {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new CorpusError(`${file}: is a folder, not a corpus entry (.json)`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof CorpusError) throw e;
    throw new CorpusError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new CorpusError(`${file}: (top level): not valid JSON${text.length === 0 ? ' (empty file)' : ''} — ${why}`);
  }
  return checkEntry(data, file);
}

/** One entry with its file and id. */
export interface StoredEntry {
  readonly file: string;
  /** `<property>/<name>`, what `corpus show|rm` take. */
  readonly id: string;
  readonly entry: CorpusEntry;
}

/**
 * The id of an entry file: its path under the corpus folder, without `.json`.
 * @param dir - the corpus folder
 * @param file - the file
 * @returns `<property>/<name>`
 */
export function entryId(dir: string, file: string): string {
  return relative(dir, file)
    .split(sep)
    .join('/')
    .replace(/\.json$/, '');
}

/**
 * Reads every entry under a corpus folder, sorted by path.
 * @param dir - the corpus folder
 * @returns the entries (none when the folder does not exist)
 * @throws CorpusError for the first file that is not an entry, or one filed under another property
 */
export function loadCorpus(dir: string): StoredEntry[] {
  if (!existsSync(dir)) return [];
  const out: StoredEntry[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json') && !name.startsWith('.')) {
        const entry = readEntry(path);
        const id = entryId(dir, path);
        if (id !== `${entry.property}/${entry.name}`)
          throw new CorpusError(`${path}: name: the file must be ${entry.property}/${entry.name}.json under ${dir}`);
        out.push({ file: path, id, entry });
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * Writes a file atomically: temporary file, fsync, rename over the old name, fsync of the folder.
 * @param file - the path
 * @param text - the content
 */
export function writeAtomic(file: string, text: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  // The rename itself is durable once the folder is flushed.
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/**
 * Formats an entry as its file holds it.
 * @param entry - the entry
 * @returns the JSON text
 */
export function entryText(entry: CorpusEntry): string {
  return JSON.stringify(entry, null, 2) + '\n';
}

/**
 * Saves an entry as `<dir>/<property>/<name>.json` atomically (replacing an older one of that name).
 * @param dir - the corpus folder
 * @param entry - the entry (checked before anything is written)
 * @returns the file written
 */
export function saveEntry(dir: string, entry: CorpusEntry): string {
  const file = join(dir, entry.property, `${entry.name}.json`);
  checkEntry(JSON.parse(entryText(entry)), file);
  writeAtomic(file, entryText(entry));
  return file;
}

/**
 * Removes an entry by id.
 * @param dir - the corpus folder
 * @param id - `<property>/<name>`
 * @returns the file removed
 * @throws CorpusError when there is no such entry
 */
export function removeEntry(dir: string, id: string): string {
  const hit = findEntry(dir, id);
  rmSync(hit.file);
  return hit.file;
}

/**
 * Finds an entry by id (`<property>/<name>`, or a bare name when only one entry has it).
 * @param dir - the corpus folder
 * @param id - the id
 * @returns the entry
 * @throws CorpusError when none (or several) match
 */
export function findEntry(dir: string, id: string): StoredEntry {
  const all = loadCorpus(dir);
  const exact = all.find((e) => e.id === id);
  if (exact !== undefined) return exact;
  const byName = all.filter((e) => e.entry.name === id);
  if (byName.length === 1 && byName[0] !== undefined) return byName[0];
  if (byName.length > 1)
    throw new CorpusError(
      `corpus: ${JSON.stringify(id)} names ${byName.length} entries: ${byName.map((e) => e.id).join(', ')}`,
    );
  throw new CorpusError(`corpus: no entry ${JSON.stringify(id)} under ${dir} (see: bbm-verify corpus list)`);
}
