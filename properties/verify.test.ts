// The verification engine never reports a pass for what it did not check: a replay runs exactly
// the input its path names (and says when that input holds, or when the path names none), and a
// narrowing is checked on every configuration the SUT is built for — a property whose
// configurations miss it is skipped, one that builds configurations on both sides is a suite bug.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SutConfig, SutFactory } from '../impl/index.ts';
import { makeConfig } from '../impl/testing/setup.ts';
import { PropertyFailure } from './registry.ts';
import type { AnyProperty, PropertyDef } from './registry.ts';
import { verifyProperty } from './verify.ts';

const factory: SutFactory = () => ({}) as never;
const build = (sut: SutFactory, config: SutConfig): void => void sut(null as never, config);

/** A property over one integer that fails when it is 7 or more, building a 4K v7.2-rc SUT each run. */
const seven: AnyProperty = {
  id: 'test.seven',
  claim: 'below seven',
  invariants: '',
  arb: fc.integer({ min: 0, max: 100 }),
  numRuns: 100,
  check: (n: number, sut: SutFactory) => {
    build(sut, makeConfig('4K'));
    if (n >= 7) throw new PropertyFailure(`${n} is not below seven`);
  },
} as PropertyDef<number> as unknown as AnyProperty;

describe('verifyProperty', () => {
  it('replays exactly the input of a path: it fails again, and a passing input is not a pass', () => {
    const found = verifyProperty(seven, factory, { seed: 42 });
    expect(found.status).toBe('fail');
    const again = verifyProperty(seven, factory, { seed: 42, path: found.path ?? '' });
    expect(again.status).toBe('fail');
    expect(again.failure?.split('\n')[0]).toBe(found.failure?.split('\n')[0]);
    const ran: number[] = [];
    const holds = verifyProperty(
      { ...seven, check: (n: number, sut: SutFactory) => (ran.push(n), build(sut, makeConfig('4K'))) } as never,
      factory,
      { seed: 42, path: '3' },
    );
    expect(ran).toHaveLength(1);
    expect(holds).toMatchObject({ status: 'no-input', ok: false, runs: 1 });
    expect(holds.reason).toMatch(/^the input at --path 3 \(seed 42\) holds: nothing failed to replay/);
  });

  it('says when a path names no input', () => {
    const r = verifyProperty({ ...seven, arb: fc.constant(1) } as never, factory, { seed: 42, path: '0:5' });
    expect(r.status).toBe('no-input');
    expect(r.reason).toBe('--path 0:5 names no input of this property at seed 42');
  });

  it('skips a property whose configurations miss the narrowing, and never calls the SUT', () => {
    let built = 0;
    const r = verifyProperty(seven, () => (built++, {}) as never, { seed: 42, narrowing: { granules: ['16K'] } });
    expect(r).toMatchObject({ status: 'skip', ok: false, runs: 0 });
    expect(r.reason).toBe('no configuration of this property has granule 16K');
    expect(built).toBe(0);
    expect(
      verifyProperty(seven, factory, { seed: 42, narrowing: { granules: ['4K'], variants: ['v7.2-rc'] } }).status,
    ).toBe('fail');
  });

  it('throws when a property builds configurations on both sides of the narrowing', () => {
    const both = {
      ...seven,
      check: (n: number, sut: SutFactory) => build(sut, makeConfig(n % 2 === 0 ? '4K' : '64K')),
    } as never;
    expect(() => verifyProperty(both, factory, { seed: 42, narrowing: { granules: ['4K'] } })).toThrow(
      /test\.seven built a configuration outside granule 4K \(64K v7\.2-rc\) after \d+ inside it/,
    );
  });
});
