/**
 * The `bbm-trace/1` JSON Lines format as the test machine writes it: a header line, then one
 * event per line, addresses and values as "0x…" hex strings. Also a purely syntactic checker
 * used by impl's own tests (the semantic checker is the model's `check-trace`).
 *
 * Layer: impl/testing (harness support; duplicates the vocabulary, never imports model/).
 */
import type { BBMLevel, CpuId, CpuSpec, DsbDomain, GranuleName, TlbiKind } from '../contract.ts';

/** One trace event, as recorded by the test machine. */
export type TraceEvent =
  | { readonly op: 'alloc'; readonly pa: bigint; readonly level: number }
  | { readonly op: 'free'; readonly pa: bigint }
  | { readonly op: 'write'; readonly cpu: CpuId; readonly pa: bigint; readonly val: bigint }
  | { readonly op: 'dsb'; readonly cpu: CpuId; readonly dom: DsbDomain }
  | { readonly op: 'isb'; readonly cpu: CpuId }
  | { readonly op: 'tlbi'; readonly cpu: CpuId; readonly kind: TlbiKind; readonly va?: bigint; readonly size?: bigint }
  | { readonly op: 'park' | 'unpark' | 'stop' | 'resume'; readonly cpu: CpuId }
  | { readonly op: 'online'; readonly cpu: CpuId; readonly bbm: BBMLevel; readonly noabort: boolean }
  | { readonly op: 'walk'; readonly cpu: CpuId; readonly va: bigint };

/** The header line. */
export interface TraceHeaderLine {
  readonly format: 'bbm-trace/1';
  readonly granule: GranuleName;
  readonly va_bits: 48;
  readonly root: bigint;
  readonly preempt_rt: boolean;
  readonly cpus: readonly CpuSpec[];
}

/**
 * Formats a value the way traces write it: `0x` and the shortest lower-case hex.
 * @param v - a non-negative value below 2^64
 * @returns the hex string
 */
export function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

/**
 * Serialises one event as a JSON object with the fields in the format's order.
 * @param e - the event
 * @returns one JSON line (no newline)
 */
export function eventToJson(e: TraceEvent): string {
  switch (e.op) {
    case 'alloc':
      return JSON.stringify({ op: e.op, pa: hex(e.pa), level: e.level });
    case 'free':
      return JSON.stringify({ op: e.op, pa: hex(e.pa) });
    case 'write':
      return JSON.stringify({ op: e.op, cpu: e.cpu, pa: hex(e.pa), val: hex(e.val) });
    case 'dsb':
      return JSON.stringify({ op: e.op, cpu: e.cpu, dom: e.dom });
    case 'isb':
    case 'park':
    case 'unpark':
    case 'stop':
    case 'resume':
      return JSON.stringify({ op: e.op, cpu: e.cpu });
    case 'tlbi': {
      const o: Record<string, unknown> = { op: e.op, cpu: e.cpu, kind: e.kind };
      if (e.va !== undefined) o['va'] = hex(e.va);
      if (e.size !== undefined) o['size'] = hex(e.size);
      return JSON.stringify(o);
    }
    case 'online':
      return JSON.stringify({ op: e.op, cpu: e.cpu, bbm: e.bbm, noabort: e.noabort });
    case 'walk':
      return JSON.stringify({ op: e.op, cpu: e.cpu, va: hex(e.va) });
  }
}

/**
 * Serialises the header line.
 * @param h - the header
 * @returns one JSON line (no newline)
 */
export function headerToJson(h: TraceHeaderLine): string {
  return JSON.stringify({
    format: h.format,
    granule: h.granule,
    va_bits: h.va_bits,
    root: hex(h.root),
    preempt_rt: h.preempt_rt,
    cpus: h.cpus.map((c) => ({ id: c.id, bbm: c.bbm, noabort: c.noabort })),
  });
}

/**
 * Serialises a whole trace as JSON Lines.
 * @param header - the header
 * @param events - the events in order
 * @returns the text, one line per record, ending in a newline
 */
export function formatTrace(header: TraceHeaderLine, events: readonly TraceEvent[]): string {
  const lines = [headerToJson(header)];
  for (const e of events) lines.push(eventToJson(e));
  return lines.join('\n') + '\n';
}

const HEX = /^0x[0-9a-f]{1,16}$/;
const DSB_DOMS = new Set(['ish', 'ishst', 'nsh', 'nshst', 'sy']);
const TLBI_VA = new Set(['vae1is', 'vale1is', 'vaae1is', 'vaale1is', 'vae1', 'vale1', 'vaae1', 'vaale1']);
const TLBI_RANGE = new Set(['rvae1is', 'rvaae1is', 'rvale1is', 'rvaale1is']);
const TLBI_ALL = new Set(['vmalle1is', 'vmalle1']);

function keysAre(o: Record<string, unknown>, keys: readonly string[]): boolean {
  const k = Object.keys(o);
  return k.length === keys.length && keys.every((x, i) => k[i] === x);
}

function isHex(v: unknown): boolean {
  return typeof v === 'string' && HEX.test(v);
}

function isCpu(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function checkEvent(o: Record<string, unknown>): boolean {
  switch (o['op']) {
    case 'alloc':
      return keysAre(o, ['op', 'pa', 'level']) && isHex(o['pa']) && [0, 1, 2, 3].includes(o['level'] as number);
    case 'free':
      return keysAre(o, ['op', 'pa']) && isHex(o['pa']);
    case 'write':
      return keysAre(o, ['op', 'cpu', 'pa', 'val']) && isCpu(o['cpu']) && isHex(o['pa']) && isHex(o['val']);
    case 'dsb':
      return keysAre(o, ['op', 'cpu', 'dom']) && isCpu(o['cpu']) && DSB_DOMS.has(o['dom'] as string);
    case 'isb':
    case 'park':
    case 'unpark':
    case 'stop':
    case 'resume':
      return keysAre(o, ['op', 'cpu']) && isCpu(o['cpu']);
    case 'tlbi': {
      const kind = o['kind'] as string;
      if (TLBI_ALL.has(kind)) return keysAre(o, ['op', 'cpu', 'kind']) && isCpu(o['cpu']);
      if (TLBI_VA.has(kind)) return keysAre(o, ['op', 'cpu', 'kind', 'va']) && isCpu(o['cpu']) && isHex(o['va']);
      if (TLBI_RANGE.has(kind))
        return keysAre(o, ['op', 'cpu', 'kind', 'va', 'size']) && isHex(o['va']) && isHex(o['size']);
      return false;
    }
    case 'online':
      return (
        keysAre(o, ['op', 'cpu', 'bbm', 'noabort']) &&
        isCpu(o['cpu']) &&
        [0, 1, 2, 3].includes(o['bbm'] as number) &&
        typeof o['noabort'] === 'boolean'
      );
    case 'walk':
      return keysAre(o, ['op', 'cpu', 'va']) && isCpu(o['cpu']) && isHex(o['va']);
    default:
      return false;
  }
}

/**
 * Checks that a text is syntactically a `bbm-trace/1` trace (fields, order, types, hex strings).
 * @param text - the JSON Lines text
 * @returns the problems found, one string per bad line (empty when well formed)
 */
export function checkTraceSyntax(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n').filter((l) => l.length > 0);
  lines.forEach((line, i) => {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      problems.push(`line ${i + 1}: not an object`);
      return;
    }
    const rec = o as Record<string, unknown>;
    if (i === 0) {
      const ok =
        keysAre(rec, ['format', 'granule', 'va_bits', 'root', 'preempt_rt', 'cpus']) &&
        rec['format'] === 'bbm-trace/1' &&
        ['4K', '16K', '64K'].includes(rec['granule'] as string) &&
        rec['va_bits'] === 48 &&
        isHex(rec['root']) &&
        typeof rec['preempt_rt'] === 'boolean' &&
        Array.isArray(rec['cpus']);
      if (!ok) problems.push(`line 1: bad header`);
    } else if (!checkEvent(rec)) {
      problems.push(`line ${i + 1}: bad event ${line}`);
    }
  });
  if (lines.length === 0) problems.push('empty trace');
  return problems;
}
