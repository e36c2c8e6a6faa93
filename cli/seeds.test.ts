// Seed robustness as a check: the catalogue on the bundled port at seeds derived from the pinned
// one (the pinned seed itself runs in the *.prop.test.ts files). A suite green at one seed only
// is tuned to it. CI runs 2 derived seeds × 1 run of every property (cheap); the long sweep is
// BBM_SWEEP_SEEDS=N (N seeds from the base, each property at its CI budget), e.g.
//   BBM_SWEEP_SEEDS=200 npx vitest run cli/seeds.test.ts
// and the same from the command line: npx bbm-verify verify --seeds 200.
import { describe, expect, it } from 'vitest';
import { createSut } from '../impl/index.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { verifyProperty } from '../properties/verify.ts';
import { positiveInt, seedValue } from './values.ts';
import { VERIFY_SEED } from './verbs.ts';
import { deriveSeeds } from './verify.ts';

const sweep = process.env['BBM_SWEEP_SEEDS'];
const base = process.env['BBM_SEED'] ? seedValue(process.env['BBM_SEED'], 'BBM_SEED') : VERIFY_SEED;
const count = sweep === undefined ? 3 : positiveInt(sweep, 'BBM_SWEEP_SEEDS') + 1;
const seeds = deriveSeeds(base, count).slice(1);
const runs = sweep === undefined ? 1 : undefined;

describe.each(seeds)('the bundled port at derived seed %i', (seed) => {
  it.each(PROPERTIES.map((p) => [p.id, p] as const))('%s holds', (id, p) => {
    const r = verifyProperty(p, createSut, { seed, ...(runs === undefined ? {} : { runs }) });
    const replay = `npx bbm-verify verify --only ${id} --seed ${seed} --path ${r.path ?? ''}`;
    expect(r.status, `${r.failure ?? r.reason ?? ''}\nreplay: ${replay}`).toBe('pass');
  });
});
