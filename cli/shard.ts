/**
 * `verify --shard I/N`: a run split across N CI jobs. The jobs of a run (every selected property
 * at every seed, in catalogue order, seed by seed) are dealt round-robin: job k goes to shard
 * (k mod N) + 1. The deal depends only on the job list, so it is deterministic, every job is in
 * exactly one shard, and the N shards together run exactly the jobs of the unsharded run, each
 * with the same seed, runs and path — merging their JSON summaries (`bbm-verify merge-summaries`)
 * gives the unsharded run's results.
 *
 * Layer: cli.
 */
import { UsageError } from './usage.ts';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Parses `I/N`.
 * @param text - the flag's value
 * @param what - the flag or variable, for the message
 * @returns the shard
 * @throws UsageError unless 1 ≤ I ≤ N
 */
export function parseShard(text: string, what: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (
    m === null ||
    !Number.isSafeInteger(index) ||
    !Number.isSafeInteger(count) ||
    count < 1 ||
    index < 1 ||
    index > count
  )
    throw new UsageError(`${what} takes I/N with 1 ≤ I ≤ N (e.g. 2/4), got ${JSON.stringify(text)}`);
  return { index, count };
}

/**
 * The jobs of one shard.
 * @param jobs - every job of the run, in order
 * @param shard - the shard (absent: all)
 * @returns its jobs, in order
 */
export function shardJobs<T>(jobs: readonly T[], shard: Shard | undefined): T[] {
  if (shard === undefined) return [...jobs];
  return jobs.filter((_, k) => k % shard.count === shard.index - 1);
}
