// The corpus of saved counterexamples (values, not seeds), replayed first-class in CI: every entry
// must still fail (or hold) as recorded on its SUT. That every input that kills a seeded bug holds
// on the bundled port — so it discriminates the bug, whatever the generators become — is checked
// by the property tests themselves, which run every corpus value first (shrinks/examples.ts).
import { describe, expect, it } from 'vitest';
import { replayEntry } from './corpusReplay.ts';
import { CORPUS_DIR, loadCorpus } from './store.ts';

const entries = loadCorpus(CORPUS_DIR);

describe('corpus replay', () => {
  it('holds a killing input for every seeded bug', () => {
    expect(entries.filter((e) => e.entry.sut.startsWith('mutant:')).length).toBeGreaterThanOrEqual(15);
  });
  it.each(entries.map((e) => [e.id, e] as const))('%s', (_id, { file, entry }) => {
    const r = replayEntry(entry, file);
    expect(r.message.startsWith('harness error') ? r.message : r.asExpected, `${entry.property} on ${entry.sut}`).toBe(
      true,
    );
  });
});
