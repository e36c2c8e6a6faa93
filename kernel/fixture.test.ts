// The unpatched C fixture passes every property of the catalogue on the C SUT (a reduced budget
// here; `bbm-verify verify --sut kernel/cSut.ts --variant v7.1,prealloc` runs the full one).
import { describe, expect, it } from 'vitest';
import { FIXTURE_TREE } from './build.ts';
import { loadCCatalogue } from './testing/cCatalogue.ts';
import { createKernelSut } from './cSut.ts';

const { PROPERTIES, seed, narrowing } = await loadCCatalogue();
const { verifyProperty } = await import('../properties/verify.ts');

describe('the unpatched C fixture', () => {
  const fixture = createKernelSut(FIXTURE_TREE);
  it.each(PROPERTIES.map((p) => [p.id, p] as const))('passes %s', (_id, property) => {
    const r = verifyProperty(property, fixture, { seed, runs: 2, narrowing });
    expect(r.status === 'pass' || r.status === 'no-input', `${property.id}: ${r.status}`).toBe(true);
  });
});
