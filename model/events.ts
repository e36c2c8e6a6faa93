/**
 * The event vocabulary between any implementation under test and the model: the primitive
 * actions a CPU performs on page tables and TLBs. One event is one line of a `bbm-trace/1` trace
 * (see model/trace/README.md); `step(state, event)` consumes exactly these.
 *
 * Layer: model (pure; imports nothing outside model/).
 */
import type { Descriptor, PA, VA } from './arch/bits.ts';

/** A CPU number as the trace names it (`cpu` field), not an index. */
export type CpuId = number;

/** Translation granule of the kernel's TTBR1 tables. */
export type GranuleName = '4K' | '16K' | '64K';

/** FEAT_BBM support level, `ID_AA64MMFR2_EL1.BBM` (0, 1 or 2; 3 = FEAT_BBML3 is read as 2 + noabort). */
export type BBMLevel = 0 | 1 | 2;

/** A CPU as the trace header or an `online` event describes it. */
export interface CpuSpec {
  /** The CPU number used by every event that this CPU executes. */
  readonly id: CpuId;
  /** Its FEAT_BBM level. */
  readonly bbm: BBMLevel;
  /** Whether it never raises TLB conflict aborts for BBML2 size changes (Linux `BBML2_NOABORT`). */
  readonly noabort: boolean;
}

/** `DSB <option>`: the shareability domain and access types a barrier waits for. */
export type DSBDomain = 'ish' | 'ishst' | 'nsh' | 'nshst' | 'sy';

/** TLBI operations by VA (one address) that the model understands, in lower-case mnemonic. */
export type TLBIByVAKind = 'vae1is' | 'vale1is' | 'vaae1is' | 'vaale1is' | 'vae1' | 'vale1' | 'vaae1' | 'vaale1';
/** TLBI range operations (FEAT_TLBIRANGE). */
export type TLBIRangeKind = 'rvae1is' | 'rvaae1is' | 'rvale1is' | 'rvaale1is';
/** TLBI operations that take no address. */
export type TLBIAllKind = 'vmalle1is' | 'vmalle1';
/** Every TLBI operation of the trace format. */
export type TLBIKind = TLBIByVAKind | TLBIRangeKind | TLBIAllKind;

/** A page becomes a zeroed table page holding level-`level` entries (Arm numbering). */
export interface AllocEvent {
  readonly op: 'alloc';
  readonly pa: PA;
  readonly level: number;
}
/** A table page is returned to the allocator. */
export interface FreeEvent {
  readonly op: 'free';
  readonly pa: PA;
}
/** A 64-bit store by `cpu` to the table entry at `pa`. */
export interface WriteEvent {
  readonly op: 'write';
  readonly cpu: CpuId;
  readonly pa: PA;
  readonly val: Descriptor;
}
/** `DSB` executed by `cpu`. */
export interface DSBEvent {
  readonly op: 'dsb';
  readonly cpu: CpuId;
  readonly dom: DSBDomain;
}
/** `ISB` executed by `cpu`. */
export interface ISBEvent {
  readonly op: 'isb';
  readonly cpu: CpuId;
}
/** `TLBI <kind>` executed by `cpu`; `va` for by-VA and range forms, `size` (bytes) for range forms. */
export interface TLBIEvent {
  readonly op: 'tlbi';
  readonly cpu: CpuId;
  readonly kind: TLBIKind;
  readonly va?: VA;
  readonly size?: bigint;
}
/** The CPU stops walking the kernel tables (reserved TTBR1); its TLB keeps what it holds. */
export interface ParkEvent {
  readonly op: 'park';
  readonly cpu: CpuId;
}
/** The CPU resumes walking the kernel tables. */
export interface UnparkEvent {
  readonly op: 'unpark';
  readonly cpu: CpuId;
}
/** A CPU comes online (new id, or one that was offline), with an empty TLB. */
export interface OnlineEvent {
  readonly op: 'online';
  readonly cpu: CpuId;
  readonly bbm: BBMLevel;
  readonly noabort: boolean;
}
/** stop_machine() begins (`stop`) or ends (`resume`), called by `cpu`. */
export interface StopEvent {
  readonly op: 'stop' | 'resume';
  readonly cpu: CpuId;
}
/** The CPU walks `va` now (an explicit fill; the model is sound without it). */
export interface WalkEvent {
  readonly op: 'walk';
  readonly cpu: CpuId;
  readonly va: VA;
}

/** One primitive event. */
export type ModelEvent =
  | AllocEvent
  | FreeEvent
  | WriteEvent
  | DSBEvent
  | ISBEvent
  | TLBIEvent
  | ParkEvent
  | UnparkEvent
  | OnlineEvent
  | StopEvent
  | WalkEvent;

/** The trace header: the machine before the first event. */
export interface TraceHeader {
  readonly format: 'bbm-trace/1';
  readonly granule: GranuleName;
  readonly va_bits: 48;
  /** An allocated, zeroed table page at the top level (level 0 for 4K/16K, 1 for 64K). */
  readonly root: PA;
  /** PREEMPT_RT: allocating a table page inside stop_machine() is a violation. */
  readonly preempt_rt: boolean;
  /** The CPUs, all running. */
  readonly cpus: readonly CpuSpec[];
}
