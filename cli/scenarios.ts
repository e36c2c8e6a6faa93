/**
 * `bbm-verify scenarios [DIR]`: checks every golden scenario (`<name>.jsonl` beside
 * `<name>.expected`) and compares the checker's first line (or `error at line L` for bad input)
 * with the golden one. Prints one line per scenario and a summary; exit 1 on any mismatch.
 *
 * Layer: cli.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import type { CommandResult } from './checkTrace.ts';
import { runCheckTrace } from './checkTrace.ts';
import { parseVerb, verbHelp } from './options.ts';
import { SCENARIOS_VERB } from './verbs.ts';
import { UsageError } from './usage.ts';

/** The default scenario folder. */
export const SCENARIO_DIR = 'model/scenarios';

/** One scenario: its trace and the golden first line. */
export interface Scenario {
  readonly name: string;
  readonly trace: string;
  readonly expected: string;
}

/**
 * Lists the scenarios under a folder (recursively), sorted by path.
 * @param dir - the folder
 * @returns the scenarios that have both files
 */
export function listScenarios(dir: string): Scenario[] {
  const out: Scenario[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.jsonl')) {
        const golden = path.replace(/\.jsonl$/, '.expected');
        if (existsSync(golden)) {
          out.push({
            name: relative(dir, path).replace(/\.jsonl$/, ''),
            trace: path,
            expected: readFileSync(golden, 'utf8').trim(),
          });
        }
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * The first line a scenario produces, in golden form.
 * @param trace - the trace file
 * @returns `ok: N events`, `! code at event …`, or `error at line L`
 */
export async function scenarioOutcome(trace: string): Promise<string> {
  const r = await runCheckTrace([trace], Readable.from([]));
  if (r.code === 2) return (r.stderr[0] ?? '').replace(/^bbm-verify: line (\d+): .*$/, 'error at line $1');
  return (r.stdout[0] ?? '').split('\n')[0] ?? '';
}

/**
 * Runs the command.
 * @param args - `[DIR]`
 * @returns output and exit code
 */
export async function runScenarios(args: readonly string[]): Promise<CommandResult> {
  const { positionals, help } = parseVerb(SCENARIOS_VERB, args);
  if (help) return { stdout: [verbHelp(SCENARIOS_VERB)], stderr: [], code: 0 };
  const dir = positionals[0] ?? SCENARIO_DIR;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`scenarios: ${dir} is not a folder`);
  const scenarios = listScenarios(dir);
  if (scenarios.length === 0) throw new UsageError(`scenarios: no <name>.jsonl with <name>.expected under ${dir}`);
  const stdout: string[] = [];
  let failed = 0;
  for (const s of scenarios) {
    const got = await scenarioOutcome(s.trace);
    const ok = got === s.expected;
    if (!ok) failed++;
    stdout.push(
      ok ? `pass  ${s.name}  ${got}` : `FAIL  ${s.name}\n      expected: ${s.expected}\n      got:      ${got}`,
    );
  }
  stdout.push(`${scenarios.length - failed} passed, ${failed} failed (scenarios under ${dir})`);
  return { stdout, stderr: [], code: failed === 0 ? 0 : 1 };
}
