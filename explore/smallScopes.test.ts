/**
 * The small scopes that bring what their seeded bugs need (explore/namedScopes.ts): an allocation
 * failure injected into a split (`split-shapes`), the v7.1 gate with rodata=noalias
 * (`split-gate`), an early and a late KFENCE pool (`kfence-early`, `kfence-late`). Each is exhausted clean on the port, and
 * each bug is found and saved as a case that fails again when replayed. About 5 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SutFactory } from '../impl/index.ts';
import { createSut } from '../impl/index.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { saveCounterexample } from './counterexample.ts';
import { namedScope } from './namedScopes.ts';
import type { Scope } from './scope.ts';
import { initialSearch, search } from './search.ts';
import { replayNode } from './world.ts';

const scopeNamed = (name: string): Scope => {
  const s = namedScope(name);
  if (s === undefined) throw new Error(`no scope ${name}`);
  return s;
};

const explore = (s: Scope, sut: SutFactory) =>
  search(s, initialSearch(s), (nodes) => Promise.resolve(nodes.map((n) => replayNode(s, sut, n))));

describe('explore: the small scopes', () => {
  test.each(['split-gate', 'kfence-early', 'kfence-late'])('the port exhausts %s', async (name) => {
    const r = await explore(scopeNamed(name), createSut);
    expect(r.kind).toBe('exhausted');
  });

  test.each([
    ['split-pmd-break-before-alloc', 'split-shapes', /changed|invalid|old or new/i],
    ['split-gate-force-pte', 'split-gate', /lets no split through/],
    ['kfence-pool-left-in-blocks', 'kfence-late', /still mapped by the 2M block/],
    ['mutex-in-atomic', 'kfence-early', /atomic-context caller .* took pgtable_split_lock/],
    ['mutex-in-atomic', 'kfence-late', /atomic-context caller .* took pgtable_split_lock/],
  ] as const)('%s is found in %s and saved as an ops.answers-exact case that fails again', async (id, name, why) => {
    const m = MUTANTS.find((x) => x.id === id);
    if (m === undefined) throw new Error(`no mutant ${id}`);
    const r = await explore(scopeNamed(name), m.createSut);
    expect(r.kind).toBe('failed');
    if (r.kind !== 'failed') return;
    expect(r.message).toMatch(why);
    const dir = mkdtempSync(join(tmpdir(), 'explore-small-'));
    try {
      const saved = saveCounterexample(dir, `mutant:${id}`, m.createSut, r.input, r.message, r.property, r.split);
      expect(saved.note).toBeUndefined();
      expect(saved.property).toBe('ops.answers-exact');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
