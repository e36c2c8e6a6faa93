/**
 * Reference checker — the entry point: replays a `bbm-trace/1` trace on the naive abstract
 * machine of SEMANTICS.md and returns the first violation (code, event, site, detail), `clean`,
 * or bad input. After every event every running CPU refills everything it may hold (§2); every
 * rule is evaluated on the whole state. Tests only: `check-trace` never uses it.
 *
 * Layer: model/reference (tests only).
 */
import type { ModelEvent, TraceHeader } from '../events.ts';
import { ModelInputError } from '../machine/inputError.ts';
import { TraceFormatError, parseEvent, parseHeader } from '../trace/parse.ts';
import { applyIsb, applyTlbi, judgeDsb } from './barrierRules.ts';
import {
  applyPark,
  applyStop,
  judgeAlloc,
  judgeEnd,
  judgeFree,
  judgeOnline,
  judgeUnpark,
  judgeWalk,
} from './cpuRules.ts';
import { fillAll, initialRefState } from './state.ts';
import type { RefState, RefViolation } from './state.ts';
import { judgeWrite } from './writeRules.ts';

/** The reference verdict on a trace. */
export type ReferenceVerdict =
  | { readonly kind: 'clean'; readonly events: number }
  | { readonly kind: 'violation'; readonly violation: RefViolation }
  | { readonly kind: 'bad-input'; readonly line: number; readonly reason: string };

/**
 * Applies one event and judges it (SEMANTICS.md §5), then refills every running CPU.
 * @param st - the state
 * @param ev - the event
 * @param now - its 1-based index
 * @returns the violation, if any
 * @throws ModelInputError for an event the state makes meaningless
 */
export function stepReference(st: RefState, ev: ModelEvent, now: number): RefViolation | undefined {
  let v: RefViolation | undefined;
  st.fillMemo.clear();
  switch (ev.op) {
    case 'write':
      v = judgeWrite(st, ev, now);
      break;
    case 'dsb':
      v = judgeDsb(st, ev, now);
      break;
    case 'isb':
      applyIsb(st, ev, now);
      break;
    case 'tlbi':
      applyTlbi(st, ev, now);
      break;
    case 'park':
      applyPark(st, ev);
      break;
    case 'unpark':
      v = judgeUnpark(st, ev, now);
      break;
    case 'online':
      v = judgeOnline(st, ev, now);
      break;
    case 'stop':
    case 'resume':
      applyStop(st, ev);
      break;
    case 'alloc':
      v = judgeAlloc(st, ev, now);
      break;
    case 'free':
      v = judgeFree(st, ev, now);
      break;
    case 'walk':
      v = judgeWalk(st, ev, now);
      break;
  }
  fillAll(st, now);
  return v;
}

/**
 * Checks a parsed trace: the first violation, or clean; end-of-trace judgement as event N + 1.
 * @param header - the header
 * @param events - the events in order
 * @returns the verdict (bad input reported with the event's index + 1 as its line)
 */
export function checkReferenceEvents(header: TraceHeader, events: readonly ModelEvent[]): ReferenceVerdict {
  let st: RefState;
  try {
    st = initialRefState(header);
  } catch (e) {
    if (e instanceof ModelInputError) return { kind: 'bad-input', line: 1, reason: e.message };
    throw e;
  }
  for (let i = 0; i < events.length; i++) {
    try {
      const v = stepReference(st, events[i] as ModelEvent, i + 1);
      if (v !== undefined) return { kind: 'violation', violation: v };
    } catch (e) {
      if (e instanceof ModelInputError) return { kind: 'bad-input', line: i + 2, reason: e.message };
      throw e;
    }
  }
  const end = judgeEnd(st, events.length + 1);
  return end !== undefined ? { kind: 'violation', violation: end } : { kind: 'clean', events: events.length };
}

/**
 * Checks a trace given as lines (header first; blank lines skipped but counted, a byte-order
 * mark on line 1 ignored), exactly as `check-trace` reads it.
 * @param lines - the lines
 * @returns the verdict
 */
export function checkReference(lines: Iterable<string>): ReferenceVerdict {
  let lineNo = 0;
  let st: RefState | undefined;
  let events = 0;
  try {
    for (const raw of lines) {
      lineNo++;
      const line = (lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
      if (line === '') continue;
      if (st === undefined) {
        st = initialRefState(parseHeader(line));
        continue;
      }
      const ev = parseEvent(line);
      events++;
      const v = stepReference(st, ev, events);
      if (v !== undefined) return { kind: 'violation', violation: v };
    }
  } catch (e) {
    if (e instanceof TraceFormatError || e instanceof ModelInputError)
      return { kind: 'bad-input', line: lineNo, reason: e.message };
    throw e;
  }
  if (st === undefined) return { kind: 'bad-input', line: Math.max(lineNo, 1), reason: 'empty trace: no header line' };
  const end = judgeEnd(st, events + 1);
  return end !== undefined ? { kind: 'violation', violation: end } : { kind: 'clean', events };
}
