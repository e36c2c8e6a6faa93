/**
 * The failing step of a run, as the model sees it: the trace replayed on fresh model states up to
 * the start of the operation that failed (`before`) and up to and including the failing event
 * (`after`), the table entries that operation touched until then, and each entry's value and
 * break-before-make state in both. Everything a report draws comes from here, so the text and the
 * HTML report can never disagree.
 *
 * The failing event is the model's verdict event; for a failed claim (no verdict) it is the last
 * event of the run, and the failing operation the last one that issued events.
 *
 * Layer: reports (model types, model step).
 */
import type { LocationView } from '../model/bbm/automaton.ts';
import { locationState } from '../model/bbm/automaton.ts';
import type { ModelEvent } from '../model/events.ts';
import type { MachineState } from '../model/step.ts';
import { initialState, step } from '../model/step.ts';
import { VA_TOP } from './descriptorText.ts';
import { eventText } from './eventText.ts';
import type { ReportInput } from './input.ts';

/** One 64-bit entry as the model holds it, with its table's level and the VA it translates. */
export interface EntryValue {
  readonly lo: number;
  readonly hi: number;
  readonly level: number;
  /** VA[47:0] of the first byte it translates, when its table is linked. */
  readonly va?: number;
}

/** A table entry the failing operation touched. */
export interface TouchedEntry {
  readonly pa: number;
  /** Its value when the operation began (absent: the page was not a table page then). */
  readonly before?: EntryValue;
  /** Its value just after the failing event (absent: the page is no longer a table page). */
  readonly after?: EntryValue;
  /** The Casemate automaton state of the location in both states. */
  readonly stateBefore?: LocationView;
  readonly stateAfter?: LocationView;
  /** The entry the verdict names (or the one the failing event stored to). */
  readonly failing: boolean;
}

/** The analysis of a failure. */
export interface FailureAnalysis {
  readonly input: ReportInput;
  /** 1-based index of the failing event (0 when the run issued none). */
  readonly failingEvent: number;
  /** The verdict is the end-of-trace judgement (`failingEvent` is then past the last event). */
  readonly atEnd: boolean;
  /** Index in `input.operations` of the failing operation (-1 when none). */
  readonly opIndex: number;
  /** The model when the failing operation began, and just after the failing event. */
  readonly before: MachineState;
  readonly after: MachineState;
  readonly touched: readonly TouchedEntry[];
  /** VA[47:0] the pictures are centred on, when the failure has one. */
  readonly focusVa?: number;
  /** The failing operation's events up to the failing one, as lines (0-based index → text). */
  readonly eventLines: ReadonlyMap<number, string>;
  /** Why the trace could not be replayed, when it could not (the report then draws no state). */
  readonly error?: string;
}

/**
 * The value of the entry at `pa` in a state.
 * @param state - the model
 * @param pa - the entry's PA
 * @returns its value, or undefined when no table page holds it
 */
export function entryAt(state: MachineState, pa: number): EntryValue | undefined {
  const page = state.mem.pageOf(pa);
  if (page === undefined) return undefined;
  const index = (pa - page.pa) / 8;
  const span = state.geo.entrySpan[page.level] ?? 0;
  const va = page.reachable && !Number.isNaN(page.vaBase) ? page.vaBase + index * span : undefined;
  return { lo: page.lo[index] ?? 0, hi: page.hi[index] ?? 0, level: page.level, ...(va === undefined ? {} : { va }) };
}

function freshState(input: ReportInput): MachineState {
  const h = input.header;
  return initialState({ granule: h.granule, root: h.root, preemptRt: h.preempt_rt, cpus: h.cpus });
}

/**
 * Replays events `[from, to)` on a state.
 * @param state - the model (mutated)
 * @param events - the trace's events
 * @param from - first index (0-based)
 * @param to - end index
 * @param each - called before each event with its 0-based index and the state
 */
export function replay(
  state: MachineState,
  events: readonly ModelEvent[],
  from: number,
  to: number,
  each?: (i: number, e: ModelEvent, s: MachineState) => void,
): void {
  for (let i = from; i < to; i++) {
    const e = events[i];
    if (e === undefined) continue;
    each?.(i, e, state);
    step(state, e);
  }
}

/**
 * Analyses a failure.
 * @param input - the report input
 * @returns the failing step
 */
export function analyseFailure(input: ReportInput): FailureAnalysis {
  const n = input.events.length;
  const v = input.violation;
  const atEnd = v?.atEnd === true;
  const failingEvent = v === undefined ? n : Math.min(v.event, n + (atEnd ? 1 : 0));
  const last = Math.min(failingEvent, n);
  let opIndex = input.operations.findIndex((o) => o.from < last && last <= o.to);
  if (opIndex < 0 && atEnd) opIndex = input.operations.length - 1;
  const op = input.operations[opIndex];
  const opFrom = op === undefined ? Math.max(0, last - 1) : op.from;
  const before = freshState(input);
  const after = freshState(input);
  try {
    replay(before, input.events, 0, opFrom);
    const written: number[] = [];
    const eventLines = new Map<number, string>();
    replay(after, input.events, 0, last, (i, e, s) => {
      if (i < opFrom) return;
      if (e.op === 'write') written.push(Number(e.pa));
      eventLines.set(i, eventText(s, e));
    });
    // The verdict's entry; for a failed claim, the last entry the failing operation stored to.
    const failingPa = v?.pa !== undefined ? Number(v.pa) : v === undefined ? written[written.length - 1] : undefined;
    const pas = [...new Set([...written, ...(failingPa === undefined ? [] : [failingPa])])]
      .filter((pa) => before.mem.pageOf(pa) !== undefined || after.mem.pageOf(pa) !== undefined)
      .sort((a, b) => a - b);
    const touched: TouchedEntry[] = pas.map((pa) => {
      const b = entryAt(before, pa);
      const a = entryAt(after, pa);
      const sb = b === undefined ? undefined : locationState(before, BigInt(pa));
      const sa = a === undefined ? undefined : locationState(after, BigInt(pa));
      return {
        pa,
        ...(b === undefined ? {} : { before: b }),
        ...(a === undefined ? {} : { after: a }),
        ...(sb === undefined ? {} : { stateBefore: sb }),
        ...(sa === undefined ? {} : { stateAfter: sa }),
        failing: pa === failingPa,
      };
    });
    const focus =
      v?.va !== undefined
        ? Number(v.va - VA_TOP)
        : (touched.find((t) => t.failing)?.after?.va ??
          touched.find((t) => t.failing)?.before?.va ??
          touched.find((t) => t.after?.va !== undefined)?.after?.va);
    return {
      input,
      failingEvent,
      atEnd,
      opIndex,
      before,
      after,
      touched,
      eventLines,
      ...(focus === undefined ? {} : { focusVa: focus }),
    };
  } catch (e) {
    return {
      input,
      failingEvent,
      atEnd,
      opIndex,
      before: freshState(input),
      after: freshState(input),
      touched: [],
      eventLines: new Map(),
      error: e instanceof Error ? e.message : String(e),
    };
  }
}
