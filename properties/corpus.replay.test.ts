// The corpus of saved counterexamples (values, not seeds), replayed first-class in CI: every entry
// must still fail (or hold) as recorded on its SUT, and every input that kills a seeded bug must
// hold on the bundled port — so it discriminates the bug, whatever the generators become.
import { describe, expect, it } from 'vitest';
import { createSut } from '../impl/index.ts';
import { PROPERTIES } from './catalogue.ts';
import { CORPUS_DIR, decodeValue, loadCorpus } from './corpus.ts';
import { replayEntry } from './corpusReplay.ts';

const entries = loadCorpus(CORPUS_DIR);

describe('corpus replay', () => {
  it('holds a killing input for every seeded bug', () => {
    expect(entries.filter((e) => e.entry.sut.startsWith('mutant:')).length).toBeGreaterThanOrEqual(15);
  });
  it.each(entries.map((e) => [e.file, e] as const))('%s', (file, { entry }) => {
    const r = replayEntry(entry, file);
    expect(r.message.startsWith('harness error') ? r.message : r.asExpected, `${entry.property} on ${entry.sut}`).toBe(
      true,
    );
    if (entry.sut.startsWith('mutant:') && entry.expect === 'fail') {
      const p = PROPERTIES.find((x) => x.id === entry.property);
      expect(() => p?.check(decodeValue(entry.input) as never, createSut)).not.toThrow();
    }
  });
});
