/**
 * The benchmark's results as Markdown tables, one per section: printed by `npm run bench` and
 * written into bench/README.md between its `bench:table` markers.
 *
 * Layer: bench.
 */
import type { CheckTraceResult } from './checkTraceSection.ts';
import type { DetectRow } from './detectSection.ts';
import type { GateRow } from './gateSection.ts';
import type { PropertyResult } from './propertySection.ts';
import type { ScalingResult } from './scalingSection.ts';
import type { Machine } from './stats.ts';

/** Everything one run measured (bench/results.json). */
export interface BenchResults {
  readonly format: 'bbm-bench/1';
  readonly date: string;
  readonly machine: Machine;
  readonly repeat: number;
  readonly checkTrace?: CheckTraceResult;
  readonly property?: PropertyResult;
  readonly scaling?: ScalingResult;
  readonly detect?: readonly DetectRow[];
  readonly gate?: readonly GateRow[];
}

const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] => [
  `| ${head.join(' | ')} |`,
  `| ${head.map(() => '---').join(' | ')} |`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
];

/**
 * The tables.
 * @param r - the results
 * @returns Markdown lines
 */
export function formatTables(r: BenchResults): string[] {
  const m = r.machine;
  const out = [
    `Measured ${r.date} on ${m.cores} cores (${m.cpu}), ${m.memGiB} GiB, Node ${m.node}, load ${m.load} at the start; medians of ${r.repeat} runs.`,
    '',
  ];
  const ct = r.checkTrace;
  if (ct !== undefined) {
    out.push(`**1. check-trace end to end** (start-up alone ${ct.startupMs} ms; casemate-check: ${ct.casemate})`, '');
    out.push(
      ...table(
        ['workload', 'events', 'wall ms', 'M events/s', 'peak RSS MiB', 'casemate ms', 'ratio'],
        ct.rows.map((x) => [x.workload, x.events, x.wallMs, x.meps, x.peakRssMiB, x.casemateMs ?? '–', x.ratio ?? '–']),
      ),
      '',
      ...table(
        ['workload (in process)', 'events', 'read + parse M/s', 'step M/s cold', 'step M/s warm'],
        ct.split.map((x) => [x.workload, x.events, x.parseMeps, x.coldStepMeps ?? '–', x.stepMeps]),
      ),
      '',
    );
  }
  const p = r.property;
  if (p !== undefined) {
    out.push('**2. checked throughput inside property runs** (checking = model step + interp)', '');
    out.push(
      ...table(
        ['property', 'runs', 'events', 'ms', 'checked M/s', 'unchecked M/s', 'ratio'],
        [...p.rows, p.total].map((x) => [x.property, x.runs, x.events, x.ms, x.checkedMeps, x.uncheckedMeps, x.ratio]),
      ),
      '',
    );
  }
  const s = r.scaling;
  if (s !== undefined) {
    out.push('**3. scaling** (one split of one page; interp of a fixed 64 MiB window)', '');
    out.push(
      ...table(
        ['linear map', 'split µs (SUT)', 'split µs (model)', 'events', 'interp µs'],
        s.split.map((x) => [x.size, x.splitUs, x.modelUs, x.events, x.interpUs]),
      ),
      '',
      ...table(
        ['repaint of', 'PTEs written', 'ns/PTE (SUT)', 'ns/PTE (model)'],
        s.repaint.map((x) => [x.size, x.ptes, x.sutNsPerPte, x.modelNsPerPte]),
      ),
      '',
    );
  }
  const d = r.detect;
  if (d !== undefined) {
    out.push(
      '**4. time to detect each seeded bug** (its expected killer, unshrunk; medians over the seeds that found it)',
      '',
    );
    out.push(
      ...table(
        ['seeded bug', 'property', 'found', 'runs', 'ms', 'shrink ms'],
        d.map((x) => [x.mutant, x.property, `${x.found}/${x.seeds}`, x.runs ?? '–', x.ms ?? '–', x.shrinkMs ?? '–']),
      ),
      '',
    );
  }
  const g = r.gate;
  if (g !== undefined) {
    out.push('**5. the gate**', '');
    out.push(
      ...table(
        ['command', 'wall s', 'ok', 'measured'],
        g.map((x) => [x.command, x.wallS, x.ok ? 'yes' : 'no', x.measured]),
      ),
      '',
    );
  }
  return out;
}
