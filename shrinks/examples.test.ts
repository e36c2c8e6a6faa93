// Corpus values as fast-check examples of a live property (verifyProperty, what `verify` runs):
// they run first and are counted apart from the generated inputs; a failing one is named by its
// index (no seed and path can name it); a generated failure's path is the one a replay without
// the examples walks; an example outside the narrowing is left out; and every saved value, run
// again, encodes back to what its schema takes (a saved command sequence stays `$commands`).
import { describe, expect, it } from 'vitest';
import { createSut } from '../impl/index.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { verifyProperty } from '../properties/verify.ts';
import { runCase } from './corpusReplay.ts';
import { CommandList } from '../properties/commands/commandList.ts';
import { decodeValue, encodeValue } from './encoding.ts';
import { corpusCases } from './examples.ts';
import { INPUT_SCHEMAS } from './inputSchemas.ts';
import { CORPUS_DIR, loadCorpus } from './store.ts';

const SEED = 20261125;
const PROPERTY = 'split.boundaries-exact';
const p = PROPERTIES.find((x) => x.id === PROPERTY);
const bug = MUTANTS.find((m) => m.id === 'split-skips-end');
if (p === undefined || bug === undefined)
  throw new Error('the catalogue lost split.boundaries-exact or split-skips-end');
const cases = corpusCases(PROPERTY);
const own = cases.find((c) => c.file.endsWith('split-skips-end.json'));
if (own === undefined) throw new Error('no corpus entry for split-skips-end');

describe('corpus values as examples of a live property', () => {
  it('names each value by its file', () => {
    expect(cases.length).toBeGreaterThanOrEqual(2);
    for (const c of cases) expect(c.file.startsWith(`${CORPUS_DIR}/${PROPERTY}/`)).toBe(true);
  });

  it('counts them apart from the generated inputs', () => {
    const r = verifyProperty(p, createSut, { seed: SEED, runs: 4, examples: cases.map((c) => c.value) });
    expect(r).toMatchObject({ status: 'pass', runs: 4, examples: cases.length });
  });

  it('names a failing value by its index, with no path', () => {
    const others = cases.filter((c) => c !== own).map((c) => c.value);
    const held = others.filter((v) => !runCase(p, v, bug.createSut).failed);
    const r = verifyProperty(p, bug.createSut, { seed: SEED, runs: 4, examples: [...held, own.value] });
    expect(r).toMatchObject({ status: 'fail', runs: 0, examples: held.length + 1, example: held.length });
    expect(r.path).toBeUndefined();
    expect(encodeValue(r.counterexample)).toEqual(encodeValue(own.value));
  });

  it('reports a generated failure at the path a replay without the examples walks', () => {
    const held = cases.map((c) => c.value).filter((v) => !runCase(p, v, bug.createSut).failed);
    expect(held.length).toBeGreaterThan(0);
    const r = verifyProperty(p, bug.createSut, { seed: SEED, runs: 200, examples: held });
    expect(r.status).toBe('fail');
    expect(r.example).toBeUndefined();
    const again = verifyProperty(p, bug.createSut, { seed: SEED, path: r.path ?? '' });
    expect(again.status).toBe('fail');
    expect(again.failure?.split('\n')[0]).toBe(r.failure?.split('\n')[0]);
    expect(encodeValue(again.counterexample)).toEqual(encodeValue(r.counterexample));
  });

  it('leaves out a value outside the narrowing (it would skip the property)', () => {
    // In-process the generators are not narrowed (BBM_GRANULES is read at import): only the
    // examples are looked at here.
    const ran: number[] = [];
    const narrowing = { granules: ['16K' as const] };
    const r = verifyProperty(p, bug.createSut, {
      seed: SEED,
      runs: 1,
      examples: [own.value, cases[0]?.value],
      narrowing,
      onRun: (_n, _s, _p, example) => example !== undefined && ran.push(example),
    });
    expect(ran).toEqual([]);
    expect(r.examples).toBeUndefined();
  });
});

describe('saved values encode back to what their schema takes', () => {
  it.each(loadCorpus(CORPUS_DIR).map((e) => [e.id, e] as const))('%s', (_id, { entry }) => {
    const value = decodeValue(entry.input);
    expect(encodeValue(value)).toEqual(entry.input);
    expect(INPUT_SCHEMAS[entry.property]?.safeParse(encodeValue(value)).success).toBe(true);
    const steps = (value as { steps?: unknown }).steps;
    if (steps !== undefined && !Array.isArray(steps)) expect(steps).toBeInstanceOf(CommandList);
  });
});
