// Why this test? A property that has never been seen to fail on a buggy implementation is not
// yet a property. Every seeded bug of impl/mutants must be killed by the properties at the pinned
// seed and default budget (its expected killer is tried first); the bundled port itself passes
// every property in the other suites. The mutants are shared by this file and
// mutants.shard*.test.ts (properties/mutantKills.ts), which vitest runs in parallel.
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from './catalogue.ts';
import { KILL_SHARDS, killShard, killTests } from './mutantKills.ts';

describe('seeded bugs are killed', () => {
  it('has at least 15 mutants, each naming a property of the catalogue', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(15);
    for (const m of MUTANTS) expect(PROPERTIES.map((p) => p.id)).toContain(m.expectedKiller);
  });
  it('the shards hold every mutant once', () => {
    const ids = Array.from({ length: KILL_SHARDS }, (_s, i) => killShard(i).map((m) => m.id)).flat();
    expect(ids.sort()).toEqual(MUTANTS.map((m) => m.id).sort());
  });
  killTests(0);
});
