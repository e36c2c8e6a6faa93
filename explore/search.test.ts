/**
 * The search on the `tiny` scope: a seeded bug is found, with the shortest counterexample, and
 * saved as a case that fails again when replayed; the port exhausts the scope clean. The CI run
 * bounds tiny to its split and no preemption (a few seconds); `BBM_EXPLORE_FULL=1` runs the scope as named.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createSut } from '../impl/index.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { readEntry } from '../shrinks/store.ts';
import { saveCounterexample } from './counterexample.ts';
import { namedScope } from './namedScopes.ts';
import type { Scope } from './scope.ts';
import { initialSearch, search } from './search.ts';
import type { ExploreNode } from './world.ts';
import { replayNode } from './world.ts';
import type { SutFactory } from '../impl/index.ts';

const tiny = namedScope('tiny');
if (tiny === undefined) throw new Error('no tiny scope');
const full = process.env['BBM_EXPLORE_FULL'] === '1';
// CI: the split alone, no preemption (two splits, alone or interleaved at the lock) — ~2 s.
const scope: Scope = full ? tiny : { ...tiny, maxPreemptions: 0, ops: tiny.ops.slice(0, 1) };

const explore = (s: Scope, sut: SutFactory) =>
  search(s, initialSearch(s), (nodes) => Promise.resolve(nodes.map((n) => replayNode(s, sut, n))));

describe('explore tiny', () => {
  test('the port exhausts the scope: every state checked, none failing', async () => {
    const r = await explore(scope, createSut);
    expect(r.kind).toBe('exhausted');
    // At least the booted machine, one split, two splits and the pair.
    expect(r.stats.distinct).toBeGreaterThanOrEqual(4);
    expect(r.stats.generated).toBeGreaterThanOrEqual(r.stats.distinct);
    expect(r.stats.queue).toBe(0);
  });

  test('split-pmd-no-dsb is found after one operation, and the saved case fails again', async () => {
    const m = MUTANTS.find((x) => x.id === 'split-pmd-no-dsb');
    if (m === undefined) throw new Error('no such mutant');
    const r = await explore(scope, m.createSut);
    expect(r.kind).toBe('failed');
    if (r.kind !== 'failed') return;
    expect(r.depth).toBe(1);
    expect(r.input.steps).toHaveLength(1);
    expect(r.message).toMatch(/published|visible|dsb|DSB/i);
    const dir = mkdtempSync(join(tmpdir(), 'explore-'));
    try {
      const saved = saveCounterexample(dir, `mutant:${m.id}`, m.createSut, r.input, r.message);
      expect(saved.note).toBeUndefined();
      const entry = readEntry(saved.caseFile);
      expect(entry.property).toBe('ops.answers-exact');
      expect(entry.sut).toBe('mutant:split-pmd-no-dsb');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('explore: the driver and the saved schedules', () => {
  test('an interleaving completed by the driver replays to the same state through the harness (runInterleaved)', () => {
    const [a, b] = tiny.ops;
    if (a === undefined || b === undefined) throw new Error('tiny has two operations');
    // Two policies: alternate the CPUs at every macro step; the second CPU first, then the other.
    for (const pick of [
      (i: number, r: readonly number[]) => r[i % r.length],
      (_i: number, r: readonly number[]) => r[r.length - 1],
    ]) {
      let node: ExploreNode = { finalSchedule: [], steps: [], opsUsed: 2, pair: { a, b, macro: [] } };
      let out = replayNode(tiny, createSut, node);
      for (let i = 0; out.kind === 'suspended' && i < 300; i++) {
        const cpu = pick(i, out.runnable) ?? 0;
        node = { ...node, pair: { a, b, macro: [...(node.pair?.macro ?? []), cpu] } };
        out = replayNode(tiny, createSut, node);
      }
      expect(out.kind).toBe('quiescent');
      if (out.kind !== 'quiescent') return;
      const last = out.node.steps[out.node.steps.length - 1];
      expect(last?.kind === 'pair' && last.schedule.length > 1).toBe(true);
      // The saved bursts, replayed through runStep → JudgedRun.interleave → runInterleaved.
      const again = replayNode(tiny, createSut, out.node);
      expect(again.kind).toBe('quiescent');
      if (again.kind === 'quiescent') expect(again.key).toBe(out.key);
    }
  });

  test('repaint-no-wait is found in repaint-2cpu and saved as a bbm case that fails again', async () => {
    const s = namedScope('repaint-2cpu');
    const m = MUTANTS.find((x) => x.id === 'repaint-no-wait');
    if (s === undefined || m === undefined) throw new Error('missing scope or mutant');
    const r = await explore({ ...s, maxOps: 0, maxPreemptions: 0 }, m.createSut);
    expect(r.kind).toBe('failed');
    if (r.kind !== 'failed') return;
    expect(r.property).toBe('boot');
    const dir = mkdtempSync(join(tmpdir(), 'explore-'));
    try {
      const saved = saveCounterexample(dir, `mutant:${m.id}`, m.createSut, r.input, r.message, r.property);
      expect(saved.note).toBeUndefined();
      expect(saved.property).toBe('bbm.no-tlb-conflict-without-bbml2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
