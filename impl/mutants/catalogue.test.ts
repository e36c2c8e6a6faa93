// Why this test? The kill matrix (properties/, `bbm-verify mutants`) trusts the catalogue's shape:
// stable unique ids, an expected killer that names a property, a factory that builds a SUT the
// harness can boot, and a source file that says why the bug is plausible and marks the lines
// that differ from the faithful port. A mutant that cannot even boot would be "killed" by a
// harness error and prove nothing about the properties.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootAll, fixture, makeConfig, oneBank } from '../testing/setup.ts';
import { leaves, maplets } from '../testing/walker.ts';
import { MUTANTS } from './catalogue.ts';

// The property ids of properties/catalogue.ts (impl/ never imports properties/).
const PROPERTY_IDS = new Set([
  'split.boundaries-exact',
  'split.blocks-kept',
  'split.translation-preserved',
  'split.hierarchical-pxn',
  'split.atomic-callers-lockless',
  'bbm.model-clean',
  'bbm.no-tlb-conflict-without-bbml2',
  'repaint.all-ptes',
  'repaint.prealloc-suffices',
  'perm.exact',
  'perm.valid-roundtrip',
  'errors.no-damage',
  'ops.answers-exact',
  'ops.in-force-on-return',
  'boot.linear-map-complete',
]);

const PAGE_OFFSET = 0xffff000000000000n;
const M = 1n << 20n;

describe('the mutant catalogue', () => {
  it('has at least 16 mutants with unique kebab ids, one line of description and a story', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(16);
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
    for (const m of MUTANTS) {
      expect(m.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(m.description.length).toBeGreaterThan(20);
      expect(m.description).not.toContain('\n');
      expect(m.story.length).toBeGreaterThan(40);
    }
  });

  it('names a property of the catalogue as each expected killer', () => {
    for (const m of MUTANTS) expect(PROPERTY_IDS, m.id).toContain(m.expectedKiller);
  });

  it('keeps each buggy copy in impl/mutants/<id>.ts, with a "Why this mutant?" and MUTANT: lines', () => {
    for (const m of MUTANTS) {
      const src = readFileSync(new URL(`./${m.id}.ts`, import.meta.url), 'utf8');
      expect(src, m.id).toContain('Why this mutant?');
      expect(src, m.id).toMatch(/\/\/ MUTANT: /);
      expect(src, m.id).toContain(`portWith('${m.id}'`);
    }
  });

  it.each(MUTANTS.map((m) => [m.id, m] as const))('%s builds a SUT that boots a small 4K machine', (id, m) => {
    const f = fixture(makeConfig('4K', { memblock: oneBank(256n * M) }), { factory: m.createSut });
    expect(f.ops.name).toBe(`mutant:${id}@v7.2-rc`);
    bootAll(f);
    const mapped = maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + (1n << 40n)));
    expect(mapped.reduce((n, x) => n + x.size, 0n)).toBe(256n * M);
    expect(f.m.records.filter((r) => r.kind === 'panic' || r.kind === 'bug')).toEqual([]);
  });
});
