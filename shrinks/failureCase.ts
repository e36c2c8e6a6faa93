/**
 * What a failure leaves behind, whatever property failed and however: the failing value saved as
 * a case (`<dir>/<property>.case.json`, the corpus format, so `bbm-verify replay FILE` re-runs it
 * and `corpus add FILE` keeps it). The value is replayed once by itself, from its encoded form —
 * exactly what a later `replay` does — so the saved file is known to reproduce the failure, or the
 * report says it does not. The primitive trace of the failing run beside it
 * (`<dir>/<property>.jsonl`) is written by the harness alone (properties/harness/failureContext.ts).
 *
 * Layer: shrinks.
 */
import { join } from 'node:path';
import type { SutFactory } from '../impl/index.ts';
import { ARM_ARM_ISSUE, KERNEL_VERSION } from '../model/spec-version.ts';
import type { AnyProperty } from '../properties/registry.ts';
import { runCase } from './corpusReplay.ts';
import { decodeValue, encodeValue } from './encoding.ts';
import type { CorpusEntry } from './store.ts';
import { CORPUS_SCHEMA, checkEntry, entryText, writeAtomic } from './store.ts';

/** The failure to save. */
export interface Failure {
  readonly property: AnyProperty;
  /** `port`, `mutant:<id>` or `module:<path>`. */
  readonly sutName: string;
  readonly sut: SutFactory;
  readonly seed: number;
  readonly path: string;
  /** The shrunk input as fast-check reported it. */
  readonly counterexample: unknown;
  /** The failure's text as reported. */
  readonly failure: string;
}

/** What was saved. */
export interface SavedCase {
  readonly caseFile: string;
  /** Set when the saved value, replayed alone, does not fail the same way. */
  readonly note?: string;
  /** The entry saved. */
  readonly entry: CorpusEntry;
}

/**
 * A failure as a corpus entry (`expect: fail`, named after its property).
 * @param f - the failure
 * @returns the entry
 */
export function failureEntry(f: Failure): CorpusEntry {
  return {
    schema: CORPUS_SCHEMA,
    name: f.property.id,
    property: f.property.id,
    sut: f.sutName,
    expect: 'fail',
    input: encodeValue(f.counterexample),
    found: { seed: f.seed, path: f.path, date: new Date().toISOString().slice(0, 10) },
    specVersion: ARM_ARM_ISSUE,
    kernelVersion: KERNEL_VERSION,
    summary: f.failure.split('\n')[0] ?? '',
  };
}

/**
 * Replays a failure's saved value once by itself, from its encoded form — what `bbm-verify
 * replay` and `corpus check` do later.
 * @param f - the failure
 * @param entry - its entry
 * @returns undefined when it fails the same way, else why not
 */
export function replayNote(f: Failure, entry: CorpusEntry): string | undefined {
  try {
    const r = runCase(f.property, decodeValue(entry.input), f.sut);
    if (!r.failed) return 'the saved value holds when replayed by itself: the failure depends on more than the value';
    if ((r.report.split('\n')[0] ?? '') !== entry.summary)
      return `the saved value, replayed by itself, fails differently: ${r.report.split('\n')[0] ?? ''}`;
    return undefined;
  } catch (e) {
    return `the saved value, replayed by itself, throws: ${(e instanceof Error ? e.message : String(e)).split('\n')[0] ?? ''}`;
  }
}

/**
 * Saves a failure's case, then replays it by itself.
 * @param dir - the folder (`reports/out/<sut>/…`)
 * @param f - the failure
 * @returns the file, the entry and, when the value does not reproduce the failure by itself, why
 */
export function saveFailureCase(dir: string, f: Failure): SavedCase {
  const entry = failureEntry(f);
  const caseFile = join(dir, `${f.property.id}.case.json`);
  checkEntry(JSON.parse(entryText(entry)), caseFile);
  writeAtomic(caseFile, entryText(entry));
  const note = replayNote(f, entry);
  return { caseFile, entry, ...(note === undefined ? {} : { note }) };
}
