/**
 * Section 3: cost against the size of the linear map. On block-mapped linear maps of 1 GiB to
 * 16 TiB (one bank, a BBML2-noabort CPU, rodata=full): one `split_kernel_leaf_mapping()` of one
 * page (SUT time and the model's time judging its events, medians of {@link SPLITS} splits in
 * distinct 2 MiB blocks of the first GiB, so that every size splits the same shapes) and one
 * `interp` of a fixed 64 MiB window. Nothing may scan all of memory per event: each should stay
 * flat (the issue: 1 TiB within 1.5× of 1 GiB). Then the repaint
 * (`linear_map_maybe_split_to_ptes()` when a CPU without BBML2 came up at boot) of 1 and 4 GiB
 * (16 GiB with `BENCH_LARGE=1`): time per PTE written, SUT and model, which should be flat too
 * (linear in the PTEs written).
 *
 * Layer: bench.
 */
import type { SutConfig } from '../impl/index.ts';
import { createSut } from '../impl/index.ts';
import { NOABORT, PLAIN, makeConfig, oneBank } from '../impl/testing/setup.ts';
import { bootCpu, finalise, memInit, startSecondary } from '../properties/harness/boot.ts';
import { JudgedRun } from '../properties/harness/judgedRun.ts';
import { LINEAR_START } from '../properties/harness/leaves.ts';
import { median, timed } from './stats.ts';

const G = 1n << 30n;
const M = 1n << 20n;
/** Splits per linear-map size. */
const SPLITS = 12;

/** The figures of one linear-map size. */
export interface SplitScaleRow {
  readonly size: string;
  /** Per split of one page: SUT µs, model µs, events. */
  readonly splitUs: number;
  readonly modelUs: number;
  readonly events: number;
  /** One interp of the fixed window, µs. */
  readonly interpUs: number;
}

/** The repaint of one size. */
export interface RepaintRow {
  readonly size: string;
  readonly ptes: number;
  /** Nanoseconds per PTE written: SUT, model. */
  readonly sutNsPerPte: number;
  readonly modelNsPerPte: number;
}

/** The section's figures. */
export interface ScalingResult {
  readonly split: readonly SplitScaleRow[];
  readonly repaint: readonly RepaintRow[];
}

const label = (bytes: bigint): string => (bytes >= 1024n * G ? `${bytes / (1024n * G)} TiB` : `${bytes / G} GiB`);

/** Boots to just before setup_system_features() (properties/harness/boot.ts). */
function booted(cfg: SutConfig): JudgedRun {
  const run = new JudgedRun(cfg, createSut);
  bootCpu(run);
  memInit(run);
  for (const c of cfg.cpus.slice(1)) startSecondary(run, c.id, 'early');
  if (run.violation !== undefined) throw new Error(`boot: ${run.violation.violation.code}`);
  return run;
}

function splitRow(size: bigint): SplitScaleRow {
  const run = booted(makeConfig('4K', { memblock: oneBank(size) }));
  finalise(run);
  const sut: number[] = [];
  const model: number[] = [];
  const events: number[] = [];
  const interps: number[] = [];
  const window = LINEAR_START + 512n * M;
  for (let i = 0; i < SPLITS; i++) {
    const va = LINEAR_START + 64n * M + BigInt(i) * 2n * M + 0x1000n;
    const before = { ...JudgedRun.cost };
    const t = timed(() => run.run('split', run.ops.split_kernel_leaf_mapping(va, va + 0x1000n)));
    if (t.value !== 0 || run.violation !== undefined) throw new Error(`split at ${size}: ${t.value}`);
    const checkMs = JudgedRun.cost.ms - before.ms;
    sut.push((t.ms - checkMs) * 1000);
    model.push(checkMs * 1000);
    events.push(JudgedRun.cost.events - before.events);
    interps.push(timed(() => run.interp(window, window + 64n * M)).ms * 1000);
  }
  return {
    size: label(size),
    splitUs: Math.round(median(sut)),
    modelUs: Math.round(median(model)),
    events: median(events),
    interpUs: Math.round(median(interps)),
  };
}

function repaintRow(size: bigint): RepaintRow {
  const run = booted(makeConfig('4K', { memblock: oneBank(size), cpus: [NOABORT(0), PLAIN(1)] }));
  const from = run.m.events.length;
  const before = { ...JudgedRun.cost };
  const t = timed(() => finalise(run));
  if (run.violation !== undefined) throw new Error(`repaint of ${label(size)}: ${run.violation.violation.code}`);
  let ptes = 0;
  for (let i = from; i < run.m.events.length; i++) if (run.m.events[i]?.op === 'write') ptes++;
  const checkMs = JudgedRun.cost.ms - before.ms;
  return {
    size: label(size),
    ptes,
    sutNsPerPte: Math.round(((t.ms - checkMs) * 1e6) / ptes),
    modelNsPerPte: Math.round((checkMs * 1e6) / ptes),
  };
}

/**
 * Runs the section.
 * @param large - whether to add the 16 GiB repaint
 * @param log - progress lines
 * @returns the figures
 */
export function scalingSection(large: boolean, log: (l: string) => void): ScalingResult {
  JudgedRun.timeChecks = true;
  // A first, discarded round warms the JIT up, so that the smallest size is not charged for it.
  splitRow(1n * G);
  const split = [1n * G, 64n * G, 1024n * G, 16n * 1024n * G].map((s) => {
    const r = splitRow(s);
    log(`  split on ${r.size}: ${r.splitUs} µs SUT, ${r.modelUs} µs model`);
    return r;
  });
  const repaint = (large ? [1n, 4n, 16n] : [1n, 4n]).map((g) => {
    const r = repaintRow(g * G);
    log(`  repaint ${r.size}: ${r.ptes} PTEs, ${r.sutNsPerPte} ns/PTE SUT`);
    return r;
  });
  return { split, repaint };
}
