/**
 * Replays a `bbm-trace/1` trace, line by line, on the model: the first violation, `ok` with the
 * event count, or the first bad line. Streams: memory does not grow with the length of the trace.
 *
 * Layer: model/trace.
 */
import type { Violation } from '../bbm/violations.ts';
import { ModelInputError, finish, initialState, step } from '../step.ts';
import type { MachineState } from '../step.ts';
import type { ModelOptions } from '../options.ts';
import { TraceFormatError, parseEvent, parseHeader } from './parse.ts';

/** The outcome of checking a trace. */
export type TraceVerdict =
  | { readonly kind: 'ok'; readonly events: number; readonly state: MachineState }
  | { readonly kind: 'violation'; readonly violation: Violation; readonly line: number; readonly state: MachineState }
  | { readonly kind: 'bad-input'; readonly line: number; readonly reason: string };

/**
 * Checks a trace given as a (sync or async) sequence of lines.
 * @param lines - the trace's lines, header first
 * @param options - model options
 * @returns the verdict
 */
export async function checkTraceLines(
  lines: AsyncIterable<string> | Iterable<string>,
  options: Partial<ModelOptions> = {},
): Promise<TraceVerdict> {
  let lineNo = 0;
  let state: MachineState | undefined;
  let events = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      // A byte-order mark on the first line is not part of the JSON.
      const line = (lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
      if (line === '') continue;
      if (state === undefined) {
        const header = parseHeader(line);
        state = initialState({
          granule: header.granule,
          root: header.root,
          preemptRt: header.preempt_rt,
          cpus: header.cpus,
          options,
        });
        continue;
      }
      const event = parseEvent(line);
      events++;
      const v = step(state, event);
      if (v !== undefined) return { kind: 'violation', violation: v, line: lineNo, state };
    }
  } catch (e) {
    if (e instanceof TraceFormatError || e instanceof ModelInputError)
      return { kind: 'bad-input', line: lineNo, reason: e.message };
    throw e;
  }
  if (state === undefined)
    return { kind: 'bad-input', line: Math.max(lineNo, 1), reason: 'empty trace: no header line' };
  const atEnd = finish(state);
  if (atEnd !== undefined) return { kind: 'violation', violation: atEnd, line: lineNo, state };
  return { kind: 'ok', events, state };
}
