// The unpatched C fixture passes every property of the catalogue on the C SUT (a reduced budget
// here; `bbm-verify verify --sut kernel/cSut.ts --variant v7.1,prealloc` runs the full one).
import { describe, expect, it } from 'vitest';
import { FIXTURE_TREE } from './build.ts';
import { C_SPLIT_VARIANTS, createKernelSut } from './cSut.ts';

// The configuration generators read the narrowing when the catalogue is built (as `verify
// --variant` sets it for its child): set it first, then load the properties.
process.env['BBM_VARIANTS'] = C_SPLIT_VARIANTS.join(',');
const { PROPERTIES } = await import('../properties/catalogue.ts');
const { verifyProperty } = await import('../properties/verify.ts');

const seed = Number(process.env['BBM_SEED'] ?? 20261125);
const narrowing = { variants: C_SPLIT_VARIANTS };

describe('the unpatched C fixture', () => {
  const fixture = createKernelSut(FIXTURE_TREE);
  it.each(PROPERTIES.map((p) => [p.id, p] as const))('passes %s', (_id, property) => {
    const r = verifyProperty(property, fixture, { seed, runs: 2, narrowing });
    expect(r.status === 'pass' || r.status === 'no-input', `${property.id}: ${r.status}`).toBe(true);
  });
});
