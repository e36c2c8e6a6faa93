/**
 * Runs the catalogue against one SUT with fast-check and reports one line per property: the
 * engine of `bbm-verify verify` (and of the mutant matrix).
 *
 * Layer: properties.
 */
import fc from 'fast-check';
import type { SutFactory } from '../impl/index.ts';
import type { AnyProperty } from './registry.ts';

/** Budget and selection of a verification run. */
export interface VerifyOptions {
  readonly seed: number;
  /** Runs per property (default: each property's own). */
  readonly runs?: number;
  /** Time budget per property in milliseconds (fast-check `interruptAfterTimeLimit`). */
  readonly timeMs?: number;
  /** Replay path of a counterexample (with `seed`, for one property). */
  readonly path?: string;
}

/** The result of one property. */
export interface PropertyResult {
  readonly id: string;
  readonly ok: boolean;
  readonly runs: number;
  readonly ms: number;
  readonly seed: number;
  /** Replay path and the failure text, when it failed. */
  readonly path?: string;
  readonly failure?: string;
  /** Inputs tried before the first failure (for time-to-detect). */
  readonly runsToFailure?: number;
  /** The shrunk failing input, for the corpus. */
  readonly counterexample?: unknown;
}

/**
 * Checks one property.
 * @param p - the property
 * @param sut - the implementation
 * @param opts - budget
 * @returns the result
 */
export function verifyProperty(p: AnyProperty, sut: SutFactory, opts: VerifyOptions): PropertyResult {
  const t0 = performance.now();
  const details = fc.check(
    fc.property(p.arb, (input) => p.check(input, sut)),
    {
      seed: opts.seed,
      numRuns: opts.runs ?? p.numRuns,
      ...(opts.timeMs === undefined ? {} : { interruptAfterTimeLimit: opts.timeMs }),
      ...(opts.path === undefined ? {} : { path: opts.path }),
    },
  );
  const ms = performance.now() - t0;
  if (!details.failed) return { id: p.id, ok: true, runs: details.numRuns, ms, seed: opts.seed };
  const err = details.errorInstance;
  const text = err instanceof Error ? err.message : String(err);
  return {
    id: p.id,
    ok: false,
    runs: details.numRuns,
    ms,
    seed: opts.seed,
    path: details.counterexamplePath ?? '',
    failure: `${text}\n(shrunk ${details.numShrinks} time(s))`,
    runsToFailure: details.numRuns,
    counterexample: details.counterexample?.[0],
  };
}
