/**
 * Replays corpus entries: the named property's check on the saved input against the named SUT,
 * compared with the entry's expectation.
 *
 * Layer: properties.
 */
import type { SutFactory } from '../impl/index.ts';
import { createSut } from '../impl/index.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from './catalogue.ts';
import type { CorpusEntry } from './corpus.ts';
import { CorpusError, decodeValue } from './corpus.ts';
import { PropertyFailure } from './registry.ts';

/** The outcome of one replay. */
export interface ReplayResult {
  /** The property failed on the input. */
  readonly failed: boolean;
  /** It did what the entry expects. */
  readonly asExpected: boolean;
  /** The failure's first line, when it failed. */
  readonly message: string;
}

/**
 * The SUT an entry names.
 * @param sut - `port` or `mutant:<id>`
 * @param file - for the message
 * @returns its factory
 * @throws CorpusError for an unknown SUT
 */
export function corpusSut(sut: string, file: string): SutFactory {
  if (sut === 'port') return createSut;
  const m = sut.startsWith('mutant:') ? MUTANTS.find((x) => x.id === sut.slice('mutant:'.length)) : undefined;
  if (m === undefined) throw new CorpusError(`${file}: unknown sut ${JSON.stringify(sut)} (port or mutant:<id>)`);
  return m.createSut;
}

/**
 * Replays one entry.
 * @param entry - the entry
 * @param file - its file, for messages
 * @returns the result
 * @throws CorpusError when the entry names an unknown property or SUT
 */
export function replayEntry(entry: CorpusEntry, file: string): ReplayResult {
  const p = PROPERTIES.find((x) => x.id === entry.property);
  if (p === undefined) throw new CorpusError(`${file}: unknown property ${JSON.stringify(entry.property)}`);
  const sut = corpusSut(entry.sut, file);
  try {
    p.check(decodeValue(entry.input) as never, sut);
    return { failed: false, asExpected: entry.expect === 'pass', message: '' };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    // Only a failed claim counts; anything else is a broken harness or entry, never "as recorded".
    if (!(e instanceof PropertyFailure))
      return { failed: true, asExpected: false, message: `harness error: ${message}` };
    return { failed: true, asExpected: entry.expect === 'fail', message };
  }
}
