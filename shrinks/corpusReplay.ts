/**
 * Replays one saved case: the named property's check on the saved input against a SUT, compared
 * with what the entry expects. Nothing is shrunk and nothing is generated: the input is the
 * value in the file, so the same file gives the same run every time.
 *
 * Layer: shrinks.
 */
import type { SutFactory } from '../impl/index.ts';
import { createSut } from '../impl/index.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { JudgedRun } from '../properties/harness/judgedRun.ts';
import type { AnyProperty } from '../properties/registry.ts';
import { PropertyFailure } from '../properties/registry.ts';
import { decodeValue } from './encoding.ts';
import type { CorpusEntry } from './store.ts';
import { CorpusError } from './store.ts';

/** The outcome of one replay. */
export interface ReplayResult {
  /** The property failed on the input. */
  readonly failed: boolean;
  /** It did what the entry expects. */
  readonly asExpected: boolean;
  /** The failure's whole text ('' when it held). */
  readonly report: string;
  /** Its first line. */
  readonly message: string;
  /** The last judged run of the check (its trace is the case's primitive trace). */
  readonly run?: JudgedRun;
}

/**
 * The SUT an entry names, when it is one the suite has (`port`, `mutant:<id>`).
 * @param sut - the name
 * @param file - for the message
 * @returns its factory
 * @throws CorpusError for an unknown SUT
 */
export function corpusSut(sut: string, file: string): SutFactory {
  if (sut === 'port') return createSut;
  const m = sut.startsWith('mutant:') ? MUTANTS.find((x) => x.id === sut.slice('mutant:'.length)) : undefined;
  if (m === undefined)
    throw new CorpusError(
      `${file}: sut: ${JSON.stringify(sut)} is not port or a seeded bug of impl/mutants${sut.startsWith('module:') ? ' (give the module with --sut PATH)' : ''}`,
    );
  return m.createSut;
}

/**
 * The property an entry names.
 * @param entry - the entry
 * @param file - for the message
 * @returns the property
 * @throws CorpusError for an unknown property
 */
export function entryProperty(entry: CorpusEntry, file: string): AnyProperty {
  const p = PROPERTIES.find((x) => x.id === entry.property);
  if (p === undefined)
    throw new CorpusError(
      `${file}: property: unknown property ${JSON.stringify(entry.property)} (properties/README.md)`,
    );
  return p;
}

/**
 * Decodes an entry's input.
 * @param entry - the entry (its input already checked by its schema)
 * @param file - for the message
 * @returns the value
 * @throws CorpusError when it does not decode
 */
export function entryInput(entry: CorpusEntry, file: string): unknown {
  try {
    return decodeValue(entry.input);
  } catch (e) {
    throw new CorpusError(
      `${file}: input: does not decode: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`,
    );
  }
}

/**
 * Runs a property's check once on a value, keeping the last judged run it made.
 * @param p - the property
 * @param input - the decoded input
 * @param sut - the implementation
 * @returns whether it failed, the failure text and the run
 * @throws whatever the check throws that is not a failed claim (an error of the suite)
 */
export function runCase(
  p: AnyProperty,
  input: unknown,
  sut: SutFactory,
): { failed: boolean; report: string; run?: JudgedRun } {
  JudgedRun.latest = undefined;
  try {
    p.check(input as never, sut);
    return { failed: false, report: '', ...(JudgedRun.latest === undefined ? {} : { run: JudgedRun.latest }) };
  } catch (e) {
    if (!(e instanceof PropertyFailure)) throw e;
    return { failed: true, report: e.message, ...(JudgedRun.latest === undefined ? {} : { run: JudgedRun.latest }) };
  }
}

/**
 * Replays one entry.
 * @param entry - the entry
 * @param file - its file, for messages
 * @param sut - the implementation (default: the one the entry names)
 * @returns the result
 * @throws CorpusError when the entry names an unknown property or SUT, or its input does not decode
 */
export function replayEntry(entry: CorpusEntry, file: string, sut?: SutFactory): ReplayResult {
  const p = entryProperty(entry, file);
  const factory = sut ?? corpusSut(entry.sut, file);
  const input = entryInput(entry, file);
  try {
    const r = runCase(p, input, factory);
    return {
      ...r,
      message: r.report.split('\n')[0] ?? '',
      asExpected: r.failed === (entry.expect === 'fail'),
    };
  } catch (e) {
    // Anything but a failed claim is a broken harness or SUT, never "as recorded".
    const message = `harness error: ${(e instanceof Error ? e.message : String(e)).split('\n')[0] ?? ''}`;
    return { failed: true, asExpected: false, report: message, message };
  }
}
