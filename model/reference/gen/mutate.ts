/**
 * Trace generator — near-correct traces: exactly one step of a correct sequence dropped, moved,
 * duplicated or changed in one field (bit 16, bit 52, AF, valid, nG, PXN, AP[2], AttrIndx 0↔1 or
 * to Device, the OA, the entry written, a DSB domain, a TLBI kind / VA / size, which CPU issues
 * it), and plain random noise events drawn from what the trace already touches.
 *
 * Layer: model/reference/gen (tests only).
 */
import type { DSBDomain, TLBIKind } from '../../events.ts';
import { BIT, flip } from './encode.ts';
import type { RawEvent } from './encode.ts';

/** One mutation, as drawn (numbers are reduced modulo what they index). */
export type Mutation =
  | { readonly kind: 'none' }
  | { readonly kind: 'drop' | 'duplicate'; readonly at: number; readonly body: boolean }
  | { readonly kind: 'move'; readonly at: number; readonly to: number; readonly body: boolean }
  | {
      readonly kind: 'field';
      readonly at: number;
      readonly body: boolean;
      readonly which: number;
      readonly value: number;
    };

/** Every DSB domain. */
export const DOMAINS: readonly DSBDomain[] = ['ish', 'ishst', 'nsh', 'nshst', 'sy'];
/** Every TLBI kind. */
export const KINDS: readonly TLBIKind[] = [
  'vae1is',
  'vale1is',
  'vaae1is',
  'vaale1is',
  'vae1',
  'vale1',
  'vaae1',
  'vaale1',
  'vmalle1is',
  'vmalle1',
  'rvae1is',
  'rvaae1is',
  'rvale1is',
  'rvaale1is',
];

/** What a field mutation may need to know about the trace. */
export interface MutationContext {
  readonly cpuIds: readonly number[];
  readonly pageBytes: bigint;
  /** Entry spans of the granule's levels, smallest first. */
  readonly spans: readonly bigint[];
}

const WRITE_BITS: readonly bigint[] = [
  BIT.nT,
  BIT.cont,
  BIT.af,
  BIT.valid,
  BIT.ng,
  BIT.pxn,
  BIT.apRO,
  BIT.attrIndx,
  BIT.pxnTable,
];

/** A write's value or address changed in one way. */
function mutateWrite(
  e: Extract<RawEvent, { op: 'write' }>,
  which: number,
  value: number,
  ctx: MutationContext,
): RawEvent {
  const choice = which % (WRITE_BITS.length + 4);
  if (choice < WRITE_BITS.length) return { ...e, val: flip(e.val, WRITE_BITS[choice] as bigint) };
  const span = ctx.spans[value % ctx.spans.length] as bigint;
  switch (choice - WRITE_BITS.length) {
    case 0: // AttrIndx := Device-nGnRE (4)
      return { ...e, val: (e.val & ~(7n << BIT.attrIndx)) | (4n << BIT.attrIndx) };
    case 1: // one OA bit flipped (a RES0 bit of a block when the span is smaller than the block)
      return { ...e, val: e.val ^ span };
    case 2: // the neighbouring entry
      return { ...e, pa: value % 2 === 0 ? e.pa + 8n : e.pa >= 8n ? e.pa - 8n : e.pa + 8n };
    default:
      return { ...e, cpu: otherCpu(ctx, e.cpu, value) };
  }
}

const otherCpu = (ctx: MutationContext, cpu: number, value: number): number => {
  const others = ctx.cpuIds.filter((c) => c !== cpu);
  return others.length === 0 ? cpu : (others[value % others.length] as number);
};

/** A TLBI changed in kind, VA, size or issuer. */
function mutateTlbi(
  e: Extract<RawEvent, { op: 'tlbi' }>,
  which: number,
  value: number,
  ctx: MutationContext,
): RawEvent {
  const span = ctx.spans[value % ctx.spans.length] as bigint;
  switch (which % 4) {
    case 0: {
      const kind = KINDS[value % KINDS.length] as TLBIKind;
      const va = kind.startsWith('vmalle1') ? undefined : (e.va ?? 0xffff000400000000n);
      const size = kind.startsWith('r') ? (e.size ?? ctx.pageBytes) : undefined;
      return {
        op: 'tlbi',
        cpu: e.cpu,
        kind,
        ...(va !== undefined ? { va } : {}),
        ...(size !== undefined ? { size } : {}),
      };
    }
    case 1:
      return e.va === undefined ? e : { ...e, va: e.va + span };
    case 2:
      return e.size === undefined
        ? { ...e, cpu: otherCpu(ctx, e.cpu, value) }
        : { ...e, size: value % 2 === 0 ? e.size * 2n : e.size / 2n || 1n };
    default:
      return { ...e, cpu: otherCpu(ctx, e.cpu, value) };
  }
}

/**
 * One field of one event changed.
 * @param e - the event
 * @param which - which change
 * @param value - its parameter
 * @param ctx - the trace's CPUs and spans
 * @returns the changed event
 */
export function mutateEvent(e: RawEvent, which: number, value: number, ctx: MutationContext): RawEvent {
  switch (e.op) {
    case 'write':
      return mutateWrite(e, which, value, ctx);
    case 'tlbi':
      return mutateTlbi(e, which, value, ctx);
    case 'dsb':
      return which % 2 === 0
        ? { ...e, dom: DOMAINS[value % DOMAINS.length] as DSBDomain }
        : { ...e, cpu: otherCpu(ctx, e.cpu, value) };
    case 'alloc':
      return { ...e, level: Math.max(0, Math.min(3, e.level + (value % 2 === 0 ? 1 : -1))) };
    case 'free':
      return { ...e, pa: e.pa + ctx.pageBytes };
    case 'online':
      return { ...e, noabort: !e.noabort };
    default:
      return { ...e, cpu: otherCpu(ctx, e.cpu, value) };
  }
}

/**
 * Applies one mutation to a trace's events.
 * @param events - the correct events
 * @param bodyStart - where the operation under test starts
 * @param m - the mutation
 * @param ctx - the trace's CPUs and spans
 * @returns the mutated events (a new array)
 */
export function applyMutation(
  events: readonly RawEvent[],
  bodyStart: number,
  m: Mutation,
  ctx: MutationContext,
): RawEvent[] {
  const out = [...events];
  if (m.kind === 'none' || out.length === 0) return out;
  const from = m.body && bodyStart < out.length ? bodyStart : 0;
  const i = from + (m.at % (out.length - from));
  const e = out[i] as RawEvent;
  switch (m.kind) {
    case 'drop':
      out.splice(i, 1);
      break;
    case 'duplicate':
      out.splice(i, 0, e);
      break;
    case 'move': {
      out.splice(i, 1);
      out.splice(from + (m.to % (out.length - from + 1)), 0, e);
      break;
    }
    case 'field':
      out[i] = mutateEvent(e, m.which, m.value, ctx);
      break;
  }
  return out;
}
