/**
 * Reads `bbm-trace/1` lines into the model's events, validating every field. Anything malformed
 * raises a `TraceFormatError` with one line naming what is wrong (the checker adds the line number).
 *
 * Layer: model/trace (format in model/trace/README.md).
 */
import { asDescriptor, asPA, asVA, parseHex64 } from '../arch/bits.ts';
import type { PA, VA } from '../arch/bits.ts';
import type { BBMLevel, CpuSpec, DSBDomain, GranuleName, ModelEvent, TLBIKind, TraceHeader } from '../events.ts';
import { TLBI_KINDS, tlbiOperands } from '../machine/tlbiScope.ts';
import { decodeEvent } from './decode.ts';

/** A line that is not valid `bbm-trace/1`. */
export class TraceFormatError extends Error {
  /** @param message - one line naming what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'TraceFormatError';
  }
}

type Json = Record<string, unknown>;

const PA_LIMIT = 1n << 48n;
const DSB_DOMAINS: readonly DSBDomain[] = ['ish', 'ishst', 'nsh', 'nshst', 'sy'];
const GRANULES: readonly GranuleName[] = ['4K', '16K', '64K'];

function object(line: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new TraceFormatError('malformed JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TraceFormatError('expected a JSON object');
  return value as Json;
}

function hexField(o: Json, key: string): bigint {
  if (!(key in o)) throw new TraceFormatError(`missing "${key}"`);
  const v = parseHex64(o[key]);
  if (v === undefined)
    throw new TraceFormatError(`"${key}" must be a 64-bit hex string "0x…", got ${JSON.stringify(o[key])}`);
  return v;
}

function paField(o: Json, key: string): PA {
  const v = hexField(o, key);
  if (v >= PA_LIMIT) throw new TraceFormatError(`"${key}" ${o[key] as string} is not below 2^48`);
  return asPA(v);
}

function vaField(o: Json, key: string): VA {
  const v = hexField(o, key);
  if (v >> 48n !== 0xffffn)
    throw new TraceFormatError(`"${key}" ${o[key] as string} is not a kernel (TTBR1) address 0xffff…`);
  return asVA(v);
}

function intField(o: Json, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new TraceFormatError(`"${key}" must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

function boolField(o: Json, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new TraceFormatError(`"${key}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function bbmField(o: Json, key: string): { bbm: BBMLevel; bbml3: boolean } {
  const v = intField(o, key);
  if (v > 3) throw new TraceFormatError(`"${key}" must be 0, 1, 2 or 3, got ${v}`);
  return { bbm: (v === 3 ? 2 : v) as BBMLevel, bbml3: v === 3 };
}

function cpuSpec(o: Json): CpuSpec {
  const id = intField(o, 'id' in o ? 'id' : 'cpu');
  const { bbm, bbml3 } = bbmField(o, 'bbm');
  return { id, bbm, noabort: boolField(o, 'noabort') || bbml3 };
}

/**
 * Parses the header line.
 * @param line - line 1 of the trace
 * @returns the header
 * @throws TraceFormatError
 */
export function parseHeader(line: string): TraceHeader {
  const o = object(line);
  if (o['format'] !== 'bbm-trace/1')
    throw new TraceFormatError(`header: "format" must be "bbm-trace/1", got ${JSON.stringify(o['format'])}`);
  const granule = o['granule'];
  if (!GRANULES.includes(granule as GranuleName))
    throw new TraceFormatError(`header: "granule" must be "4K", "16K" or "64K", got ${JSON.stringify(granule)}`);
  if (o['va_bits'] !== 48)
    throw new TraceFormatError(`header: only "va_bits": 48 is supported, got ${JSON.stringify(o['va_bits'])}`);
  const cpus = o['cpus'];
  if (!Array.isArray(cpus) || cpus.length === 0) throw new TraceFormatError('header: "cpus" must be a non-empty array');
  const specs = cpus.map((c: unknown, i) => {
    if (typeof c !== 'object' || c === null) throw new TraceFormatError(`header: cpus[${i}] must be an object`);
    try {
      return cpuSpec(c as Json);
    } catch (e) {
      throw new TraceFormatError(`header: cpus[${i}]: ${(e as Error).message}`);
    }
  });
  return {
    format: 'bbm-trace/1',
    granule: granule as GranuleName,
    va_bits: 48,
    root: paField(o, 'root'),
    preempt_rt: 'preempt_rt' in o ? boolField(o, 'preempt_rt') : false,
    cpus: specs,
  };
}

/**
 * Parses one event line: a valid line in the common shape through the fast decoder
 * (`decode.ts`), anything else through `JSON.parse` and the field checks below, which word the
 * error.
 * @param line - the line
 * @returns the event
 * @throws TraceFormatError
 */
export function parseEvent(line: string): ModelEvent {
  return decodeEvent(line) ?? parseEventSlowly(line);
}

/**
 * Parses one event line through `JSON.parse` and the field checks (the reference the fast
 * decoder is tested against).
 * @param line - the line
 * @returns the event
 * @throws TraceFormatError
 */
export function parseEventSlowly(line: string): ModelEvent {
  const o = object(line);
  const op = o['op'];
  switch (op) {
    case 'alloc':
      return { op, pa: paField(o, 'pa'), level: intField(o, 'level') };
    case 'free':
      return { op, pa: paField(o, 'pa') };
    case 'write': {
      const pa = paField(o, 'pa');
      if (pa % 8n !== 0n)
        throw new TraceFormatError(`write to unaligned PA ${o['pa'] as string} (entries are 8-byte aligned)`);
      return { op, cpu: intField(o, 'cpu'), pa, val: asDescriptor(hexField(o, 'val')) };
    }
    case 'dsb': {
      const dom = o['dom'];
      if (!DSB_DOMAINS.includes(dom as DSBDomain))
        throw new TraceFormatError(`"dom" must be one of ${DSB_DOMAINS.join(', ')}, got ${JSON.stringify(dom)}`);
      return { op, cpu: intField(o, 'cpu'), dom: dom as DSBDomain };
    }
    case 'isb':
    case 'park':
    case 'unpark':
    case 'stop':
    case 'resume':
      return { op, cpu: intField(o, 'cpu') };
    case 'tlbi':
      return parseTLBI(o);
    case 'online': {
      const { bbm, bbml3 } = bbmField(o, 'bbm');
      return { op, cpu: intField(o, 'cpu'), bbm, noabort: boolField(o, 'noabort') || bbml3 };
    }
    case 'walk':
      return { op, cpu: intField(o, 'cpu'), va: vaField(o, 'va') };
    default:
      throw new TraceFormatError(`unknown op ${JSON.stringify(op)}`);
  }
}

function parseTLBI(o: Json): ModelEvent {
  const kind = o['kind'];
  if (!TLBI_KINDS.includes(kind as TLBIKind)) throw new TraceFormatError(`unknown TLBI kind ${JSON.stringify(kind)}`);
  const k = kind as TLBIKind;
  const operands = tlbiOperands(k);
  const cpu = intField(o, 'cpu');
  if (!operands.va) {
    if ('va' in o) throw new TraceFormatError(`TLBI ${k} takes no "va"`);
    return { op: 'tlbi', cpu, kind: k };
  }
  const va = vaField(o, 'va');
  if (!operands.size) return { op: 'tlbi', cpu, kind: k, va };
  // The size is a hex string like every other quantity; a plain integer is accepted too.
  const raw = o['size'];
  const size = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? BigInt(raw) : hexField(o, 'size');
  if (size === 0n) throw new TraceFormatError(`TLBI ${k} needs a non-zero "size"`);
  return { op: 'tlbi', cpu, kind: k, va, size };
}
