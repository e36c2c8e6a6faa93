/**
 * The driver's reduction (explore/stepper.ts: stutters dropped, forced steps taken without a
 * choice) keeps every state: on small bounded scopes, the search with it and without it ends in
 * the same set of quiescent states (every operation finished: the fingerprint of the whole
 * machine, explore/fingerprint.ts), with fewer states replayed. The scopes: `tiny`'s split alone,
 * pairs of it racing at pgtable_split_lock (a lock's wait), 1 preemption; `pageattr-race`'s two
 * permission changes, raced; `repaint-2cpu`'s finalisation, where the secondary parks and spins
 * on the flag while the boot CPU repaints. The CI run checks `tiny` (about 5 s: the search without
 * the reduction replays every stutter); `BBM_EXPLORE_FULL=1` the three (about a minute).
 */
import { describe, expect, test } from 'vitest';
import { createSut } from '../impl/index.ts';
import { namedScope } from './namedScopes.ts';
import type { Scope } from './scope.ts';
import type { SearchStats } from './search.ts';
import { initialSearch, search } from './search.ts';
import { replayNode } from './world.ts';

const scopeNamed = (name: string, bounds: Partial<Scope>): Scope => {
  const s = namedScope(name);
  if (s === undefined) throw new Error(`no scope ${name}`);
  return { ...s, ...bounds };
};

/** Searches a scope on the port, with or without the reduction; the quiescent states it met. */
async function finals(s: Scope, reduce: boolean): Promise<{ keys: Set<string>; stats: SearchStats; kind: string }> {
  const keys = new Set<string>();
  const r = await search(s, initialSearch(s), (nodes) =>
    Promise.resolve(
      nodes.map((n) => {
        const out = replayNode(s, createSut, n, reduce);
        if (out.kind === 'quiescent') keys.add(out.key);
        return out;
      }),
    ),
  );
  return { keys, stats: r.stats, kind: r.kind };
}

const full = process.env['BBM_EXPLORE_FULL'] === '1';

describe('explore: the reduction keeps every state', () => {
  const tiny = namedScope('tiny');
  const cases: [string, Partial<Scope>][] = [
    ['tiny', { ops: tiny?.ops.slice(0, 1) ?? [], maxPreemptions: 1 }],
    ['pageattr-race', { ops: namedScope('pageattr-race')?.ops.slice(0, 2) ?? [], pairOps: [0, 1], maxOps: 2 }],
    ['repaint-2cpu', { maxOps: 0, maxPreemptions: 1 }],
  ];
  test.each(full ? cases : cases.slice(0, 1))('%s: the same quiescent states, fewer replays', async (name, bounds) => {
    const s = scopeNamed(name, bounds);
    const on = await finals(s, true);
    const off = await finals(s, false);
    expect(on.kind).toBe('exhausted');
    expect(off.kind).toBe('exhausted');
    expect([...on.keys].sort()).toEqual([...off.keys].sort());
    expect(on.keys.size).toBeGreaterThan(0);
    expect(on.stats.generated).toBeLessThan(off.stats.generated);
  });
});
