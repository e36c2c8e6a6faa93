// The profile summariser: self and inclusive time per function of a small made-up profile.
import { describe, expect, it } from 'vitest';
import { profileTotals } from './profileTop.ts';

const frame = (functionName: string, lineNumber: number) => ({ functionName, url: 'file:///x/a.ts', lineNumber });

describe('profileTotals', () => {
  it('charges each sample to its function (self) and once to every function on its stack', () => {
    // root → f → g, and f → f (a recursive call): samples 2× g, 1× f, 1× inner f.
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('', 0), children: [2] },
        { id: 2, callFrame: frame('f', 9), children: [3, 4] },
        { id: 3, callFrame: frame('g', 19) },
        { id: 4, callFrame: frame('f', 9) },
      ],
      samples: [3, 3, 2, 4],
      timeDeltas: [100, 200, 300, 400],
    };
    const t = profileTotals(JSON.stringify(profile));
    expect(t.totalUs).toBe(1000);
    expect(t.self.get('g a.ts:20')).toBe(300);
    expect(t.self.get('f a.ts:10')).toBe(700);
    expect(t.inclusive.get('f a.ts:10')).toBe(1000);
    expect(t.inclusive.get('(anonymous) a.ts:1')).toBe(1000);
    expect(t.inclusive.get('g a.ts:20')).toBe(300);
  });

  it('refuses what is not a CPU profile', () => {
    expect(() => profileTotals('{"nodes": 1}')).toThrow();
  });
});
