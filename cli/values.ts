/**
 * Option values checked once, with one-line messages naming where the bad value came from (the
 * flag or the environment variable): nothing is coerced silently (`Number('')` is 0, `Number('1.5')`
 * a fraction — both used to become "0 runs, pass" or "seed 1.5").
 *
 * Layer: cli.
 */
import { statSync } from 'node:fs';
import { UsageError } from './usage.ts';

/** The smallest and largest seed fast-check takes as a 32-bit integer. */
export const SEED_MIN = -0x80000000;
export const SEED_MAX = 0xffffffff;

/**
 * A count of at least 1.
 * @param v - the text
 * @param what - the flag or variable, for the message
 * @returns the number
 */
export function positiveInt(v: string, what: string): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < 1)
    throw new UsageError(`${what} must be a whole number of at least 1, got ${JSON.stringify(v)}`);
  return Number(v);
}

/**
 * A fast-check seed: an integer that fits 32 bits (signed or not).
 * @param v - the text
 * @param what - the flag or variable
 * @returns the seed
 */
export function seedValue(v: string, what: string): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < SEED_MIN || n > SEED_MAX)
    throw new UsageError(`${what} must be an integer seed (${SEED_MIN}..${SEED_MAX}), got ${JSON.stringify(v)}`);
  return n;
}

/**
 * A duration: seconds (`90`, `1.5`), or with a unit (`500ms`, `90s`, `10m`, `1h`); more than 0.
 * @param v - the text
 * @param what - the flag
 * @returns milliseconds
 */
export function durationMs(v: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const ms = m === null ? NaN : Number(m[1]) * scale[(m[2] ?? 's') as keyof typeof scale];
  if (!(ms > 0))
    throw new UsageError(`${what} must be a duration above 0 (90, 90s, 10m, 500ms), got ${JSON.stringify(v)}`);
  return Math.round(ms);
}

/**
 * A comma list of allowed words (repeated flags are joined).
 * @param vs - the values given
 * @param allowed - the words
 * @param what - the flag or variable
 * @returns the distinct words, in the order of `allowed`
 */
export function wordList<T extends string>(vs: readonly string[], allowed: readonly T[], what: string): T[] {
  const words = vs.flatMap((v) => v.split(',')).map((w) => w.trim());
  for (const w of words)
    if (!(allowed as readonly string[]).includes(w))
      throw new UsageError(`${what} takes ${allowed.join(', ')}; got ${JSON.stringify(w)}`);
  return allowed.filter((a) => words.includes(a));
}

/**
 * A file that exists and is not a folder.
 * @param path - the path
 * @param what - what it is (`SUT module`)
 * @returns the path
 */
export function existingFile(path: string, what: string): string {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`${what} ${path} does not exist`);
  }
  if (isDir)
    throw new UsageError(
      `${what} ${path} is a folder: name the module file (e.g. ${path.replace(/\/$/, '')}/index.ts)`,
    );
  return path;
}
