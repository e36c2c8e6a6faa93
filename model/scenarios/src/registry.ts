/**
 * The scenario registry: every family file calls `scenario(kind, name, desc, build)` at its top
 * level, next to the rule the scenario exercises; `build.ts` imports the families and emits them.
 *
 * Layer: model/scenarios (generator only).
 */
import type { Trace } from './builder.ts';

/** `good` (exit 0), `bad` (the first violation, exit 1) or `invalid` (bad input, exit 2). */
export type Kind = 'good' | 'bad' | 'invalid';

/** One registered scenario. */
export interface ScenarioDef {
  readonly kind: Kind;
  /** The file name (family prefix first), unique. */
  readonly name: string;
  /** One paragraph for the README table, citing the rule. */
  readonly desc: string;
  /** The family file it comes from (for the README grouping of new scenarios). */
  readonly family: string;
  readonly build: () => Trace;
}

const SCENARIOS: ScenarioDef[] = [];
let currentFamily = '';

/**
 * Names the family whose scenarios follow (called once at the top of each family file).
 * @param name - the family, e.g. `bbm-protocol`
 */
export function family(name: string): void {
  currentFamily = name;
}

/**
 * Registers a scenario.
 * @param kind - good, bad or invalid
 * @param name - the file name
 * @param desc - the README paragraph
 * @param build - builds the trace and states its expectation
 */
export function scenario(kind: Kind, name: string, desc: string, build: () => Trace): void {
  if (SCENARIOS.some((s) => s.name === name)) throw new Error(`duplicate scenario ${name}`);
  SCENARIOS.push({ kind, name, desc, family: currentFamily, build });
}

/** @returns every registered scenario, in registration order */
export function registered(): readonly ScenarioDef[] {
  return SCENARIOS;
}
