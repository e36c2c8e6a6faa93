/**
 * The harness's bound on what one run records: a SUT that never returns from an operation but
 * keeps making trace events (a barrier, a TLBI or a walk in a loop) is stopped at a number of
 * events, as a livelock, before its trace fills the heap. Spins that make no event (`cpu_relax()`,
 * a lock's wait) are the drivers' to stop (impl/sched.ts `SPIN_LIMIT`, `DEFAULT_MAX_STEPS`).
 *
 * Layer: properties/harness.
 */
import type { TraceEvent } from '../../impl/testing/trace.ts';

/**
 * Trace events one run may make: about six times the most the bundled port makes in the largest
 * configuration the generators draw (a repaint of 1.2 GiB to 4K PTEs under stop_machine(), about
 * 305 000 events, `repaint.prealloc-suffices`). A SUT that loops making events (a barrier or a
 * walk in a loop that never ends) is stopped here, as a livelock, with a trace of bounded size,
 * long before the driver's step limit (impl/sched.ts), whose 20M events would not fit in memory.
 */
export const MAX_EVENTS = 2_000_000;

/** Thrown (inside the primitive, out of the SUT's operation) when a run makes more than its events. */
export class EventLimitExceeded extends Error {
  /**
   * @param limit - the events allowed
   * @param last - what the last events were, e.g. `its last 256 events: cpu1 dsb ×256`
   */
  constructor(
    readonly limit: number,
    readonly last: string,
  ) {
    super(`more than ${limit} trace events in one run (livelock?)`);
    this.name = 'EventLimitExceeded';
  }
}

/**
 * The last events of a run, per CPU and kind, for a report: `its last 256 events: cpu1 dsb ×256`.
 * @param events - the run's events
 * @returns one line
 */
export function lastEvents(events: readonly TraceEvent[]): string {
  const from = Math.max(0, events.length - 256);
  const byCpu = new Map<string, Map<string, number>>();
  for (let i = from; i < events.length; i++) {
    const e = events[i];
    if (e === undefined) continue;
    const who = 'cpu' in e ? `cpu${e.cpu}` : 'allocator';
    const ops = byCpu.get(who) ?? new Map<string, number>();
    ops.set(e.op, (ops.get(e.op) ?? 0) + 1);
    byCpu.set(who, ops);
  }
  const parts = [...byCpu.entries()].map(
    ([who, ops]) => `${who} ${[...ops.entries()].map(([op, n]) => `${op} ×${n}`).join(', ')}`,
  );
  return `its last ${events.length - from} events: ${parts.join('; ')}`;
}
