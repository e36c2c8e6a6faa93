/**
 * What a failure report is made of: the typed input every renderer (text, HTML) reads. It is
 * plain data — the failure as the property and the run describe it, the configuration, the
 * run's primitive trace cut into the operations that issued it, and the model's verdict — so that
 * a report can be built from a live run (`bbm-verify verify`), a saved case (`replay`) or a saved
 * trace alike, and so that golden tests can pin it.
 *
 * The model state before and after the failing step is not part of the input: `analyseFailure()`
 * (reports/analyse.ts) replays the trace on the model to get it, so the states a report draws
 * are the model's own, never a copy the caller could get wrong.
 *
 * Layer: reports (model types only).
 */
import type { Violation } from '../model/bbm/violations.ts';
import type { CpuSpec, ModelEvent, TraceHeader } from '../model/events.ts';

/** A replay command and how it replays (`by value`, `by seed and path`). */
export interface ReplayLine {
  readonly how: string;
  readonly command: string;
}

/** Section 1: what failed, where it was found, and how to see it again. */
export interface ReportFailure {
  /** The property id (`bbm.model-clean`) and its claim in one sentence. */
  readonly property: string;
  readonly claim: string;
  /** The invariants the property checks (arm-bbm-rules.md §7, kernel-split-repaint.md §8). */
  readonly invariants: string;
  /** The implementation under test: `port`, `mutant:<id>` or a module path. */
  readonly sut: string;
  readonly seed?: number;
  /** The fast-check replay path of the counterexample. */
  readonly path?: string;
  /** Inputs tried, and how many times the counterexample was shrunk. */
  readonly runs?: number;
  readonly shrinks?: number;
  readonly replays: readonly ReplayLine[];
  /**
   * The property's own failure text: its first line says what went wrong (for a model violation,
   * the verdict line); the rest is the property's detail (steps, configuration), kept verbatim.
   */
  readonly message: string;
}

/** Section 2: the machine and the kernel configuration of the failing run. */
export interface ReportConfig {
  readonly granule: string;
  /** The kernel variant the port follows (`v7.2-rc`, `v7.1`, `v7.3`, `v6.18`, `prealloc`). */
  readonly variant: string;
  /** Every CPU of the machine, boot CPU first. */
  readonly cpus: readonly CpuSpec[];
  /** The physical layout, one short line each (RAM banks, NOMAP regions, kernel image, KFENCE pool). */
  readonly layout: readonly string[];
  /** The configuration knobs and their values (`rodata`, `kfence`, `PREEMPT_RT`, …). */
  readonly knobs: readonly { readonly name: string; readonly value: string }[];
}

/** One kernel operation of the run and the events it issued: `events[from..to)` (0-based). */
export interface ReportOperation {
  readonly label: string;
  readonly from: number;
  readonly to: number;
}

/** Everything a failure report shows. */
export interface ReportInput {
  readonly failure: ReportFailure;
  readonly config: ReportConfig;
  /** The run's trace: its header and its events, in order (event N of a verdict is `events[N-1]`). */
  readonly header: TraceHeader;
  readonly events: readonly ModelEvent[];
  readonly operations: readonly ReportOperation[];
  /** The model's first verdict on the run, when the model judged one (absent: a failed claim). */
  readonly violation?: Violation;
}
