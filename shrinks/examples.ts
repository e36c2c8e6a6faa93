/**
 * The corpus as fast-check `examples`: every saved value of a property is tried first, before the
 * generated inputs, by the vitest property tests and by `bbm-verify verify` — so a case that once
 * failed is re-checked on every run whatever the generators have become, and, failing again, is
 * shrunk further from the value itself (fast-check's `canShrinkWithoutContext`, shrinks/README.md).
 *
 * Layer: shrinks.
 */
import { entryInput } from './corpusReplay.ts';
import { CORPUS_DIR, loadCorpus } from './store.ts';

/** A saved value and the file it came from. */
export interface SavedExample {
  readonly file: string;
  readonly value: unknown;
}

const cache = new Map<string, Map<string, SavedExample[]>>();

/**
 * The decoded corpus values of one property, with their files.
 * @param propertyId - the property
 * @param dir - the corpus folder
 * @returns the values, in file order (none for a property without entries)
 * @throws CorpusError when a corpus file is corrupt
 */
export function corpusCases(propertyId: string, dir: string = CORPUS_DIR): readonly SavedExample[] {
  let byProperty = cache.get(dir);
  if (byProperty === undefined) {
    byProperty = new Map();
    for (const { file, entry } of loadCorpus(dir)) {
      const list = byProperty.get(entry.property) ?? [];
      list.push({ file, value: entryInput(entry, file) });
      byProperty.set(entry.property, list);
    }
    cache.set(dir, byProperty);
  }
  return byProperty.get(propertyId) ?? [];
}

/**
 * The decoded corpus values of one property.
 * @param propertyId - the property
 * @param dir - the corpus folder
 * @returns the values, in file order (none for a property without entries)
 * @throws CorpusError when a corpus file is corrupt
 */
export function corpusExamples(propertyId: string, dir: string = CORPUS_DIR): unknown[] {
  return corpusCases(propertyId, dir).map((c) => c.value);
}
