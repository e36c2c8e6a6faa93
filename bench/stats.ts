/**
 * Measurement helpers of the benchmark: medians of repeated runs, CPU and wall time, the machine.
 *
 * Layer: bench.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

/** How many times each figure is measured (its median is reported): `BENCH_REPEAT`, default 3. */
export const REPEAT = Math.max(1, Number(process.env['BENCH_REPEAT'] ?? 3));

/**
 * The median of some numbers.
 * @param xs - the samples (at least one)
 * @returns the median (the mean of the two middle ones for an even count)
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * Runs `f` and measures it.
 * @param f - the work
 * @returns its result, wall milliseconds and CPU milliseconds (user + system) of this process
 */
export function timed<T>(f: () => T): { value: T; ms: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, ms, cpuMs: (c.user + c.system) / 1000 };
}

/** The machine a result was measured on. */
export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memGiB: number;
  readonly node: string;
  readonly platform: string;
  /** The 1-minute load average when the run started (other work on the machine). */
  readonly load: number;
}

/** @returns the machine this process runs on */
export function machine(): Machine {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    load: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/**
 * A rate in millions per second, for tables.
 * @param n - how many
 * @param ms - in how many milliseconds
 * @returns e.g. `1.23`
 */
export const mps = (n: number, ms: number): number => Math.round((n / ms / 1000) * 1000) / 1000;
