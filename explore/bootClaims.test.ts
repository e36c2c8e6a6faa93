/**
 * The boot claims the explorer checks (explore/bootChecks.ts) by the properties' own check
 * functions: `boot.linear-map-complete` after map_mem() (`boot-nomap`, a NOMAP page in the
 * layout) and `repaint.prealloc-suffices` after the finalisation (`prealloc`, `prealloc-pud`).
 * Each seeded bug of those claims is found and saved as a case of that property, which fails
 * again when replayed; the port passes the same bounded scopes. About 6 s (the CI bounds:
 * `boot-nomap` without operations, `prealloc` without preemptions; `prealloc-pud` on the port,
 * a 1 GiB repaint, only with BBM_EXPLORE_FULL=1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SutFactory } from '../impl/index.ts';
import { createSut } from '../impl/index.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { runCase } from '../shrinks/corpusReplay.ts';
import { decodeValue } from '../shrinks/encoding.ts';
import { readEntry } from '../shrinks/store.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { saveCounterexample } from './counterexample.ts';
import { namedScope } from './namedScopes.ts';
import type { Scope } from './scope.ts';
import { initialSearch, search } from './search.ts';
import { replayNode } from './world.ts';

const full = process.env['BBM_EXPLORE_FULL'] === '1';

const scopeNamed = (name: string, bounds: Partial<Scope> = {}): Scope => {
  const s = namedScope(name);
  if (s === undefined) throw new Error(`no scope ${name}`);
  return full ? s : { ...s, ...bounds };
};

const explore = (s: Scope, sut: SutFactory) =>
  search(s, initialSearch(s), (nodes) => Promise.resolve(nodes.map((n) => replayNode(s, sut, n))));

const CI: Record<string, Partial<Scope>> = {
  'boot-nomap': { maxOps: 0 },
  prealloc: { maxPreemptions: 0 },
  'prealloc-pud': {},
};

describe('explore: the boot claims', () => {
  test.each(['boot-nomap', 'prealloc', ...(full ? ['prealloc-pud'] : [])])('the port exhausts %s', async (name) => {
    const r = await explore(scopeNamed(name, CI[name]), createSut);
    expect(r.kind).toBe('exhausted');
  });

  test.each([
    ['map-mem-maps-nomap', 'boot-nomap', 'boot.linear-map-complete', /is mapped but is not RAM the kernel maps/],
    [
      'prealloc-gfp-atomic-in-stop',
      'prealloc',
      'repaint.prealloc-suffices',
      /a table page was allocated inside stop_machine\(\)/,
    ],
    [
      'prealloc-forgets-pud-pmd-tables',
      'prealloc-pud',
      'repaint.prealloc-suffices',
      /panic: Failed to split linear map/,
    ],
  ] as const)('%s is found in %s and saved as a %s case that fails again', async (id, name, property, why) => {
    const m = MUTANTS.find((x) => x.id === id);
    if (m === undefined) throw new Error(`no mutant ${id}`);
    const r = await explore(scopeNamed(name, CI[name]), m.createSut);
    expect(r.kind).toBe('failed');
    if (r.kind !== 'failed') return;
    expect(r.property).toBe(property);
    expect(r.input.steps).toHaveLength(0);
    const dir = mkdtempSync(join(tmpdir(), 'explore-boot-'));
    try {
      const saved = saveCounterexample(dir, `mutant:${id}`, m.createSut, r.input, r.message, r.property, r.split);
      expect(saved.note).toBeUndefined();
      expect(saved.property).toBe(property);
      expect(saved.report).toMatch(why);
      // The file holds the property's own input (the configuration), and the port passes it.
      const entry = readEntry(saved.caseFile);
      expect(entry.property).toBe(property);
      const p = PROPERTIES.find((x) => x.id === property);
      if (p === undefined) throw new Error(`no property ${property}`);
      const input = decodeValue(entry.input);
      expect(runCase(p, input, m.createSut).failed).toBe(true);
      if (name !== 'prealloc-pud' || full) expect(runCase(p, input, createSut).failed).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
