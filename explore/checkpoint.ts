/**
 * `--checkpoint FILE`: the search's queue, visited fingerprints and counts, written atomically
 * (shrinks/store.ts `writeAtomic`: a temporary file, fsync, rename) after every level and when a
 * limit stops it, and read back to go on where it stopped. The file names the scope (by a digest
 * of its whole content) and the SUT it belongs to: resuming with another is refused, as is a file
 * that does not parse, in one line (exit status 2).
 *
 * Layer: explore.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { writeAtomic } from '../shrinks/store.ts';
import { burstData, opData } from '../shrinks/inputSchemas.ts';
import { describeIssue } from '../shrinks/schema.ts';
import { stableText } from './fingerprint.ts';
import type { Scope } from './scope.ts';
import { ScopeError } from './scope.ts';
import type { QueuedNode, SearchState } from './search.ts';

const nat = z.number().int().nonnegative();
const stepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('op'), op: opData, cpu: nat, fail: nat.optional() }),
  z.strictObject({ kind: z.literal('pair'), a: opData, b: opData, schedule: z.array(burstData) }),
]);
const nodeSchema = z.strictObject({
  finalMacro: z.array(nat).optional(),
  finalSchedule: z.array(burstData),
  steps: z.array(stepSchema),
  pair: z.strictObject({ a: opData, b: opData, macro: z.array(nat) }).optional(),
  opsUsed: nat,
});

/** The checkpoint file format. */
export const checkpointSchema = z.strictObject({
  // /2: the macro choices hold branching points only (explore/stepper.ts forced steps); a /1
  // file's choices would replay another run, so it is refused.
  schema: z.literal('bbm-explore-checkpoint/2'),
  scope: z.string(),
  scopeDigest: z.string().regex(/^[0-9a-f]{40}$/),
  sut: z.string(),
  queue: z.array(z.strictObject({ node: nodeSchema, depth: nat })),
  visited: z.array(z.tuple([z.string().regex(/^[0-9a-f]{40}$/), nat])),
  stats: z.strictObject({
    generated: nat,
    distinct: nat,
    depth: nat,
    queue: nat,
    elapsedMs: z.number().nonnegative(),
    maxEvents: nat,
  }),
});

/**
 * A digest of a scope's whole content.
 * @param scope - the scope
 * @returns hex SHA-1
 */
export function scopeDigest(scope: Scope): string {
  return createHash('sha1').update(stableText(scope)).digest('hex');
}

/**
 * Writes a checkpoint.
 * @param file - the path
 * @param scope - the scope
 * @param sut - the SUT's name
 * @param state - the search's state
 */
export function saveCheckpoint(file: string, scope: Scope, sut: string, state: SearchState): void {
  const data: z.input<typeof checkpointSchema> = {
    schema: 'bbm-explore-checkpoint/2',
    scope: scope.name,
    scopeDigest: scopeDigest(scope),
    sut,
    queue: state.queue as z.input<typeof checkpointSchema>['queue'],
    visited: [...state.visited],
    stats: { ...state.stats },
  };
  writeAtomic(file, JSON.stringify(data) + '\n');
}

/**
 * Reads a checkpoint, if the file exists.
 * @param file - the path
 * @param scope - the scope it must belong to
 * @param sut - the SUT it must belong to
 * @returns the state, or undefined when there is no such file
 * @throws ScopeError for a file that does not parse or belongs to another scope or SUT
 */
export function loadCheckpoint(file: string, scope: Scope, sut: string): SearchState | undefined {
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ScopeError(`${file}: not a checkpoint (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) throw new ScopeError(`${file}: ${describeIssue(parsed.error)}`);
  const d = parsed.data;
  if (d.scopeDigest !== scopeDigest(scope))
    throw new ScopeError(`${file}: a checkpoint of scope ${d.scope} as it was then, not of ${scope.name}`);
  if (d.sut !== sut) throw new ScopeError(`${file}: a checkpoint of ${d.sut}, not of ${sut}`);
  return {
    queue: d.queue as unknown as QueuedNode[],
    visited: new Map(d.visited),
    stats: { ...d.stats, queue: d.queue.length },
  };
}
