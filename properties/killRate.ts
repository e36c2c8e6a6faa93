/**
 * How fast the generators find each seeded bug, in two measurements. Not a test (a script):
 *
 * - `npx tsx properties/killRate.ts rate [N] [SEED] [ID,ID…]`: the share of the expected killer's
 *   inputs that fail on the seeded bug (N inputs, default 200, drawn by `fc.sample` at SEED, default
 *   the pinned one, from the property's own arbitrary) and what one input costs. Runs to the first
 *   kill are geometric in that share (mean 1 / rate), so this is the figure a generator change
 *   moves, measured on many more inputs than a kill-matrix row sees.
 * - `npx tsx properties/killRate.ts seeds [S] [SEED] [ID,ID…]`: the kill test itself at S seeds
 *   (default 20, derived from SEED as `verify --seeds` derives them): the expected killer at its
 *   default budget, unshrunk, and the runs to the first failure at each seed, with their median and
 *   maximum.
 *
 * Layer: properties (a script).
 */
import fc from 'fast-check';
import { deriveSeeds } from '../cli/verify.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from './catalogue.ts';
import { verifyProperty } from './verify.ts';

const [mode = 'rate', count, base, ids] = process.argv.slice(2);
const seed = Number(base ?? 20261125);
const only = ids?.split(',');
if (mode !== 'rate' && mode !== 'seeds') {
  console.error(`killRate: unknown mode '${mode}' (rate or seeds)`);
  process.exit(2);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

for (const m of MUTANTS) {
  if (only !== undefined && !only.includes(m.id)) continue;
  const p = PROPERTIES.find((q) => q.id === m.expectedKiller);
  if (p === undefined) throw new Error(`${m.id}: no property ${m.expectedKiller}`);
  const t0 = performance.now();
  if (mode === 'rate') {
    const n = Number(count ?? 200);
    let killed = 0;
    let first: number | undefined;
    fc.sample(p.arb, { seed, numRuns: n }).forEach((x, i) => {
      try {
        p.check(x as never, m.createSut);
      } catch {
        killed++;
        first ??= i + 1;
      }
    });
    const msPer = (performance.now() - t0) / n;
    const rate = killed / n;
    console.log(
      `${m.id.padEnd(34)} ${p.id.padEnd(34)} ${String(killed).padStart(4)}/${n} = ${(100 * rate).toFixed(1).padStart(5)}%` +
        `  first ${first ?? '–'}  ${msPer.toFixed(0)} ms/input  ~${rate === 0 ? '∞' : (msPer / rate / 1000).toFixed(2)} s/kill`,
    );
  } else {
    const seeds = deriveSeeds(seed, Number(count ?? 20));
    const runs = seeds.map((s) => {
      const r = verifyProperty(p, m.createSut, { seed: s, noShrink: true });
      return r.status === 'fail' ? (r.runsToFailure ?? r.runs) : undefined;
    });
    const found = runs.filter((r): r is number => r !== undefined);
    console.log(
      `${m.id.padEnd(34)} ${p.id.padEnd(34)} killed ${found.length}/${seeds.length}  runs median ${median(found)} max ${found.length === 0 ? '–' : Math.max(...found)}` +
        `  [${runs.map((r) => r ?? 'S').join(' ')}]  ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
}
