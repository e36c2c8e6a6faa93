/**
 * `bbm-verify verify` (also `bbm-verify run`): every property against the SUT, one line per
 * property (id, runs, result, time) and a summary; on a counterexample, the failure and the
 * command that replays it. Exit 0 when all hold, 1 on any counterexample, 2 on bad usage.
 *
 * Layer: cli.
 */
import { loadSut, SutLoadError } from '../properties/harness/sut.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { verifyProperty } from '../properties/verify.ts';
import { createSut } from '../impl/index.ts';
import type { SutFactory } from '../impl/index.ts';
import type { CommandResult } from './checkTrace.ts';
import { UsageError } from './usage.ts';

/** How many times each property's CI budget `verify` runs by default. */
const VERIFY_BUDGET = 3;

/** The fixed default seed (the same as the vitest setup's). */
export const VERIFY_SEED = 20261125;

interface Flags {
  sut?: string;
  runs?: number;
  timeMs?: number;
  seed: number;
  only: string[];
  path?: string;
}

/** Checks a comma list against the allowed words. */
function oneOf(v: string, allowed: readonly string[], flag: string): string {
  for (const x of v.split(','))
    if (!allowed.includes(x))
      throw new UsageError(`verify: ${flag} takes ${allowed.join(', ')}; got ${JSON.stringify(x)}`);
  return v;
}

function parseFlags(args: readonly string[]): Flags {
  const flags: Flags = { seed: Number(process.env['BBM_SEED'] ?? VERIFY_SEED), only: [] };
  const env = process.env['BBM_SUT'];
  if (env !== undefined && env !== '') flags.sut = env;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`verify: ${a} needs a value`);
      return v;
    };
    const int = (v: string, what: string): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0)
        throw new UsageError(`verify: ${what} must be a non-negative integer, got ${JSON.stringify(v)}`);
      return n;
    };
    if (a === '--sut') flags.sut = value();
    else if (a === '--runs') flags.runs = int(value(), '--runs');
    else if (a === '--time') flags.timeMs = int(value(), '--time') * 1000;
    else if (a === '--seed') flags.seed = int(value(), '--seed');
    else if (a === '--only') flags.only.push(...value().split(','));
    else if (a === '--path') flags.path = value();
    else if (a === '--variant') process.env['BBM_VARIANTS'] = oneOf(value(), ['v7.1', 'v6.18', 'prealloc'], a);
    else if (a === '--granule') process.env['BBM_GRANULES'] = oneOf(value(), ['4K', '16K', '64K'], a);
    else throw new UsageError(`verify: unknown option ${JSON.stringify(a)}`);
  }
  for (const id of flags.only) {
    if (!PROPERTIES.some((p) => p.id === id))
      throw new UsageError(`verify: no property ${JSON.stringify(id)} (see properties/README.md)`);
  }
  if (Number.isNaN(flags.seed)) throw new UsageError('verify: BBM_SEED must be an integer');
  return flags;
}

/**
 * Runs the command.
 * @param args - options
 * @returns output and exit code
 */
export async function runVerify(args: readonly string[]): Promise<CommandResult> {
  const flags = parseFlags(args);
  let sut: SutFactory = createSut;
  let sutName = 'the bundled port (impl/)';
  if (flags.sut !== undefined) {
    try {
      sut = await loadSut(flags.sut);
      sutName = flags.sut;
    } catch (e) {
      if (e instanceof SutLoadError) throw new UsageError(e.message);
      throw e;
    }
  }
  // Failing runs save their whole trace here, for check-trace and for the bug report.
  process.env['BBM_TRACE_DIR'] ??= 'reports/out';
  const selected = PROPERTIES.filter((p) => flags.only.length === 0 || flags.only.includes(p.id));
  const stdout = [`bbm-verify: ${selected.length} properties against ${sutName}, seed ${flags.seed}`];
  let failed = 0;
  for (const p of selected) {
    const r = verifyProperty(p, sut, {
      seed: flags.seed,
      // The default budget of verify is three times the CI budget of the vitest suites (~1 min).
      runs: flags.runs ?? p.numRuns * VERIFY_BUDGET,
      ...(flags.timeMs === undefined ? {} : { timeMs: flags.timeMs }),
      ...(flags.path === undefined ? {} : { path: flags.path }),
    });
    stdout.push(
      `${r.ok ? 'pass' : 'FAIL'}  ${r.id.padEnd(36)} ${String(r.runs).padStart(4)} runs  ${(r.ms / 1000).toFixed(1).padStart(6)} s`,
    );
    if (!r.ok) {
      failed++;
      stdout.push(...(r.failure ?? '').split('\n').map((l) => `      ${l}`));
      const sutFlag = flags.sut === undefined ? '' : ` --sut ${flags.sut}`;
      stdout.push(
        `      replay: npx bbm-verify verify --only ${r.id} --seed ${r.seed} --path ${r.path ?? ''}${sutFlag}`,
      );
    }
  }
  stdout.push(`${selected.length - failed} passed, ${failed} failed`);
  return { stdout, stderr: [], code: failed === 0 ? 0 : 1 };
}
