/**
 * Builds the report input of a failure (reports/input.ts) from a judged run of the harness: the
 * run's trace as the model reads it, the operations that issued it, the configuration and the
 * model's verdict; and writes the text and HTML reports of a failing case. The one place where
 * the harness's and the SUT's types are turned into the plain data reports/ reads (reports/ may
 * not import impl/).
 *
 * Layer: cli.
 */
import type { SutConfig } from '../impl/index.ts';
import { headerToJson } from '../impl/testing/trace.ts';
import { formatSize } from '../model/bbm/change.ts';
import { parseHeader } from '../model/trace/parse.ts';
import type { JudgedRun } from '../properties/harness/judgedRun.ts';
import { toModelEvent } from '../properties/harness/toModelEvent.ts';
import type { AnyProperty } from '../properties/registry.ts';
import type { ReportConfig, ReportInput, ReplayLine } from '../reports/input.ts';

/** What the run that found a failure knows about it besides the judged run. */
export interface FailureFacts {
  readonly property: AnyProperty;
  /** `port`, `mutant:<id>` or the SUT module's path. */
  readonly sut: string;
  /** The property's failure text. */
  readonly message: string;
  readonly seed?: number;
  readonly path?: string;
  readonly runs?: number;
  readonly shrinks?: number;
  readonly replays: readonly ReplayLine[];
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const range = (base: bigint, size: bigint): string => `${hex(base)}..${hex(base + size)} (${formatSize(Number(size))})`;

/**
 * The report's configuration section of a SUT configuration.
 * @param c - the configuration
 * @returns the section's data
 */
export function reportConfig(c: SutConfig): ReportConfig {
  const k = c.memblock.kernel;
  return {
    granule: c.granule,
    variant: c.variant,
    // FEAT_BBML3 (BBM = 3) as the trace reader reads it: level 2 with noabort (model/trace/parse.ts).
    cpus: c.cpus.map((x) => (x.bbm === 3 ? { id: x.id, bbm: 2, noabort: true } : { ...x, bbm: x.bbm })),
    layout: [
      `RAM: ${c.memblock.banks.map((b) => range(b.base, b.size)).join(', ')}`,
      ...(c.memblock.nomap === undefined || c.memblock.nomap.length === 0
        ? []
        : [`NOMAP (firmware): ${c.memblock.nomap.map((b) => range(b.base, b.size)).join(', ')}`]),
      `kernel image: _text ${hex(k.text)}, _stext ${hex(k.stext)}, __init_begin ${hex(k.init_begin)}, __init_end ${hex(k.init_end)}, end ${hex(k.end)}`,
      ...(c.memblock.kfence_pool === undefined ? [] : [`KFENCE pool: ${hex(c.memblock.kfence_pool)}`]),
    ],
    knobs: [
      { name: 'rodata', value: c.rodata },
      { name: 'kfence', value: c.kfence },
      { name: 'PREEMPT_RT', value: c.preempt_rt ? 'y' : 'n' },
      { name: 'debug_pagealloc', value: c.debug_pagealloc ? 'on' : 'off' },
      { name: 'realm', value: c.realm ? 'yes' : 'no' },
    ],
  };
}

/**
 * The report input of a failure.
 * @param facts - what the failing run knows
 * @param run - the judged run of the failing input
 * @returns the input
 */
export function reportInputOf(facts: FailureFacts, run: JudgedRun): ReportInput {
  const p = facts.property;
  const v = run.violation?.violation;
  return {
    failure: {
      property: p.id,
      claim: p.claim,
      invariants: p.invariants,
      sut: facts.sut,
      ...(facts.seed === undefined ? {} : { seed: facts.seed }),
      ...(facts.path === undefined ? {} : { path: facts.path }),
      ...(facts.runs === undefined ? {} : { runs: facts.runs }),
      ...(facts.shrinks === undefined ? {} : { shrinks: facts.shrinks }),
      replays: facts.replays,
      message: facts.message,
    },
    config: reportConfig(run.config),
    header: parseHeader(headerToJson(run.m.header())),
    events: run.m.events.map(toModelEvent),
    operations: run.operations,
    ...(v === undefined ? {} : { violation: v }),
  };
}
