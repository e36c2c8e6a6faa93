/**
 * The from-scratch kill of every seeded bug as vitest tests, split into shards (one test file
 * each, `mutants*.test.ts`) so that vitest runs them on every core. Each mutant is run at the
 * pinned seed and the default budget against the catalogue, its expected killer first, and must
 * fail some property; the failure is not shrunk (`noShrink`): the kill is the same, the
 * minimised counterexample is what `bbm-verify mutants` and the corpus (`corpus.replay.test.ts`)
 * are for.
 *
 * Layer: properties.
 */
import { expect, it } from 'vitest';
import type { Mutant } from '../impl/mutants/catalogue.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from './catalogue.ts';
import { killMatrix } from './killMatrix.ts';

/** How many test files share the mutants. */
export const KILL_SHARDS = 3;

/**
 * The mutants of one shard: every `KILL_SHARDS`-th of the catalogue, so that the shards together
 * hold each mutant exactly once.
 * @param shard - 0 … KILL_SHARDS - 1
 * @returns the mutants
 */
export function killShard(shard: number): readonly Mutant[] {
  return MUTANTS.filter((_m, i) => i % KILL_SHARDS === shard);
}

/**
 * Declares one test per mutant of the shard: the mutant is killed.
 * @param shard - 0 … KILL_SHARDS - 1
 */
export function killTests(shard: number): void {
  const seed = Number(process.env['BBM_SEED'] ?? 20261125);
  it.each(killShard(shard).map((m) => [m.id, m] as const))('%s', (_id, mutant) => {
    const [row] = killMatrix([mutant], PROPERTIES, { seed, noShrink: true }, true);
    const kill = row?.results.find((r) => r.status === 'fail');
    expect(kill, `${mutant.id} survived every property`).toBeDefined();
  });
}
