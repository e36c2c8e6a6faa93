/**
 * The corpus of saved counterexamples: values, not seeds (a seed and path go stale as soon as a
 * generator changes). Each file holds one property input that once failed (or passed) on a named
 * SUT — the bundled port or a seeded bug — and CI replays every file first, so a fixed bug stays
 * fixed and a killed mutant stays killed whatever the generators become.
 *
 * Files live in `shrinks/corpus/<property-id>/<name>.json`.
 *
 * Layer: properties.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandFromData } from './commands/commands.ts';
import type { CommandData } from './commands/systemModel.ts';

/** The default corpus folder. */
export const CORPUS_DIR = 'shrinks/corpus';

/** One saved case. */
export interface CorpusEntry {
  /** File stem, e.g. the mutant's id. */
  readonly name: string;
  /** The property whose input this is. */
  readonly property: string;
  /** `port` (the bundled port) or `mutant:<id>` (impl/mutants). */
  readonly sut: string;
  /** The encoded input (see `encodeValue`). */
  readonly input: unknown;
  /** Whether the property must fail or hold on it. */
  readonly expect: 'fail' | 'pass';
  /** Where it came from. */
  readonly found: { readonly seed: number; readonly path: string; readonly date: string };
  /** Versions it was found under (model/spec-version.ts). */
  readonly specVersion: string;
  readonly kernelVersion: string;
}

/** A corpus file that cannot be read. */
export class CorpusError extends Error {
  /** @param message - one line naming the file and what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

/**
 * Encodes a property input as JSON-able data: bigints as `{"$bigint": "0x…"}`, kernel commands
 * as `{"$command": …}`, fast-check's command sequences as `{"$commands": […]}`.
 * @param v - the value
 * @returns plain data
 */
export function encodeValue(v: unknown): unknown {
  if (typeof v === 'bigint') return { $bigint: '0x' + v.toString(16) };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (typeof v === 'object' && v !== null) {
    const withData = v as { toData?: () => CommandData };
    if (typeof withData.toData === 'function') return { $command: encodeValue(withData.toData()) };
    if (Symbol.iterator in v) {
      // fast-check's command sequences iterate wrappers `{ cmd, hasRan }`: keep the commands.
      const cmds = [...(v as Iterable<unknown>)].map((x) =>
        typeof x === 'object' && x !== null && 'cmd' in x ? x.cmd : x,
      );
      return { $commands: cmds.map(encodeValue) };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeValue(x)]));
  }
  return v;
}

/**
 * Decodes `encodeValue`'s data.
 * @param d - plain data
 * @returns the value
 */
export function decodeValue(d: unknown): unknown {
  if (Array.isArray(d)) return d.map(decodeValue);
  if (typeof d === 'object' && d !== null) {
    const o = d as Record<string, unknown>;
    if (typeof o['$bigint'] === 'string') return BigInt(o['$bigint']);
    if ('$command' in o) return commandFromData(decodeValue(o['$command']) as CommandData);
    if (Array.isArray(o['$commands'])) return o['$commands'].map(decodeValue);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeValue(x)]));
  }
  return d;
}

/**
 * Saves an entry as `<dir>/<property>/<name>.json` (overwriting an older one of that name).
 * @param dir - the corpus folder
 * @param entry - the entry
 * @returns the file written
 */
export function saveEntry(dir: string, entry: CorpusEntry): string {
  const folder = join(dir, entry.property);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${entry.name}.json`);
  writeFileSync(file, JSON.stringify(entry, null, 2) + '\n');
  return file;
}

function isEntry(x: unknown): x is CorpusEntry {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return (
    typeof o['name'] === 'string' &&
    typeof o['property'] === 'string' &&
    typeof o['sut'] === 'string' &&
    (o['expect'] === 'fail' || o['expect'] === 'pass') &&
    'input' in o
  );
}

/**
 * Reads every entry under a corpus folder, sorted by path.
 * @param dir - the corpus folder
 * @returns the entries with their files
 * @throws CorpusError for a file that is not a corpus entry
 */
export function loadCorpus(dir: string): { file: string; entry: CorpusEntry }[] {
  if (!existsSync(dir)) return [];
  const out: { file: string; entry: CorpusEntry }[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(path, 'utf8'));
        } catch {
          throw new CorpusError(`${path}: not valid JSON`);
        }
        if (!isEntry(parsed))
          throw new CorpusError(`${path}: not a corpus entry (needs name, property, sut, expect, input)`);
        out.push({ file: path, entry: parsed });
      }
    }
  };
  walk(dir);
  return out;
}
