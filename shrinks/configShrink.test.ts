// Configurations shrink toward the simplest one that still fails, whatever `oneof` alternative
// they came from and with or without their generation context (a saved value): the domain
// shrinker's simpler configurations (shrinks/domainShrink.ts, properties/arbitraries/configSpace.ts).
// What every property draws is admitted by its own arbitrary (else no neighbour would ever be
// tried), every neighbour it admits is smaller and a valid corpus value, a pinned space is never
// left, and a seeded bug met on a 16K machine with three CPUs shrinks to 4K with one or two.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SutConfig } from '../impl/index.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { configArb, toConfig } from '../properties/arbitraries/config.ts';
import { configWeight, unmapConfig } from '../properties/arbitraries/configSpace.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { PropertyFailure } from '../properties/registry.ts';
import { ownArbitrary, withSimplerConfig } from './domainShrink.ts';
import { decodeValue, encodeValue } from './encoding.ts';
import { INPUT_SCHEMAS } from './inputSchemas.ts';
import { CORPUS_DIR, loadCorpus } from './store.ts';

const configOf = (v: unknown): SutConfig => ((v as { config?: SutConfig }).config ?? v) as SutConfig;
const weight = (c: SutConfig): number => {
  const r = unmapConfig(c);
  if (r === undefined) throw new Error(`no record lays out to ${JSON.stringify(encodeValue(c))}`);
  return configWeight(r);
};

describe('configuration shrinking', () => {
  it.each(PROPERTIES.map((p) => [p.id, p] as const))(
    '%s: its inputs are admitted, its neighbours smaller and valid',
    (_id, p) => {
      const own = ownArbitrary(p.arb as fc.Arbitrary<unknown>);
      const schema = INPUT_SCHEMAS[p.id];
      let tried = 0;
      for (const v of fc.sample(own, { seed: 20261201, numRuns: 6 })) {
        expect(own.canShrinkWithoutContext(v), `a drawn input of ${p.id} is not admitted`).toBe(true);
        for (const n of withSimplerConfig(v)) {
          if (!own.canShrinkWithoutContext(n)) continue;
          tried++;
          expect(weight(configOf(n))).toBeLessThan(weight(configOf(v)));
          expect(schema?.safeParse(encodeValue(n)).success, `a neighbour of ${p.id} is no valid corpus value`).toBe(
            true,
          );
        }
      }
      expect(tried).toBeGreaterThan(0);
    },
  );

  it('never leaves a pinned space (a 16K-only arbitrary proposes no 4K neighbour)', () => {
    const arb = configArb({ granules: ['16K'], secondariesNoabort: true, maxCpus: 3 });
    for (const v of fc.sample(arb, { seed: 7, numRuns: 20 })) {
      const ns = [...arb.shrink(v, undefined)].map((x) => x.value);
      for (const n of ns) {
        expect(n.granule).toBe('16K');
        expect(n.cpus.slice(1).every((c) => c.noabort)).toBe(true);
      }
    }
  });

  it('a seeded bug met on 16K with three CPUs shrinks to 4K with one or two', () => {
    const saved = loadCorpus(CORPUS_DIR).find((e) => e.entry.name === 'alias-whole-area');
    const p = PROPERTIES.find((x) => x.id === saved?.entry.property);
    const bug = MUTANTS.find((m) => m.id === 'alias-whole-area');
    if (saved === undefined || p === undefined || bug === undefined)
      throw new Error('alias-whole-area is not in the corpus');
    const input = decodeValue(saved.entry.input) as { config: SutConfig };
    const r = unmapConfig(input.config);
    if (r === undefined) throw new Error('the saved configuration does not unmap');
    // The same bug on a bigger machine: 16K, three CPUs with BBML2-noabort, a second bank.
    const big = toConfig({
      ...r,
      granule: '16K',
      variant: 'v7.1',
      secondaries: [
        { bbm: 2, noabort: true },
        { bbm: 2, noabort: true },
      ],
      banks: [
        { gapMiB: 0, sizeMiB: 150 },
        { gapMiB: 100, sizeMiB: 120 },
      ],
      kfence: 'late',
    });
    const fails = (v: unknown): boolean => {
      try {
        p.check(v as never, bug.createSut);
        return false;
      } catch (e) {
        if (e instanceof PropertyFailure) return true;
        throw e;
      }
    };
    const start = { ...input, config: big };
    expect(fails(start), 'the bigger case fails').toBe(true);
    const out = fc.check(
      fc.property(p.arb, (v) => !fails(v)),
      { examples: [[start as never]], numRuns: 1 },
    );
    const shrunk = configOf(out.counterexample?.[0]);
    expect(shrunk.granule).toBe('4K');
    expect(shrunk.cpus.length).toBeLessThanOrEqual(2);
    expect(shrunk.memblock.banks.length).toBe(1);
    expect(shrunk.variant).toBe('v7.2-rc');
  });
});
