/**
 * Converts the test machine's trace events into the model's events directly (the hot path of
 * every judged run), applying the same validation as the `bbm-trace/1` reader: PAs below 2^48,
 * 8-byte aligned writes, TTBR1 VAs, known TLBI operand shapes. A SUT that produces an event the
 * trace format cannot express is reported like bad input.
 *
 * Layer: properties/harness.
 */
import type { TraceEvent } from '../../impl/testing/trace.ts';
import { eventToJson } from '../../impl/testing/trace.ts';
import { asDescriptor, asPA, asVA } from '../../model/arch/bits.ts';
import type { PA, VA } from '../../model/arch/bits.ts';
import type { ModelEvent } from '../../model/events.ts';
import { tlbiOperands } from '../../model/machine/tlbiScope.ts';
import { TraceFormatError } from '../../model/trace/parse.ts';

const PA_LIMIT = 1n << 48n;

function pa(v: bigint, e: TraceEvent): PA {
  if (v < 0n || v >= PA_LIMIT)
    throw new TraceFormatError(`PA 0x${v.toString(16)} is not below 2^48 in ${eventToJson(e)}`);
  return asPA(v);
}

function va(v: bigint, e: TraceEvent): VA {
  if (v >> 48n !== 0xffffn)
    throw new TraceFormatError(`VA 0x${v.toString(16)} is not a TTBR1 address in ${eventToJson(e)}`);
  return asVA(v);
}

/**
 * The model event of a machine event.
 * @param e - the machine's event
 * @returns the model's event
 * @throws TraceFormatError when the event is not expressible in `bbm-trace/1`
 */
export function toModelEvent(e: TraceEvent): ModelEvent {
  switch (e.op) {
    case 'alloc':
      return { op: 'alloc', pa: pa(e.pa, e), level: e.level };
    case 'free':
      return { op: 'free', pa: pa(e.pa, e) };
    case 'write':
      if (e.pa % 8n !== 0n) throw new TraceFormatError(`write to unaligned PA in ${eventToJson(e)}`);
      return { op: 'write', cpu: e.cpu, pa: pa(e.pa, e), val: asDescriptor(e.val & 0xffffffffffffffffn) };
    case 'tlbi': {
      const shape = tlbiOperands(e.kind);
      if (shape.va !== (e.va !== undefined) || shape.size !== (e.size !== undefined)) {
        throw new TraceFormatError(`TLBI operands do not match ${e.kind} in ${eventToJson(e)}`);
      }
      return {
        op: 'tlbi',
        cpu: e.cpu,
        kind: e.kind,
        ...(e.va === undefined ? {} : { va: va(e.va, e) }),
        ...(e.size === undefined ? {} : { size: e.size }),
      };
    }
    case 'walk':
      return { op: 'walk', cpu: e.cpu, va: va(e.va, e) };
    case 'online':
      // FEAT_BBML3 (BBM = 3) is level 2 that never raises a TLB conflict abort: the trace reader's
      // rule (model/trace/parse.ts bbmField), so a run and its saved trace are judged the same.
      return e.bbm === 3 ? { op: 'online', cpu: e.cpu, bbm: 2, noabort: true } : { ...e, bbm: e.bbm };
    default:
      return e;
  }
}
