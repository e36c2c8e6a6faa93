/**
 * The split-only claims in the search (explore/splitClaims.ts): the port exhausts `split-shapes`
 * clean; a seeded bug of each claim is found after one split and saved as a case of the property
 * whose claim failed, in its input language, which fails again when replayed; a failure on the
 * second split of a sequence is written as a two-split input that places the same ranges.
 * All eight seeded bugs the claims catch, about 4 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SutFactory } from '../impl/index.ts';
import { createSut } from '../impl/index.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import type { SplitInput } from '../properties/split/splitCase.ts';
import { runSplit } from '../properties/split/splitCase.ts';
import { runCase } from '../shrinks/corpusReplay.ts';
import { readEntry } from '../shrinks/store.ts';
import { saveCounterexample } from './counterexample.ts';
import { namedScope } from './namedScopes.ts';
import { initialSearch, search } from './search.ts';
import { replayNode } from './world.ts';

const scope = namedScope('split-shapes');
if (scope === undefined) throw new Error('no split-shapes scope');

const explore = (sut: SutFactory) =>
  search(scope, initialSearch(scope), (nodes) => Promise.resolve(nodes.map((n) => replayNode(scope, sut, n))));

const mutant = (id: string): SutFactory => {
  const m = MUTANTS.find((x) => x.id === id);
  if (m === undefined) throw new Error(`no mutant ${id}`);
  return m.createSut;
};

const KILLS: readonly [string, string][] = [
  ['split-skips-end', 'split.boundaries-exact'],
  ['pmd-aligned-before-contpmd', 'split.boundaries-exact'],
  ['contpte-decont-all-but-one', 'split.boundaries-exact'],
  ['contpte-misaligned-start', 'split.boundaries-exact'],
  ['contpmd-forgets-entry', 'split.boundaries-exact'],
  ['split-whole-range', 'split.blocks-kept'],
  ['split-pmd-drop-pxn', 'split.hierarchical-pxn'],
  ['split-pmd-drop-table-pxn', 'split.hierarchical-pxn'],
];

describe('explore split-shapes', () => {
  test('the port exhausts the scope with every split claim held', async () => {
    const r = await explore(createSut);
    expect(r.kind).toBe('exhausted');
    expect(r.stats.distinct).toBeGreaterThanOrEqual(13);
  });

  test.each(KILLS)('%s is found after one split and saved as a %s case that fails again', async (id, property) => {
    const sut = mutant(id);
    const r = await explore(sut);
    expect(r.kind).toBe('failed');
    if (r.kind !== 'failed') return;
    expect(r.depth).toBe(1);
    expect(r.property).toBe(property);
    expect(r.split?.more).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'explore-split-'));
    try {
      const saved = saveCounterexample(dir, `mutant:${id}`, sut, r.input, r.message, r.property, r.split);
      expect(saved.note).toBeUndefined();
      expect(saved.property).toBe(property);
      expect(readEntry(saved.caseFile).property).toBe(property);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failure on the second split is written as two splits placing the same ranges', () => {
    // A one-page split (the shortcut splits one end: split-skips-end cannot show), then 17 pages
    // whose end the seeded bug leaves inside a contiguous PTE group.
    const [, onePage, seventeen] = scope.ops;
    if (onePage === undefined || seventeen === undefined) throw new Error('scope changed');
    const steps = [onePage, seventeen].map((op) => ({ kind: 'op' as const, op, cpu: 0 }));
    const sut = mutant('split-skips-end');
    const out = replayNode(scope, sut, { finalSchedule: [], steps, opsUsed: 2 });
    expect(out.kind).toBe('failed');
    if (out.kind !== 'failed') return;
    expect(out.property).toBe('split.boundaries-exact');
    const input: SplitInput | undefined = out.split;
    expect(input?.more).toHaveLength(1);
    if (input === undefined) return;
    const onPort = runSplit(input, createSut).map((o) => [o.start, o.end]);
    const inExplore = [...out.message.matchAll(/split_kernel_leaf_mapping\((0x[0-9a-f]+), (0x[0-9a-f]+)\)/g)].map(
      (m) => [BigInt(m[1] ?? ''), BigInt(m[2] ?? '')],
    );
    expect(onPort).toEqual(inExplore.slice(0, 2).reverse());
    const p = PROPERTIES.find((x) => x.id === 'split.boundaries-exact');
    if (p === undefined) throw new Error('no property');
    expect(runCase(p, input, sut).failed).toBe(true);
    expect(runCase(p, input, createSut).failed).toBe(false);
  });
});
