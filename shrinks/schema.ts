/**
 * The corpus file format, `bbm-corpus/2`, as zod schemas: the envelope (which property, which
 * SUT, what it must do, where it came from) and the encoded value language (`shrinks/encoding.ts`:
 * bigints as `{"$bigint": "0x…"}`, kernel commands as `{"$command": …}`, fast-check command
 * sequences as `{"$commands": […]}`). The input of each property is checked by its own schema
 * (`shrinks/inputSchemas.ts`). A file that does not parse is reported as one line naming the file
 * and the first field that is wrong (`describeIssue`).
 *
 * Version history: `bbm-corpus/1` had no `schema` field (the files written before this module);
 * `bbm-corpus/2` adds it. A file of another version is refused, never guessed at.
 *
 * Layer: shrinks.
 */
import { z } from 'zod';

/** The version this code reads and writes. */
export const CORPUS_SCHEMA = 'bbm-corpus/2';

/** An encoded bigint: `{"$bigint": "0x…"}` (lower-case hex, a sign allowed). */
export const bigintData = z.strictObject({
  $bigint: z.string().regex(/^-?0x[0-9a-f]+$/, 'a hex bigint such as "0x40000000"'),
});

/** Where an entry came from: the seed and fast-check path of the run that found it, and the day. */
export const foundSchema = z.strictObject({
  seed: z.number().int(),
  path: z.string().regex(/^(\d+(:\d+)*)?$/, 'a fast-check path such as "3:0:1" (or "")'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
});

/**
 * The SUT an entry was found on: `port` (the bundled port), `mutant:<id>` (impl/mutants) or, for a
 * case saved by `verify --sut PATH`, `module:<path>`.
 */
export const sutName = z
  .string()
  .regex(/^(port|mutant:[a-z0-9-]+|module:.+)$/, '"port", "mutant:<id>" or "module:<path>"');

/** One corpus entry (or a case saved at a failure: the same format). */
export const entrySchema = z.strictObject({
  schema: z.literal(CORPUS_SCHEMA),
  /** File stem, e.g. the mutant's id. */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a file stem of letters, digits, ".", "_" or "-"'),
  /** The property whose input this is. */
  property: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'a property id such as "split.boundaries-exact"'),
  sut: sutName,
  /** Whether the property must fail or hold on it. */
  expect: z.enum(['fail', 'pass']),
  /** The encoded input (checked by the property's input schema). */
  input: z.unknown(),
  found: foundSchema,
  /** Versions it was found under (model/spec-version.ts). */
  specVersion: z.string(),
  kernelVersion: z.string(),
  /** The failure's first line when it was saved (the report a replay must print again). */
  summary: z.string().optional(),
});

/** One corpus entry as read. */
export type CorpusEntry = z.infer<typeof entrySchema>;

/**
 * A field path for messages: `input.config.cpus[1].bbm`.
 * @param path - zod's issue path
 * @returns the path, or `(top level)`
 */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : `${out === '' ? '' : '.'}${String(k)}`;
  return out === '' ? '(top level)' : out;
}

/**
 * The first issue of a failed parse as `field: what is wrong`, what a one-line error shows.
 * @param error - zod's error
 * @param prefix - path segments the schema was applied under (e.g. `['input']`)
 * @returns the description
 */
export function describeIssue(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  const issue = error.issues[0];
  if (issue === undefined) return '(top level): invalid';
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys')
    return `${fieldPath(path)}: unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (issue.code === 'invalid_value' && issue.values.length === 1)
    return `${fieldPath(path)}: must be ${JSON.stringify(issue.values[0])}`;
  return `${fieldPath(path)}: ${issue.message}`;
}
