/**
 * Section 5: the gate — wall time of `npm run verify` at its default budget (every core) and of
 * `npm test`, each run once as a user would (they take minutes: only with `BENCH_GATE=1`;
 * otherwise the figures of the last run that measured them are carried over, with their date).
 *
 * Layer: bench.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));

/** One gate command's figure. */
export interface GateRow {
  readonly command: string;
  readonly wallS: number;
  readonly ok: boolean;
  /** When it was measured (ISO date); carried over from an earlier run when not measured now. */
  readonly measured: string;
}

function npm(args: readonly string[]): { s: number; ok: boolean } {
  const t0 = performance.now();
  const r = spawnSync('npm', [...args], { cwd: ROOT_DIR, stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  return { s: Math.round((performance.now() - t0) / 100) / 10, ok: r.status === 0 };
}

/**
 * Runs the section.
 * @param previous - the rows of the last committed results, carried over when not measuring
 * @param log - progress lines
 * @returns the rows
 */
export function gateSection(previous: readonly GateRow[], log: (l: string) => void): GateRow[] {
  if (process.env['BENCH_GATE'] !== '1') {
    log('  gate: not measured (BENCH_GATE=1 to measure; carrying over the last figures)');
    return [...previous];
  }
  const today = new Date().toISOString().slice(0, 10);
  return [['run', 'verify'], ['test']].map((args) => {
    const r = npm(args);
    log(`  gate: npm ${args.join(' ')}: ${r.s} s${r.ok ? '' : ' (FAILED)'}`);
    return { command: `npm ${args.join(' ')}`, wallS: r.s, ok: r.ok, measured: today };
  });
}
