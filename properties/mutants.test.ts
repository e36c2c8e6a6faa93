// Why this test? A property that has never been seen to fail on a buggy implementation is not
// yet a property. Every seeded bug of impl/mutants must be killed by the properties at the pinned
// seed and default budget (its expected killer is tried first); the bundled port itself passes
// every property in the other suites.
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from './catalogue.ts';
import { killMatrix } from './killMatrix.ts';

const SEED = Number(process.env['BBM_SEED'] ?? 20261125);

describe('seeded bugs are killed', () => {
  it('has at least 15 mutants, each naming a property of the catalogue', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(15);
    for (const m of MUTANTS) expect(PROPERTIES.map((p) => p.id)).toContain(m.expectedKiller);
  });
  it.each(MUTANTS.map((m) => [m.id, m] as const))('%s', (_id, mutant) => {
    // No shrinking: the test needs the kill; `bbm-verify mutants` shrinks for the report and corpus.
    const [row] = killMatrix([mutant], PROPERTIES, { seed: SEED, noShrink: true }, true);
    const kill = row?.results.find((r) => !r.ok);
    expect(kill, `${mutant.id} survived every property`).toBeDefined();
  });
});
