/**
 * Section 4: time to detect every seeded bug. Its expected killer runs at {@link SEEDS} pinned
 * seeds (the verify seed and seeds derived from it) without shrinking, each for at most
 * {@link LIMIT_MS}: runs and seconds to the first failure, medians over the seeds that found it; then once at the verify seed with
 * shrinking: the shrink time (that run's time less the unshrunk one's). The target: every
 * seeded bug found in < 2 s median.
 *
 * Layer: bench.
 */
import { deriveSeeds } from '../cli/verify.ts';
import { VERIFY_SEED } from '../cli/verbs.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { verifyProperty } from '../properties/verify.ts';
import { median } from './stats.ts';

/** A seed that has not found the bug after this long gives up (`BENCH_DETECT_LIMIT_MS`, default 20 s). */
const LIMIT_MS = Number(process.env['BENCH_DETECT_LIMIT_MS'] ?? 20_000);

/** Pinned seeds per seeded bug: `BENCH_DETECT_SEEDS`, default 3. */
const SEEDS = deriveSeeds(VERIFY_SEED, Math.max(1, Number(process.env['BENCH_DETECT_SEEDS'] ?? 3)));

/** One seeded bug's figures. */
export interface DetectRow {
  readonly mutant: string;
  readonly property: string;
  /** How many of the seeds found it. */
  readonly found: number;
  readonly seeds: number;
  /** Medians over the seeds that found it (runs to the first failure, ms); absent when none did. */
  readonly runs?: number;
  readonly ms?: number;
  /** The shrink's time at the verify seed (ms), when that seed found it. */
  readonly shrinkMs?: number;
}

/**
 * Runs the section.
 * @param log - progress lines
 * @returns the figures, one row per catalogued seeded bug
 */
export function detectSection(log: (l: string) => void): DetectRow[] {
  return MUTANTS.map((m) => {
    const p = PROPERTIES.find((q) => q.id === m.expectedKiller);
    if (p === undefined) throw new Error(`${m.id}: no property ${m.expectedKiller}`);
    const found = SEEDS.map((seed) =>
      verifyProperty(p, m.createSut, { seed, noShrink: true, timeMs: LIMIT_MS }),
    ).filter((r) => r.status === 'fail');
    const first = found.find((r) => r.seed === VERIFY_SEED);
    const shrunk =
      first === undefined ? undefined : verifyProperty(p, m.createSut, { seed: VERIFY_SEED, timeMs: 3 * LIMIT_MS });
    const row: DetectRow = {
      mutant: m.id,
      property: p.id,
      found: found.length,
      seeds: SEEDS.length,
      ...(found.length === 0
        ? {}
        : {
            runs: median(found.map((r) => r.runsToFailure ?? r.runs)),
            ms: Math.round(median(found.map((r) => r.ms))),
          }),
      ...(shrunk === undefined || first === undefined
        ? {}
        : { shrinkMs: Math.round(Math.max(0, shrunk.ms - first.ms)) }),
    };
    log(`  detect ${m.id}: ${row.found}/${row.seeds} seeds, ${row.ms ?? '–'} ms median`);
    return row;
  });
}
