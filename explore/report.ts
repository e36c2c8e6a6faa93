/**
 * The search's report, in TLC's words: states generated, distinct states, the depth reached, the
 * queue left, the time, and "scope exhausted" or where and why it stopped; a failure adds the
 * counterexample's steps, where it was saved and how to replay it.
 *
 * Layer: explore.
 */
import type { SearchResult, SearchStats } from './search.ts';
import type { Scope } from './scope.ts';
import { counterexampleSize } from './counterexample.ts';
import { describeOp } from '../properties/ops/ops.ts';
import { describeSchedule } from '../properties/arbitraries/schedule.ts';
import type { AnswersInput } from '../properties/answers/answersCase.ts';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * The counts as one line (the progress line, and the report's first).
 * @param s - the counts
 * @returns the line
 */
export function countsLine(s: Readonly<SearchStats>): string {
  return `${plural(s.generated, 'state')} generated, ${plural(s.distinct, 'distinct state')}, depth ${s.depth}, ${s.queue} left on the queue, ${(s.elapsedMs / 1000).toFixed(1)} s`;
}

/**
 * The steps of a counterexample, one per line.
 * @param input - the input
 * @returns the lines
 */
export function stepLines(input: AnswersInput): string[] {
  const lines: string[] = [];
  if (input.finalSchedule.length > 0)
    lines.push(
      `  0. setup_system_features() with stop_machine() schedule (task × steps) ${describeSchedule(input.finalSchedule)}`,
    );
  input.steps.forEach((s, i) => {
    lines.push(
      s.kind === 'op'
        ? `  ${i + 1}. ${describeOp(s.op)} on online cpu #${s.cpu}`
        : `  ${i + 1}. ${describeOp(s.a)} ∥ ${describeOp(s.b)} with schedule ${describeSchedule(s.schedule)}`,
    );
  });
  return lines;
}

/**
 * The report.
 * @param scope - the scope
 * @param sutName - the SUT's name
 * @param r - how the search ended
 * @param saved - the counterexample's case file and property, when one was saved
 * @param workers - worker processes used
 * @returns the lines
 */
export function reportLines(
  scope: Scope,
  sutName: string,
  r: SearchResult,
  saved?: {
    readonly caseFile: string;
    readonly property: string;
    readonly note?: string;
    readonly report: string;
    readonly value: unknown;
  },
  workers = 1,
): string[] {
  const head = [
    `explore: scope ${scope.name} on ${sutName}: ${scope.description}`,
    `  bounds: ${plural(scope.maxOps, 'operation')} of ${scope.ops.length} in the alphabet${scope.pairs ? ' (pairs interleaved)' : ''}, ${plural(scope.maxPreemptions, 'preemption')}${scope.exploreFinal ? ', the finalisation stop_machine() explored' : ''}`,
    `  ${countsLine(r.stats)}${workers > 1 ? ` (${workers} workers)` : ''}`,
  ];
  if (r.kind === 'exhausted')
    return [
      ...head,
      `  scope exhausted: every check held in every state (${plural(r.stats.distinct, 'distinct state')})`,
    ];
  if (r.kind === 'stopped') return [...head, `  stopped: ${r.why}; the scope is NOT exhausted`];
  // The case as saved: the input, or one with fewer schedules (counterexample.ts plainest()), or
  // for the repaint's claim the configuration alone (no operation, the harness's schedule).
  const v = saved?.value;
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  const shown: AnswersInput =
    o === undefined
      ? r.input
      : 'granule' in o
        ? { ...r.input, finalSchedule: [], steps: [] }
        : {
            ...r.input,
            finalSchedule: Array.isArray(o['finalSchedule'])
              ? (o['finalSchedule'] as AnswersInput['finalSchedule'])
              : [],
            steps: Array.isArray(o['steps']) ? (o['steps'] as AnswersInput['steps']) : [],
          };
  const size = counterexampleSize(shown);
  // The failure as the saved case's replay reports it (what `bbm-verify replay` prints), unless
  // the case does not fail by itself.
  const text = saved !== undefined && saved.note === undefined && saved.report !== '' ? saved.report : r.message;
  return [
    ...head,
    `FAIL  ${saved?.property ?? r.property ?? 'ops.answers-exact'} at depth ${r.depth} (${plural(size.ops, 'operation')}, ${plural(size.preemptions, 'preemption')}): ${text.split('\n')[0] ?? ''}`,
    ...(stepLines(shown).length === 0
      ? ['  steps after boot: none (the boot fails)']
      : ['  steps after boot:', ...stepLines(shown)]),
    ...text
      .split('\n')
      .slice(1)
      .map((l) => `  ${l}`),
    ...(saved === undefined
      ? []
      : [
          `  saved: ${saved.caseFile}${saved.note === undefined ? '' : ` (${saved.note})`}`,
          `  replay: bbm-verify replay ${saved.caseFile}`,
        ]),
  ];
}
