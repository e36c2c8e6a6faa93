/**
 * Compact views of a run for test assertions: consecutive writes into the same table page are
 * folded into one line (`write <page> x<count>`), other events print as their op.
 *
 * Layer: impl/testing (harness support).
 */
import type { TraceEvent } from './trace.ts';

/**
 * Names table pages in order of first appearance (T0 = root is not named) and folds writes.
 * @param events - the events
 * @param pageSize - the granule's page size
 * @param names - known page names (e.g. the root), extended as pages are met
 * @returns one string per folded event
 */
export function summarize(
  events: readonly TraceEvent[],
  pageSize: bigint,
  names = new Map<bigint, string>(),
): string[] {
  const out: string[] = [];
  let counter = 0;
  const name = (pa: bigint): string => {
    const page = pa & ~(pageSize - 1n);
    let n = names.get(page);
    if (n === undefined) {
      n = `T${++counter}`;
      names.set(page, n);
    }
    return n;
  };
  let last: { page: string; n: number } | undefined;
  const flush = (): void => {
    if (last !== undefined) out.push(`write ${last.page} x${last.n}`);
    last = undefined;
  };
  for (const e of events) {
    if (e.op === 'write') {
      const p = name(e.pa);
      if (last !== undefined && last.page === p) last.n++;
      else {
        flush();
        last = { page: p, n: 1 };
      }
      continue;
    }
    flush();
    switch (e.op) {
      case 'alloc':
        out.push(`alloc ${name(e.pa)} L${e.level}`);
        break;
      case 'free':
        out.push(`free ${name(e.pa)}`);
        break;
      case 'dsb':
        out.push(`dsb ${e.dom}`);
        break;
      case 'tlbi':
        out.push(`tlbi ${e.kind}`);
        break;
      default:
        out.push(e.op);
    }
  }
  flush();
  return out;
}
