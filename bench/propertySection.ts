/**
 * Section 2: checked throughput inside property runs. Every property of the catalogue runs at the
 * pinned seed ({@link RUNS} runs) on the faithful port; the primitive events it produced per
 * second of the whole run (SUT + model + property checks), against the same events with the
 * checking taken out: the time the model spent judging them and answering `interp`
 * (`JudgedRun.cost`, measured around each batch in the same run) subtracted. The ratio is the
 * cost of checking (the target: at least 1/3).
 *
 * Layer: bench.
 */
import { VERIFY_SEED } from '../cli/verbs.ts';
import { createSut } from '../impl/index.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { JudgedRun } from '../properties/harness/judgedRun.ts';
import { verifyProperty } from '../properties/verify.ts';
import { mps } from './stats.ts';

/** Runs per property: `BENCH_PROPERTY_RUNS`, default 10 (the ratio does not depend on it). */
const RUNS = Math.max(1, Number(process.env['BENCH_PROPERTY_RUNS'] ?? 10));

/** One property's figures. */
export interface PropertyRow {
  readonly property: string;
  readonly runs: number;
  readonly events: number;
  readonly ms: number;
  /** M events/s with checking, and with the checking's time taken out. */
  readonly checkedMeps: number;
  readonly uncheckedMeps: number;
  /** checked / unchecked. */
  readonly ratio: number;
}

/** The section's figures: per property and over all of them. */
export interface PropertyResult {
  readonly rows: readonly PropertyRow[];
  readonly total: PropertyRow;
}

function row(property: string, runs: number, events: number, ms: number, checkMs: number): PropertyRow {
  return {
    property,
    runs,
    events,
    ms: Math.round(ms),
    checkedMeps: mps(events, ms),
    uncheckedMeps: mps(events, ms - checkMs),
    ratio: Math.round(((ms - checkMs) / ms) * 100) / 100,
  };
}

/**
 * Runs the section.
 * @param log - progress lines
 * @returns the figures
 * @throws Error when a property fails on the port (the suite is broken: nothing to measure)
 */
export function propertySection(log: (l: string) => void): PropertyResult {
  JudgedRun.timeChecks = true;
  const rows: PropertyRow[] = [];
  let all = { runs: 0, events: 0, ms: 0, checkMs: 0 };
  for (const p of PROPERTIES) {
    const before = { ...JudgedRun.cost };
    const r = verifyProperty(p, createSut, { seed: VERIFY_SEED, runs: RUNS, noShrink: true });
    if (r.status !== 'pass') throw new Error(`${p.id}: ${r.status} on the port: ${r.failure ?? r.reason ?? ''}`);
    const events = JudgedRun.cost.events - before.events;
    const checkMs = JudgedRun.cost.ms - before.ms;
    rows.push(row(p.id, r.runs, events, r.ms, checkMs));
    all = { runs: all.runs + r.runs, events: all.events + events, ms: all.ms + r.ms, checkMs: all.checkMs + checkMs };
    log(`  property ${p.id}: ${r.runs} runs, ${events} events, ${Math.round(r.ms)} ms`);
  }
  return { rows, total: row('all', all.runs, all.events, all.ms, all.checkMs) };
}
