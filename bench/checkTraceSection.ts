/**
 * Section 1: `bbm-verify check-trace` end to end (process start-up, reading, parsing, checking)
 * on the generated workloads, wall time and peak RSS, medians of {@link REPEAT} runs; the same
 * stream through `casemate-check -q` when `CASEMATE_CHECK` names a built binary; and, in this
 * process, how the time splits between reading + parsing and the model's `step`.
 *
 * Layer: bench.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { asPA } from '../model/arch/bits.ts';
import { initialState, step } from '../model/step.ts';
import { parseEvent } from '../model/trace/parse.ts';
import type { ModelEvent } from '../model/events.ts';
import { REPEAT, median, mps, timed } from './stats.ts';
import { headerLine, writeTrace } from './traceFile.ts';
import type { Workload } from './workloads.ts';
import { ROOT, WORKLOADS, remap } from './workloads.ts';

const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT_DIR, 'bin', 'bbm-verify.mjs');
const PRELOAD = join(ROOT_DIR, 'bench', 'maxrss.mjs');

/**
 * The node flags of bin/bbm-verify.mjs's shebang (`#!/usr/bin/env -S node FLAGS`), so that the
 * benchmark runs check-trace as `npx bbm-verify` does, not as a bare `node bin/bbm-verify.mjs`.
 * @returns the flags (none when the shebang names none)
 */
export function shebangNodeFlags(): string[] {
  const first = readFileSync(CLI, 'utf8').split('\n', 1)[0] ?? '';
  const words = first
    .replace(/^#!\S*\s*/, '')
    .split(/\s+/)
    .filter((w) => w !== '');
  const node = words.findIndex((w) => w === 'node' || w.endsWith('/node'));
  return node < 0 ? [] : words.slice(node + 1);
}

/** One workload at one length. */
export interface CheckTraceRow {
  readonly workload: string;
  readonly events: number;
  readonly wallMs: number;
  readonly meps: number;
  readonly peakRssMiB: number;
  /** `casemate-check -q` on the same file, and our wall time over its; absent when not built. */
  readonly casemateMs?: number;
  readonly ratio?: number;
}

/** The in-process split of the largest default trace of each workload. */
export interface SplitRow {
  readonly workload: string;
  readonly events: number;
  /**
   * Reading + `parseEvent`; `step` alone, its first pass over the stream (cold: V8 still
   * compiling) and a second pass on a fresh state (warm); in M events/s of process CPU time (the
   * garbage collector's and compiler's helper threads included).
   */
  readonly parseMeps: number;
  readonly coldStepMeps?: number;
  readonly stepMeps: number;
}

/** The section's figures. */
export interface CheckTraceResult {
  readonly startupMs: number;
  readonly rows: readonly CheckTraceRow[];
  readonly split: readonly SplitRow[];
  readonly casemate: string;
}

/** Default lengths per workload; `BENCH_LARGE=1` adds 10^6 everywhere and 10^7. */
function sizes(w: Workload, large: boolean): number[] {
  const base = w.name === 'remap' ? [1e4, 1e5, 1e6] : [1e4, 1e5];
  if (!large) return base;
  return [...new Set([...base, 1e6, 1e7])];
}

/** Read once: every measured run gets the same flags. */
const NODE_FLAGS = shebangNodeFlags();

function runCli(file: string, rssFile: string): { ms: number; rssKiB: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...NODE_FLAGS, '--import', PRELOAD, CLI, 'check-trace', file], {
    env: { ...process.env, BENCH_RSS_OUT: rssFile },
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`check-trace ${file} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return { ms, rssKiB: Number(readFileSync(rssFile, 'utf8')) };
}

function runCasemate(bin: string, file: string): number {
  const t0 = performance.now();
  const r = spawnSync(bin, ['-q', file], { encoding: 'utf8' });
  if (r.error !== undefined) throw new Error(`CASEMATE_CHECK=${bin}: ${r.error.message}`);
  return performance.now() - t0;
}

function splitOf(w: Workload, file: string, events: number): SplitRow {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.shift();
  const parsed: ModelEvent[] = [];
  const parse = timed(() => {
    for (const l of lines) if (l !== '') parsed.push(parseEvent(l));
  });
  // The first pass over a stream is mostly V8 compiling `step` (remap: 0.39 M/s cold against
  // 1.0 M/s from the second pass on, 10^5 events): `step` is measured warm, on a fresh state, as a
  // long trace runs; the cold cost is in the end-to-end rows above.
  const stepAll = (): void => {
    const state = initialState({ granule: '4K', root: asPA(ROOT), preemptRt: false, cpus: w.cpus });
    for (const e of parsed) if (step(state, e) !== undefined) throw new Error(`${w.name}: not clean`);
  };
  const cold = timed(stepAll);
  const run = timed(stepAll);
  return {
    workload: w.name,
    events,
    parseMeps: mps(events, parse.cpuMs),
    coldStepMeps: mps(events, cold.cpuMs),
    stepMeps: mps(events, run.cpuMs),
  };
}

/**
 * Runs the section.
 * @param dir - a scratch folder for the traces
 * @param large - whether to add the big sizes
 * @param log - progress lines
 * @returns the figures
 */
export function checkTraceSection(dir: string, large: boolean, log: (l: string) => void): CheckTraceResult {
  const casemate = process.env['CASEMATE_CHECK'];
  const rssFile = join(dir, 'rss');
  const rows: CheckTraceRow[] = [];
  const split: SplitRow[] = [];
  const empty = join(dir, 'empty.jsonl');
  writeFileSync(empty, `${headerLine(remap)}\n`);
  const startupMs = median(Array.from({ length: REPEAT }, () => runCli(empty, rssFile).ms));
  for (const w of WORKLOADS) {
    for (const n of sizes(w, large)) {
      const file = join(dir, `${w.name}-${n}.jsonl`);
      const events = writeTrace(w, n, file);
      const runs = Array.from({ length: REPEAT }, () => runCli(file, rssFile));
      const wallMs = median(runs.map((r) => r.ms));
      const row: CheckTraceRow = {
        workload: w.name,
        events,
        wallMs: Math.round(wallMs),
        meps: mps(events, wallMs),
        peakRssMiB: Math.round(Math.max(...runs.map((r) => r.rssKiB)) / 1024),
      };
      if (casemate !== undefined) {
        const cm = median(Array.from({ length: REPEAT }, () => runCasemate(casemate, file)));
        rows.push({ ...row, casemateMs: Math.round(cm), ratio: Math.round((wallMs / cm) * 100) / 100 });
      } else rows.push(row);
      log(`  check-trace ${w.name} ${events}: ${Math.round(wallMs)} ms, ${row.peakRssMiB} MiB`);
      if (n === 1e5) split.push(splitOf(w, file, events));
      rmSync(file);
    }
  }
  return {
    startupMs: Math.round(startupMs),
    rows,
    split,
    casemate: casemate === undefined ? 'skipped: casemate-check not built' : casemate,
  };
}
