/**
 * Writes a workload as a `bbm-trace/1` file: the header, then at least `n` events, cut at the
 * first point where nothing is left half done (after a `DSB ISH`, no CPU parked), so that the
 * trace is clean to its end. Written in 1 MiB chunks; the workload is never held in memory.
 *
 * Layer: bench.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { eventLine } from '../model/testing/traceBuilder.ts';
import type { Workload } from './workloads.ts';
import { ROOT } from './workloads.ts';

/**
 * The header line of a workload's trace.
 * @param w - the workload
 * @returns the JSON line
 */
export function headerLine(w: Workload): string {
  return JSON.stringify({
    format: 'bbm-trace/1',
    granule: '4K',
    va_bits: 48,
    root: `0x${ROOT.toString(16)}`,
    preempt_rt: false,
    cpus: w.cpus,
  });
}

/**
 * Writes the trace.
 * @param w - the workload
 * @param n - the least number of events
 * @param file - where
 * @returns the number of events written
 */
export function writeTrace(w: Workload, n: number, file: string): number {
  const fd = openSync(file, 'w');
  try {
    let buf = `${headerLine(w)}\n`;
    let count = 0;
    let parked = 0;
    const events = w.events();
    for (;;) {
      const e = events.next().value;
      buf += `${eventLine(e)}\n`;
      count++;
      if (e.op === 'park') parked++;
      else if (e.op === 'unpark') parked--;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
      if (count >= n && parked === 0 && e.op === 'dsb' && e.dom === 'ish') break;
    }
    writeSync(fd, buf);
    return count;
  } finally {
    closeSync(fd);
  }
}
