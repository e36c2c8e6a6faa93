/**
 * The fast path of the `bbm-trace/1` event reader: a hand-written decoder for the fixed shapes
 * the writers produce (`{"op":"write","cpu":0,"pa":"0x…","val":"0x…"}`: the fields in the
 * format's order, no spaces, as impl/testing/trace.ts and model/testing/traceBuilder.ts write
 * them) that reads the line once, left to right, and builds the event directly — no generic
 * object, no regular expression, no string per field. It answers only for a valid line in such a
 * shape: anything else (another key order, spaces, unknown keys, escapes, a missing or wrong
 * field, a value out of range) returns `undefined`, and `parseEvent` reads the line through
 * `JSON.parse`, which words the error. So the two paths agree by construction on every line the
 * decoder leaves alone and, on the lines it takes, by test: model/trace/decode.test.ts fuzzes it
 * against `JSON.parse` and the field checks of parse.ts.
 *
 * Layer: model/trace (format in model/trace/README.md).
 */
import { asDescriptor, asPA, asVA } from '../arch/bits.ts';
import type { PA, VA } from '../arch/bits.ts';
import type { DSBDomain, ModelEvent, TLBIKind } from '../events.ts';
import { TLBI_KINDS, tlbiOperands } from '../machine/tlbiScope.ts';

const PA_LIMIT = 1n << 48n;
const DOMAINS: ReadonlySet<string> = new Set<DSBDomain>(['ish', 'ishst', 'nsh', 'nshst', 'sy']);
const KINDS: ReadonlySet<string> = new Set<string>(TLBI_KINDS);

/** The line being decoded and the cursor in it (module state: no allocation per line). */
let s = '';
let at = 0;

/** Takes the literal `x` at the cursor. */
function lit(x: string): boolean {
  if (!s.startsWith(x, at)) return false;
  at += x.length;
  return true;
}

/** A JSON non-negative integer of at most 15 digits (no leading zero), or -1. */
function int(): number {
  const from = at;
  let v = 0;
  let i = from;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
  }
  const n = i - from;
  if (n === 0 || n > 15 || (n > 1 && s.charCodeAt(from) === 0x30)) return -1;
  at = i;
  return v;
}

/** A JSON string of letters and digits (a mnemonic), after its opening quote, or undefined. */
function word(): string | undefined {
  const from = at;
  let i = from;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) break;
  }
  if (s.charCodeAt(i) !== 0x22) return undefined;
  at = i + 1;
  return s.slice(from, i);
}

/** A string `"0x…"` of 1 to 16 hex digits, as a bigint, or undefined. */
function hex(): bigint | undefined {
  if (!lit('"0x')) return undefined;
  const from = at;
  let i = from;
  let v = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
    if (d < 0) break;
    v = v * 16 + d;
  }
  const n = i - from;
  if (n === 0 || n > 16 || s.charCodeAt(i) !== 0x22) return undefined;
  at = i + 1;
  // Up to 13 digits (52 bits) the number is exact; longer ones go through the string.
  return n <= 13 ? BigInt(v) : BigInt(s.slice(from - 2, i));
}

function pa(): PA | undefined {
  const v = hex();
  return v !== undefined && v < PA_LIMIT ? asPA(v) : undefined;
}

function va(): VA | undefined {
  const v = hex();
  return v !== undefined && v >> 48n === 0xffffn ? asVA(v) : undefined;
}

/** The closing brace, and nothing after it. */
const end = (): boolean => at === s.length - 1 && s.charCodeAt(at) === 0x7d;

/** `"cpu":N` after the op, or -1. */
function cpu(): number {
  return lit(',"cpu":') ? int() : -1;
}

/**
 * Decodes a valid event line in one of the fixed shapes.
 * @param line - the line (trimmed)
 * @returns the event, or undefined when the line is not a valid event in a fixed shape
 */
export function decodeEvent(line: string): ModelEvent | undefined {
  s = line;
  at = 0;
  if (!lit('{"op":"')) return undefined;
  const op = word();
  switch (op) {
    case 'write': {
      const c = cpu();
      if (c < 0 || !lit(',"pa":')) return undefined;
      const p = pa();
      if (p === undefined || p % 8n !== 0n || !lit(',"val":')) return undefined;
      const val = hex();
      return val === undefined || !end() ? undefined : { op, cpu: c, pa: p, val: asDescriptor(val) };
    }
    case 'dsb': {
      const c = cpu();
      if (c < 0 || !lit(',"dom":"')) return undefined;
      const dom = word();
      return dom === undefined || !DOMAINS.has(dom) || !end() ? undefined : { op, cpu: c, dom: dom as DSBDomain };
    }
    case 'isb':
    case 'park':
    case 'unpark':
    case 'stop':
    case 'resume': {
      const c = cpu();
      return c < 0 || !end() ? undefined : { op, cpu: c };
    }
    case 'tlbi': {
      const c = cpu();
      return c < 0 ? undefined : tlbi(c);
    }
    case 'alloc': {
      if (!lit(',"pa":')) return undefined;
      const p = pa();
      if (p === undefined || !lit(',"level":')) return undefined;
      const level = int();
      return level < 0 || !end() ? undefined : { op, pa: p, level };
    }
    case 'free': {
      if (!lit(',"pa":')) return undefined;
      const p = pa();
      return p === undefined || !end() ? undefined : { op, pa: p };
    }
    case 'online': {
      const c = cpu();
      if (c < 0 || !lit(',"bbm":')) return undefined;
      const bbm = int();
      if (bbm < 0 || bbm > 3 || !lit(',"noabort":')) return undefined;
      const noabort = lit('true') ? true : lit('false') ? false : undefined;
      if (noabort === undefined || !end()) return undefined;
      return { op, cpu: c, bbm: bbm === 3 ? 2 : (bbm as 0 | 1 | 2), noabort: noabort || bbm === 3 };
    }
    case 'walk': {
      const c = cpu();
      if (c < 0 || !lit(',"va":')) return undefined;
      const v = va();
      return v === undefined || !end() ? undefined : { op, cpu: c, va: v };
    }
    default:
      return undefined;
  }
}

function tlbi(cpu: number): ModelEvent | undefined {
  if (!lit(',"kind":"')) return undefined;
  const k = word();
  if (k === undefined || !KINDS.has(k)) return undefined;
  const kind = k as TLBIKind;
  const operands = tlbiOperands(kind);
  if (!operands.va) return end() ? { op: 'tlbi', cpu, kind } : undefined;
  if (!lit(',"va":')) return undefined;
  const v = va();
  if (v === undefined) return undefined;
  if (!operands.size) return end() ? { op: 'tlbi', cpu, kind, va: v } : undefined;
  if (!lit(',"size":')) return undefined;
  const size = s.charCodeAt(at) === 0x22 ? hex() : BigInt(Math.max(0, int()));
  return size === undefined || size === 0n || !end() ? undefined : { op: 'tlbi', cpu, kind, va: v, size };
}
