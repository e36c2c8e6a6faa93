/**
 * `bbm-verify explore --scope NAME|FILE`: the bounded-exhaustive search of explore/ on the port,
 * a seeded bug (`--sut mutant:<id>`) or a SUT module, with TLC-style counts; a counterexample is
 * saved as a case file (`bbm-verify replay FILE`).
 *
 * Layer: cli.
 */
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '../explore/checkpoint.ts';
import type { SavedCounterexample } from '../explore/counterexample.ts';
import { saveCounterexample } from '../explore/counterexample.ts';
import { namedScope, NAMED_SCOPES } from '../explore/namedScopes.ts';
import type { Pool } from '../explore/pool.ts';
import { startPool, WorkerError } from '../explore/pool.ts';
import { exploreProgress } from '../explore/progress.ts';
import { reportLines } from '../explore/report.ts';
import type { Scope } from '../explore/scope.ts';
import { readScopeFile, ScopeError } from '../explore/scope.ts';
import type { Evaluate, SearchResult } from '../explore/search.ts';
import { initialSearch, search } from '../explore/search.ts';
import { resolveSut, SutSpecError } from '../explore/sut.ts';
import { replayNode } from '../explore/world.ts';
import type { CommandResult } from './checkTrace.ts';
import { verbHelp, parseVerb } from './options.ts';
import { EXIT, UsageError } from './usage.ts';
import { durationMs, positiveInt } from './values.ts';
import { EXPLORE_VERB } from './verbs.ts';

/** Exit status of a search stopped by a limit before the scope was exhausted. */
export const EXIT_NOT_EXHAUSTED = 4;

/**
 * The scope a `--scope` value names.
 * @param v - a named scope or a file
 * @returns the scope
 * @throws UsageError when it is neither
 */
function scopeOf(v: string): Scope {
  const named = namedScope(v);
  if (named !== undefined) return named;
  if (!v.includes('/') && !v.endsWith('.json'))
    throw new UsageError(
      `explore: --scope: no scope ${JSON.stringify(v)} (named: ${NAMED_SCOPES.map((s) => s.name).join(', ')}; or a .json file)`,
    );
  try {
    return readScopeFile(v);
  } catch (e) {
    if (e instanceof ScopeError) throw new UsageError(`explore: --scope: ${e.message}`);
    throw e;
  }
}

/**
 * Runs the command.
 * @param args - the arguments after `explore`
 * @param print - prints a stdout line as it is produced
 * @returns output and exit code
 */
export async function runExplore(args: readonly string[], print?: (line: string) => void): Promise<CommandResult> {
  const { values: v, help } = parseVerb(EXPLORE_VERB, args);
  if (help) return { stdout: [verbHelp(EXPLORE_VERB)], stderr: [], code: EXIT.ok };
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const scopeArg = str('scope');
  if (scopeArg === undefined)
    throw new UsageError('explore: --scope NAME|FILE is required (try: bbm-verify explore --help)');
  const scope = scopeOf(scopeArg);
  const num = (k: string): number | undefined =>
    str(k) === undefined ? undefined : positiveInt(str(k) ?? '', `explore: --${k}`);
  const maxStates = num('max-states');
  const workers = num('workers') ?? 1;
  const timeMs = str('time') === undefined ? undefined : durationMs(str('time') ?? '', 'explore: --time');
  const mode = str('progress') ?? 'auto';
  if (!['auto', 'bar', 'plain', 'off'].includes(mode))
    throw new UsageError(`explore: --progress takes auto, bar, plain or off, got ${JSON.stringify(mode)}`);
  let resolved;
  try {
    resolved = await resolveSut(str('sut'));
  } catch (e) {
    if (e instanceof SutSpecError) throw new UsageError(`explore: --sut: ${e.message}`);
    throw e;
  }
  const { name, sut } = resolved;
  const checkpoint = str('checkpoint');
  let state;
  try {
    state = (checkpoint === undefined ? undefined : loadCheckpoint(checkpoint, scope, name)) ?? initialSearch(scope);
  } catch (e) {
    if (e instanceof ScopeError) throw new UsageError(`explore: --checkpoint: ${e.message}`);
    throw e;
  }
  const resumed = state.stats.generated > 0;
  let pool: Pool | undefined;
  const progress = exploreProgress(mode);
  let r: SearchResult;
  try {
    if (workers > 1) pool = await startPool(workers, scope, name);
    const evaluate: Evaluate =
      pool?.evaluate ?? ((nodes) => Promise.resolve(nodes.map((n) => replayNode(scope, sut, n))));
    r = await search(scope, state, evaluate, {
      ...(maxStates === undefined ? {} : { maxStates }),
      ...(timeMs === undefined ? {} : { timeMs }),
      batch: 32 * workers,
      onProgress: (s) => progress.update(s),
      ...(checkpoint === undefined ? {} : { onLevel: (s) => saveCheckpoint(checkpoint, scope, name, s) }),
    });
    if (r.kind === 'stopped' && checkpoint !== undefined) saveCheckpoint(checkpoint, scope, name, r.state);
  } catch (e) {
    if (e instanceof WorkerError)
      return { stdout: [], stderr: [`bbm-verify: explore: ${e.message}`], code: EXIT.internal };
    throw e;
  } finally {
    progress.stop();
    pool?.close();
  }
  let saved: SavedCounterexample | undefined;
  if (r.kind === 'failed') {
    const dir = str('out') ?? join('reports', 'out', name.replace(/[^A-Za-z0-9._-]+/g, '_'), 'explore');
    saved = saveCounterexample(dir, name, sut, r.input, r.message, r.property, r.split);
  }
  const lines = [
    ...(resumed && checkpoint !== undefined ? [`explore: resumed from ${checkpoint}`] : []),
    ...reportLines(scope, name, r, saved, workers),
  ];
  if (print !== undefined) for (const l of lines) print(l);
  return {
    stdout: lines,
    stderr: [],
    code: r.kind === 'exhausted' ? EXIT.ok : r.kind === 'failed' ? EXIT.finding : EXIT_NOT_EXHAUSTED,
    ...(print === undefined ? {} : { streamed: true }),
  };
}
