/**
 * Trace generator — plain random noise: events drawn from what the trace already touches (the
 * entries it writes, the values it stores with a random bit flipped, its VAs and table pages) plus
 * barriers, TLBIs of every kind, park/unpark, walks, stop/resume and alloc/free, inserted at
 * random places.
 *
 * Layer: model/reference/gen (tests only).
 */
import type { RawEvent } from './encode.ts';
import { DOMAINS, KINDS } from './mutate.ts';

/** One noise event as drawn. */
export interface NoiseDraw {
  readonly at: number;
  readonly kind: number;
  readonly a: number;
  readonly b: number;
}

const pick = <T>(xs: readonly T[], n: number): T | undefined => (xs.length === 0 ? undefined : xs[n % xs.length]);

/**
 * Inserts noise events.
 * @param events - the trace's events
 * @param draws - what to insert
 * @param cpuIds - the header's CPUs
 * @param pageBytes - the page size
 * @returns the events with the noise
 */
export function addNoise(
  events: readonly RawEvent[],
  draws: readonly NoiseDraw[],
  cpuIds: readonly number[],
  pageBytes: bigint,
): RawEvent[] {
  const out = [...events];
  const locs = [...new Set(events.flatMap((e) => (e.op === 'write' ? [e.pa] : [])))];
  const vals = [...new Set(events.flatMap((e) => (e.op === 'write' ? [e.val] : [])))];
  const vas = [
    ...new Set(
      events.flatMap((e) => (e.op === 'walk' || (e.op === 'tlbi' && e.va !== undefined) ? [e.va as bigint] : [])),
    ),
    0xffff000400000000n,
  ];
  const pages = [...new Set(events.flatMap((e) => (e.op === 'alloc' ? [e.pa] : [])))];
  for (const d of draws) {
    const cpu = cpuIds[d.a % cpuIds.length] as number;
    let e: RawEvent | undefined;
    switch (d.kind % 10) {
      case 0:
      case 1: {
        const pa = pick(locs, d.a);
        const v = pick(vals, d.b);
        if (pa !== undefined && v !== undefined)
          e = { op: 'write', cpu, pa, val: d.kind % 10 === 0 ? v : v ^ (1n << BigInt(d.b % 64)) };
        break;
      }
      case 2:
        e = { op: 'dsb', cpu, dom: DOMAINS[d.b % DOMAINS.length] ?? 'ish' };
        break;
      case 3:
        e = { op: 'isb', cpu };
        break;
      case 4: {
        const kind = KINDS[d.b % KINDS.length] ?? 'vmalle1is';
        const va = pick(vas, d.b >> 4) ?? 0xffff000400000000n;
        e = kind.startsWith('vmalle1')
          ? { op: 'tlbi', cpu, kind }
          : kind.startsWith('r')
            ? { op: 'tlbi', cpu, kind, va, size: pageBytes << BigInt(d.b % 12) }
            : { op: 'tlbi', cpu, kind, va };
        break;
      }
      case 5:
        e = { op: d.b % 2 === 0 ? 'park' : 'unpark', cpu };
        break;
      case 6:
        e = { op: 'walk', cpu, va: (pick(vas, d.b) ?? 0xffff000400000000n) + BigInt(d.b % 4) * pageBytes };
        break;
      case 7: {
        const pa = pick(pages, d.b);
        if (pa !== undefined) e = { op: 'free', pa };
        break;
      }
      case 8:
        e = { op: 'alloc', pa: 0x90000000n + BigInt(d.b % 8) * pageBytes, level: 1 + (d.b % 3) };
        break;
      default:
        e = { op: d.b % 2 === 0 ? 'stop' : 'resume', cpu };
    }
    if (e !== undefined) out.splice(d.at % (out.length + 1), 0, e);
  }
  return out;
}
