/**
 * Runs the catalogue against one SUT with fast-check and reports one result per property: the
 * engine of `bbm-verify verify` (run in a child process, cli/verifyRunner.ts) and of the mutant
 * matrix.
 *
 * Nothing passes without having checked something: a replay (`path`) runs exactly the input the
 * path names and says when it names none or when that input holds; a narrowing (granules,
 * variants) is checked on every configuration the SUT is built for, so a property whose
 * configurations never meet it is reported as skipped, never as a pass.
 *
 * Layer: properties.
 */
import fc from 'fast-check';
import type { GranuleName, SutConfig, SutFactory, Variant } from '../impl/index.ts';
import type { AnyProperty } from './registry.ts';

/** The configurations a run is narrowed to (`--granule`, `--variant`). */
export interface Narrowing {
  readonly granules?: readonly GranuleName[];
  readonly variants?: readonly Variant[];
}

/** Budget and selection of a verification run. */
export interface VerifyOptions {
  readonly seed: number;
  /** Runs per property (default: each property's own). */
  readonly runs?: number;
  /** Time budget per property in milliseconds (fast-check `interruptAfterTimeLimit`). */
  readonly timeMs?: number;
  /** Replay path of a counterexample (with `seed`, for one property): exactly that input is run. */
  readonly path?: string;
  /** Every configuration built must meet it (see the module comment). */
  readonly narrowing?: Narrowing;
  /**
   * Called before every call of the property on an input: `n` counts the calls from 0; `shrinking`
   * once a failure was seen; `path` the replay path of the input when it is known (the initial runs).
   */
  readonly onRun?: (n: number, shrinking: boolean, path: string | undefined) => void;
  /** Called with every configuration the SUT is built for. */
  readonly onConfig?: (config: SutConfig) => void;
  /** Stop at the first failure without shrinking it (the kill test needs a kill, not a report). */
  readonly noShrink?: boolean;
}

/** How a property ended. */
export type PropertyStatus = 'pass' | 'fail' | 'skip' | 'no-input';

/** The result of one property. */
export interface PropertyResult {
  readonly id: string;
  /** Held on every input (`pass`); `skip` and `no-input` are not ok and not a counterexample. */
  readonly ok: boolean;
  readonly status: PropertyStatus;
  readonly runs: number;
  readonly ms: number;
  readonly seed: number;
  /** Replay path and the failure text, when it failed. */
  readonly path?: string;
  readonly failure?: string;
  /** Why it was skipped or had no input. */
  readonly reason?: string;
  /** Inputs tried before the first failure (for time-to-detect). */
  readonly runsToFailure?: number;
  /** The shrunk failing input, for the corpus. */
  readonly counterexample?: unknown;
  /** How many times the failing input was shrunk. */
  readonly shrinks?: number;
}

/** Thrown out of the SUT factory for a configuration outside the narrowing. */
class OutsideNarrowing extends Error {}

const meets = (n: Narrowing | undefined, c: SutConfig): boolean =>
  n === undefined ||
  ((n.granules === undefined || n.granules.includes(c.granule)) &&
    (n.variants === undefined || n.variants.includes(c.variant)));

/**
 * Describes a narrowing for messages.
 * @param n - the narrowing
 * @returns e.g. `granule 16K, variant v6.18`
 */
export function describeNarrowing(n: Narrowing): string {
  return [
    ...(n.granules === undefined ? [] : [`granule ${n.granules.join(',')}`]),
    ...(n.variants === undefined ? [] : [`variant ${n.variants.join(',')}`]),
  ].join(', ');
}

/**
 * Checks one property.
 * @param p - the property
 * @param sut - the implementation
 * @param opts - budget
 * @returns the result
 * @throws Error when the property builds a configuration outside the narrowing after others inside
 *   it (a bug of the suite: the narrowing would then be partly ignored)
 */
export function verifyProperty(p: AnyProperty, sut: SutFactory, opts: VerifyOptions): PropertyResult {
  const t0 = performance.now();
  let inside = 0;
  let outside: SutConfig | undefined;
  const judged: SutFactory = (hw, config) => {
    opts.onConfig?.(config);
    if (!meets(opts.narrowing, config)) {
      outside ??= config;
      throw new OutsideNarrowing();
    }
    inside++;
    return sut(hw, config);
  };
  let calls = 0;
  let failedYet = false;
  const details = fc.check(
    fc.property(p.arb, (input) => {
      const n = calls++;
      const path = opts.path !== undefined ? (n === 0 ? opts.path : undefined) : failedYet ? undefined : String(n);
      opts.onRun?.(n, failedYet, path);
      // Once a configuration missed the narrowing the property is skipped: fail fast while shrinking.
      if (outside !== undefined && inside === 0) throw new OutsideNarrowing();
      try {
        p.check(input, judged);
      } catch (e) {
        failedYet = true;
        throw e;
      }
    }),
    {
      seed: opts.seed,
      // A replay runs the input the path names and nothing after it.
      numRuns: opts.path === undefined ? (opts.runs ?? p.numRuns) : 1,
      ...(opts.timeMs === undefined ? {} : { interruptAfterTimeLimit: opts.timeMs }),
      ...(opts.path === undefined ? {} : { path: opts.path }),
      ...(opts.noShrink === true ? { endOnFailure: true } : {}),
    },
  );
  const ms = performance.now() - t0;
  const base = { id: p.id, runs: details.numRuns, ms, seed: opts.seed };
  if (outside !== undefined) {
    if (inside > 0)
      throw new Error(
        `${p.id} built a configuration outside ${describeNarrowing(opts.narrowing ?? {})} (${outside.granule} ${outside.variant}) after ${inside} inside it`,
      );
    return {
      ...base,
      ok: false,
      status: 'skip',
      runs: 0,
      reason: `no configuration of this property has ${describeNarrowing(opts.narrowing ?? {})}`,
    };
  }
  if (details.numRuns === 0 && !details.failed)
    return {
      ...base,
      ok: false,
      status: 'no-input',
      reason:
        opts.path === undefined
          ? 'no input was run (time budget spent before the first run?)'
          : `--path ${opts.path} names no input of this property at seed ${opts.seed}`,
    };
  if (!details.failed) {
    if (opts.path !== undefined)
      return {
        ...base,
        ok: false,
        status: 'no-input',
        reason: `the input at --path ${opts.path} (seed ${opts.seed}) holds: nothing failed to replay (a stale path — the generators, the SUT or the flags differ from the failing run — or the bug is fixed)`,
      };
    return { ...base, ok: true, status: 'pass' };
  }
  const err = details.errorInstance;
  const text = err instanceof Error ? err.message : String(err);
  return {
    ...base,
    ok: false,
    status: 'fail',
    path: details.counterexamplePath ?? '',
    failure: `${text}\n(shrunk ${details.numShrinks} time(s))`,
    runsToFailure: details.numRuns,
    counterexample: details.counterexample?.[0],
    shrinks: details.numShrinks,
  };
}
