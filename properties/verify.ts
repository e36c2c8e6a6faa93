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
import { failureContext } from './harness/failureContext.ts';
import { JudgedRun } from './harness/judgedRun.ts';

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
   * once a failure was seen; `path` the replay path of the input when it is known (the initial
   * runs); `example` its index in `examples` when it is one.
   */
  readonly onRun?: (n: number, shrinking: boolean, path: string | undefined, example?: number) => void;
  /** Called with every configuration the SUT is built for. */
  readonly onConfig?: (config: SutConfig) => void;
  /** Stop at the first failure without shrinking it (the kill test needs a kill, not a report). */
  readonly noShrink?: boolean;
  /**
   * Inputs tried first, before the generated ones (the corpus values, shrinks/examples.ts). They
   * come on top of `runs` and are counted apart (`examples`); the paths reported are those of the
   * generated inputs alone, so that `--seed S --path P` replays without them. A replay (`path`)
   * runs no example.
   */
  readonly examples?: readonly unknown[];
}

/** How a property ended. */
export type PropertyStatus = 'pass' | 'fail' | 'skip' | 'no-input';

/** The result of one property. */
export interface PropertyResult {
  readonly id: string;
  /** Held on every input (`pass`); `skip` and `no-input` are not ok and not a counterexample. */
  readonly ok: boolean;
  readonly status: PropertyStatus;
  /** Generated inputs run (the budget `runs` asks for), the failing one included. */
  readonly runs: number;
  /** Saved values (`VerifyOptions.examples`) run before them, the failing one included. */
  readonly examples?: number;
  readonly ms: number;
  readonly seed: number;
  /**
   * Replay path and the failure text, when it failed. The path is absent when the failing input
   * was an example (`example` says which): a seed and path cannot name it.
   */
  readonly path?: string;
  readonly failure?: string;
  /** The failing run's trace, `<BBM_TRACE_DIR>/<property>.jsonl`, when that folder is set (failureContext.ts). */
  readonly traceFile?: string;
  /** Why it was skipped or had no input. */
  readonly reason?: string;
  /** Inputs tried before the first failure (for time-to-detect). */
  readonly runsToFailure?: number;
  /** The shrunk failing input, for the corpus. */
  readonly counterexample?: unknown;
  /** How many times the failing input was shrunk. */
  readonly shrinks?: number;
  /** Index in `examples` of the failing input, when it was one. */
  readonly example?: number;
}

/** Thrown out of the SUT factory for a configuration outside the narrowing. */
class OutsideNarrowing extends Error {}

const meets = (n: Narrowing | undefined, c: SutConfig): boolean =>
  n === undefined ||
  ((n.granules === undefined || n.granules.includes(c.granule)) &&
    (n.variants === undefined || n.variants.includes(c.variant)));

const narrowed = (n: Narrowing | undefined): boolean =>
  n !== undefined && (n.granules !== undefined || n.variants !== undefined);

/**
 * The configuration of a property input: the input itself (a `SutConfig`) or its `config`.
 * @param v - the input
 * @returns the configuration, when the input has one
 */
function configOf(v: unknown): SutConfig | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if ('granule' in v && 'variant' in v) return v as SutConfig;
  const c = (v as { config?: unknown }).config;
  return typeof c === 'object' && c !== null && 'granule' in c ? (c as SutConfig) : undefined;
}

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
  // fast-check runs examples first and counts them in numRuns; the generated inputs and their
  // paths are the same with and without them (its toss yields the examples, then the seed's stream).
  // An example outside the narrowing is left out (it would skip the property); `exampleAt` maps
  // back to `opts.examples`.
  const exampleAt = (opts.path === undefined ? (opts.examples ?? []) : [])
    .map((x, i) => ({ x, i }))
    .filter(({ x }) => {
      const c = configOf(x);
      return c === undefined ? narrowed(opts.narrowing) === false : meets(opts.narrowing, c);
    });
  const examples = exampleAt.map(({ x }) => x);
  const nEx = examples.length;
  // The run of the last failing execution: the one fast-check reports (failureContext.ts).
  let failedRun: JudgedRun | undefined;
  const details = fc.check(
    fc.property(p.arb, (input) => {
      const n = calls++;
      const path =
        opts.path !== undefined
          ? n === 0
            ? opts.path
            : undefined
          : failedYet || n < nEx
            ? undefined
            : String(n - nEx);
      const example = !failedYet && n < nEx ? exampleAt[n]?.i : undefined;
      opts.onRun?.(n, failedYet, path, example);
      // Once a configuration missed the narrowing the property is skipped: fail fast while shrinking.
      if (outside !== undefined && inside === 0) throw new OutsideNarrowing();
      JudgedRun.latest = undefined;
      try {
        p.check(input, judged);
      } catch (e) {
        failedYet = true;
        failedRun = JudgedRun.latest;
        throw e;
      }
    }),
    {
      seed: opts.seed,
      // A replay runs the input the path names and nothing after it.
      numRuns: opts.path === undefined ? (opts.runs ?? p.numRuns) + nEx : 1,
      ...(opts.timeMs === undefined ? {} : { interruptAfterTimeLimit: opts.timeMs }),
      ...(opts.path === undefined ? {} : { path: opts.path }),
      // A replay (a path) never shrinks again: it reports the input its path names.
      ...(opts.noShrink === true || opts.path !== undefined ? { endOnFailure: true } : {}),
      ...(nEx === 0 ? {} : { examples: examples.map((x) => [x as never]) }),
    },
  );
  const ms = performance.now() - t0;
  const base = {
    id: p.id,
    runs: Math.max(0, details.numRuns - nEx),
    ...(nEx === 0 ? {} : { examples: Math.min(details.numRuns, nEx) }),
    ms,
    seed: opts.seed,
  };
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
  const message = err instanceof Error ? err.message : String(err);
  const context = failedRun === undefined ? undefined : failureContext(failedRun, p.id, message);
  const text = message + (context?.lines ?? '');
  const [first = '', ...rest] = (details.counterexamplePath ?? '').split(':');
  const index = Number(first);
  const where =
    nEx === 0 || first === ''
      ? { path: details.counterexamplePath ?? '' }
      : index >= nEx
        ? { path: [String(index - nEx), ...rest].join(':') }
        : { example: exampleAt[index]?.i ?? index };
  return {
    ...base,
    ok: false,
    status: 'fail',
    ...where,
    failure: `${text}\n(shrunk ${details.numShrinks} time(s))`,
    ...(context?.traceFile === undefined ? {} : { traceFile: context.traceFile }),
    runsToFailure: details.numRuns,
    counterexample: details.counterexample?.[0],
    shrinks: details.numShrinks,
  };
}
