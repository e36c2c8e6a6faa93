// The fast event decoder against the reference reader (`JSON.parse` and the field checks of
// parse.ts, `parseEventSlowly`): on any line — events of every op in the writers' shape with
// valid and invalid field values, then edited (a character deleted, replaced or inserted, a space,
// keys reordered, a key repeated) — the decoder either leaves the line to the slow path or gives
// exactly the event the slow path gives; and it does take every valid line in the fixed shapes
// (else it would be right only by never answering).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TLBIKind } from '../events.ts';
import { TLBI_KINDS, tlbiOperands } from '../machine/tlbiScope.ts';
import { decodeEvent } from './decode.ts';
import { parseEventSlowly } from './parse.ts';

const hexOf = (v: bigint): string => `0x${v.toString(16)}`;
const u64 = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  // 14 and 15 hex digits: past a double's 53 bits, where a shortcut through a number would round.
  fc.bigInt({ min: 1n << 53n, max: (1n << 56n) - 1n }),
  fc.bigInt({ min: 1n << 56n, max: (1n << 60n) - 1n }),
);
/** The edges of the ranges the reader checks. */
const edges = fc.constantFrom(
  1n << 48n,
  (1n << 48n) - 8n,
  (1n << 48n) + 8n,
  0xffff_0000_0000_0000n,
  0xfffe_ffff_ffff_f000n,
  0n,
);
/** A field value: mostly one of the right kind, sometimes anything JSON has. */
const junk = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    -1,
    0,
    1.5,
    1e21,
    2 ** 53,
    '',
    '0x',
    '0X10',
    '0x1g',
    'ffff',
    `0x${'1'.repeat(17)}`,
  ),
  fc.string({ maxLength: 6 }),
  fc.integer(),
);
const sometimes = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: junk, weight: 1 });
const cpu = sometimes(fc.nat(40));
const paHex = sometimes(
  fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }).map((v) => hexOf(v & ~7n)),
    fc.bigInt({ min: 0n, max: 1n << 49n }).map(hexOf),
    fc.bigInt({ min: 0n, max: 1n << 20n }).map((v) => `0x${v.toString(16).toUpperCase()}`),
    edges.map(hexOf),
  ),
);
const vaHex = sometimes(
  fc.oneof(
    fc.bigInt({ min: 0xffff_0000_0000_0000n, max: (1n << 64n) - 1n }).map(hexOf),
    u64.map(hexOf),
    edges.map(hexOf),
  ),
);
const valHex = sometimes(
  fc.oneof(
    u64.map(hexOf),
    u64.map((v) => `0x${v.toString(16).padStart(16, '0')}`),
  ),
);
const size = sometimes(fc.oneof(fc.bigInt({ min: 0n, max: 1n << 40n }).map(hexOf), fc.nat(1 << 30)));

/** Events of every op, fields in the writers' order. */
const eventObject: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ op: fc.constant('write'), cpu, pa: paHex, val: valHex }),
  fc.record({
    op: fc.constant('dsb'),
    cpu,
    dom: sometimes(fc.constantFrom('ish', 'ishst', 'nsh', 'nshst', 'sy', 'osh')),
  }),
  fc.record({ op: fc.constantFrom('isb', 'park', 'unpark', 'stop', 'resume'), cpu }),
  fc
    .record({
      op: fc.constant('tlbi'),
      cpu,
      kind: sometimes(fc.constantFrom(...TLBI_KINDS, 'vae2is')),
      va: vaHex,
      size,
    })
    .chain((o) =>
      fc.constantFrom(o, { op: o.op, cpu: o.cpu, kind: o.kind, va: o.va }, { op: o.op, cpu: o.cpu, kind: o.kind }),
    ),
  fc.record({ op: fc.constant('alloc'), pa: paHex, level: sometimes(fc.nat(4)) }),
  fc.record({ op: fc.constant('free'), pa: paHex }),
  fc.record({ op: fc.constant('online'), cpu, bbm: sometimes(fc.nat(4)), noabort: sometimes(fc.boolean()) }),
  fc.record({ op: fc.constant('walk'), cpu, va: vaHex }),
  fc.record({ op: sometimes(fc.constantFrom('write', 'Write', 'nop')), cpu }),
);

/** An edit of a line: none (most often), or one that changes its bytes but may keep it valid. */
const edited = fc
  .tuple(eventObject, fc.nat(), fc.nat(), fc.constantFrom(' ', '"', ',', '}', '\\', 'x', '0', '\t', '{'))
  .chain(([o, i, j, ch]) => {
    const line = JSON.stringify(o);
    const at = i % (line.length + 1);
    const keys = Object.keys(o);
    const rotated = Object.fromEntries([...keys.slice(1), keys[0] ?? 'op'].map((k) => [k, o[k]]));
    return fc.constantFrom(
      line,
      line,
      line,
      line.slice(0, at) + line.slice(at + 1),
      line.slice(0, at) + ch + line.slice(at + 1),
      line.slice(0, at) + ch + line.slice(at),
      JSON.stringify(o, null, j % 2 === 0 ? 1 : undefined),
      JSON.stringify(rotated),
      `${line.slice(0, -1)},"${keys[j % keys.length] ?? 'op'}":${JSON.stringify(o[keys[(j + 1) % keys.length] ?? 'op'])}}`,
      `${line.slice(0, -1)},"extra":1}`,
    );
  });

/**
 * Whether an event object is one the writers (impl/testing/trace.ts, model/testing) could write:
 * integers of at most 15 digits, and a TLBI with exactly the operands of its kind.
 */
function writersShape(o: Record<string, unknown>): boolean {
  if (Object.values(o).some((v) => typeof v === 'number' && !(Number.isSafeInteger(v) && v >= 0 && v < 1e15)))
    return false;
  if (o['op'] !== 'tlbi' || !TLBI_KINDS.includes(o['kind'] as TLBIKind)) return true;
  const operands = tlbiOperands(o['kind'] as TLBIKind);
  return 'va' in o === operands.va && 'size' in o === operands.size;
}

/** The slow path's answer: the event, or the error's message. */
function slowly(line: string): unknown {
  try {
    return parseEventSlowly(line);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('decodeEvent', () => {
  it('leaves a line to the slow path or gives exactly the event the slow path gives', () => {
    fc.assert(
      fc.property(edited, (line) => {
        const fast = decodeEvent(line);
        if (fast !== undefined) expect(fast).toStrictEqual(slowly(line));
      }),
      { numRuns: 4000 },
    );
  });

  it('takes every valid line the writers produce', () => {
    fc.assert(
      fc.property(eventObject, (o) => {
        const line = JSON.stringify(o);
        const slow = slowly(line);
        if (!writersShape(o) || (typeof slow === 'object' && slow !== null && 'error' in slow)) return;
        expect(decodeEvent(line)).toStrictEqual(slow);
      }),
      { numRuns: 2000 },
    );
  });
});
