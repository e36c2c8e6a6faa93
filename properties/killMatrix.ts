/**
 * The seeded-bug kill matrix: every catalogued mutant of the SUT against the properties, with the
 * runs and seconds to the first failure. A mutant is killed when some property fails on it.
 *
 * Layer: properties.
 */
import type { Mutant } from '../impl/mutants/catalogue.ts';
import type { AnyProperty } from './registry.ts';
import type { PropertyResult, VerifyOptions } from './verify.ts';
import { verifyProperty } from './verify.ts';

/** One row of the matrix. */
export interface MatrixRow {
  readonly mutant: Mutant;
  readonly results: readonly PropertyResult[];
  readonly killed: boolean;
}

/**
 * Runs the matrix.
 * @param mutants - the catalogue
 * @param properties - the properties
 * @param opts - budget and seed
 * @param firstKillOnly - stop a row at its first failing property (expected killer first)
 * @returns the rows
 */
export function killMatrix(
  mutants: readonly Mutant[],
  properties: readonly AnyProperty[],
  opts: VerifyOptions,
  firstKillOnly: boolean,
): MatrixRow[] {
  return mutants.map((mutant) => {
    const ordered = [...properties].sort(
      (a, b) => Number(b.id === mutant.expectedKiller) - Number(a.id === mutant.expectedKiller),
    );
    const results: PropertyResult[] = [];
    for (const p of ordered) {
      const r = verifyProperty(p, mutant.createSut, opts);
      results.push(r);
      if (r.status === 'fail' && firstKillOnly) break;
    }
    // Only a counterexample kills: a skipped property or one that ran no input proves nothing.
    return { mutant, results, killed: results.some((r) => r.status === 'fail') };
  });
}

/**
 * Formats the matrix: one line per mutant with the killing properties and their time to detect,
 * then one column per property (`K` killed, `.` survived, `-` skipped or no input, blank not run).
 * @param rows - the rows
 * @param properties - the properties, in column order
 * @returns the lines
 */
export function formatMatrix(rows: readonly MatrixRow[], properties: readonly AnyProperty[]): string[] {
  const out: string[] = [];
  const cols = properties.map((_p, i) => `P${i + 1}`);
  out.push(`${'mutant'.padEnd(34)} ${cols.map((c) => c.padStart(3)).join('')}  first kill`);
  for (const row of rows) {
    const cells = properties.map((p) => {
      const r = row.results.find((x) => x.id === p.id);
      return (r === undefined ? ' ' : r.status === 'fail' ? 'K' : r.ok ? '.' : '-').padStart(3);
    });
    const first = row.results.find((r) => r.status === 'fail');
    const kill =
      first === undefined
        ? 'SURVIVED'
        : `${first.id} after ${first.runsToFailure ?? first.runs} run(s), ${(first.ms / 1000).toFixed(1)} s`;
    out.push(`${row.mutant.id.padEnd(34)} ${cells.join('')}  ${kill}`);
  }
  out.push('', ...properties.map((p, i) => `P${i + 1} = ${p.id}`));
  return out;
}
