/**
 * The text report of a failure, in the order a maintainer reads it (issue 10):
 *
 *   1. the property and its claim, SUT and variant, seed/path/runs/shrinks, both replays;
 *   2. the configuration: granule, CPUs with BBM level, noabort and state, layout, knobs;
 *   3. the operations, and under the failing one its primitive events, numbered as in the trace,
 *      ending at the failing event with `! <code>: <message>`;
 *   4. the state at the failing step: touched entries as `-`/`+` with decoded descriptors and
 *      Casemate states, and the stale entries CPUs may still hold;
 *   5. the VA layout before and after as an aligned ruler;
 *   6. the rule broken, in one sentence, and the usual fix.
 *
 * Colour (by `paint`) only where the caller decided a terminal wants it (reports/colour.ts).
 *
 * Layer: reports.
 */
import type { FailureAnalysis } from './analyse.ts';
import type { Paint } from './colour.ts';
import { plain } from './colour.ts';
import { hexOf } from './descriptorText.ts';
import { eventCounts } from './eventText.ts';
import { failureWindow, rulerLines } from './ruler.ts';
import { ruleOf } from './rules.ts';
import { diffLines, staleLines } from './stateDiff.ts';

/** How many events of the failing operation are shown before the failing one, and at its start. */
const TAIL = 12;
const HEAD = 3;
/** How many operations are listed at most (the first and the last ones). */
const MAX_OPS = 24;

/** What `verdictParts` says about the failure. */
export interface Verdict {
  /** `! <code>: <message>` (or, for a failed claim, `! claim: <first line>`). */
  readonly line: string;
  /** The site and detail lines under it. */
  readonly detail: readonly string[];
}

/**
 * The verdict of a failure.
 * @param a - the analysis
 * @returns the verdict line and its detail
 */
export function verdictOf(a: FailureAnalysis): Verdict {
  const v = a.input.violation;
  if (v === undefined) {
    const first = a.input.failure.message.split('\n')[0] ?? '';
    return { line: `! claim: ${first}`, detail: [] };
  }
  const site = [
    ...(v.cpu === undefined ? [] : [`cpu ${v.cpu}`]),
    ...(v.pa === undefined ? [] : [`pa ${hexOf(v.pa)}`]),
    ...(v.va === undefined ? [] : [`va ${hexOf(v.va)}`]),
    ...(v.level === undefined ? [] : [`level ${v.level}`]),
  ].join('  ');
  return { line: `! ${v.code}: ${v.message}`, detail: [...(site === '' ? [] : [site]), v.detail] };
}

function header(a: FailureAnalysis, paint: Paint): string[] {
  const f = a.input.failure;
  const c = a.input.config;
  const found = [
    ...(f.seed === undefined ? [] : [`seed ${f.seed}`]),
    ...(f.path === undefined ? [] : [`path ${f.path}`]),
    ...(f.runs === undefined ? [] : [`${f.runs} run${f.runs === 1 ? '' : 's'}`]),
    ...(f.shrinks === undefined ? [] : [`shrunk ${f.shrinks} time${f.shrinks === 1 ? '' : 's'}`]),
  ].join(', ');
  const width = Math.max(0, ...f.replays.map((r) => r.how.length));
  return [
    paint('bold', `FAIL ${f.property}`) + ` — ${f.claim}`,
    `  SUT ${f.sut}, variant ${c.variant}${found === '' ? '' : `; ${found}`}`,
    `  checks ${f.invariants}`,
    ...f.replays.map((r) => `  replay ${`(${r.how})`.padEnd(width + 2)}  ${r.command}`),
  ];
}

function configuration(a: FailureAnalysis): string[] {
  const c = a.input.config;
  const statusOf = (id: number): string => {
    const cpu = a.after.cpus.get(id);
    if (cpu === undefined) return 'not yet online';
    return a.after.stoppedBy === id ? `${cpu.status}, in stop_machine()` : cpu.status;
  };
  return [
    `granule ${c.granule} (48-bit VA, root ${hexOf(a.input.header.root)})${a.input.header.preempt_rt ? ', PREEMPT_RT' : ''}`,
    ...c.cpus.map(
      (cpu, i) =>
        `cpu${cpu.id}  BBM level ${cpu.bbm}${cpu.noabort ? ', noabort' : ''}${i === 0 ? ' (boot CPU)' : ''}  — ${statusOf(cpu.id)} at the failing event`,
    ),
    ...c.layout,
    `knobs: ${c.knobs.map((k) => `${k.name}=${k.value}`).join('  ')}`,
  ];
}

function operations(a: FailureAnalysis, verdict: Verdict, paint: Paint): string[] {
  const ops = a.input.operations;
  const out: string[] = [];
  const range = (from: number, to: number): string =>
    to - from === 1 ? `event ${from + 1}` : `events ${from + 1}–${to}`;
  const shown = ops
    .map((_, i) => i)
    .filter((i) => ops.length <= MAX_OPS || i < 4 || i >= ops.length - (MAX_OPS - 5) || i === a.opIndex);
  let prev = -1;
  for (const i of shown) {
    const op = ops[i];
    if (op === undefined) continue;
    if (i > prev + 1) out.push(`   … ${i - prev - 1} more operation(s)`);
    prev = i;
    const events = a.input.events.slice(op.from, op.to);
    out.push(`${String(i + 1).padStart(3)}. ${op.label}   ${range(op.from, op.to)} (${eventCounts(events)})`);
    if (i !== a.opIndex) continue;
    const last = Math.min(a.failingEvent, a.input.events.length);
    const idx = [...a.eventLines.keys()].sort((x, y) => x - y);
    const cut = idx.length > HEAD + TAIL + 1;
    for (const [k, e] of idx.entries()) {
      if (cut && k === HEAD) {
        const gap = idx.slice(HEAD, idx.length - TAIL);
        const skipped = gap.map((j) => a.input.events[j]).filter((x) => x !== undefined);
        out.push(`       … ${gap.length} event(s): ${eventCounts(skipped)}`);
      }
      if (cut && k >= HEAD && k < idx.length - TAIL) continue;
      const failing = e === last - 1 && !a.atEnd && a.input.violation !== undefined;
      const line = `${failing ? '!' : ' '} ${String(e + 1).padStart(7)}  ${a.eventLines.get(e) ?? ''}`;
      out.push(`    ${failing ? paint('red', line) : line}`);
    }
    if (a.atEnd) out.push(`    ! ${String(a.failingEvent).padStart(7)}  end of trace (the model's final judgement)`);
  }
  if (ops.length === 0) out.push('(the run issued no primitive event)');
  out.push(paint('red', paint('bold', verdict.line)), ...verdict.detail.map((d) => `    ${d}`));
  return out;
}

/**
 * The text report.
 * @param a - the analysis
 * @param paint - colour, or not (the default)
 * @returns the report, lines joined by newlines, no final newline
 */
export function textReport(a: FailureAnalysis, paint: Paint = plain): string {
  const verdict = verdictOf(a);
  const v = a.input.violation;
  const rule = ruleOf(v?.code, a.input.failure.property, a.input.failure.invariants, a.input.failure.claim);
  const w = failureWindow(a);
  const op = a.input.operations[a.opIndex];
  const section = (n: number, title: string, lines: readonly string[]): string[] => [
    '',
    paint('bold', `${n}. ${title}`),
    ...lines.map((l) => (l === '' ? '' : `   ${l}`)),
  ];
  const diff = diffLines(a).map((l) =>
    l.startsWith('  - ') ? paint('red', l) : l.startsWith('  + ') ? paint('green', l) : l,
  );
  const claimText = v === undefined ? a.input.failure.message.split('\n').slice(1) : [];
  const out = [
    ...header(a, paint),
    ...section(2, 'Configuration', configuration(a)),
    ...section(3, 'Operations and their primitive events', operations(a, verdict, paint)),
    ...(claimText.length > 0 ? ['', ...claimText.map((l) => `   ${l}`)] : []),
    ...(a.error !== undefined
      ? section(4, 'State', [`the trace could not be replayed on the model: ${a.error}`])
      : [
          ...section(
            4,
            `State at the failing step (- when ${op?.label ?? 'the run'} began, + after event ${a.failingEvent})`,
            [
              ...diff,
              '',
              'Stale TLB entries (what CPUs may still hold beyond the tables):',
              ...staleLines(a, w).map((l) => `  ${l}`),
            ],
          ),
          ...section(
            5,
            'VA layout before and after',
            w === undefined ? ['(the failure names no VA)'] : rulerLines(a, w),
          ),
        ]),
    ...section(6, 'Rule broken', [`${rule.rule}: ${rule.sentence}`, `Usual fix: ${rule.fix}`]),
  ];
  return out.join('\n');
}
