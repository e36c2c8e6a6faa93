/**
 * `bbm-verify mutants`: the kill matrix — every catalogued seeded bug of the SUT against the
 * properties, killed or not, with runs and seconds to the first failure. Exit 0 when every mutant
 * is killed, 1 when one survives, 2 on bad usage.
 *
 * Layer: cli.
 */
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { formatMatrix, killMatrix } from '../properties/killMatrix.ts';
import type { CommandResult } from './checkTrace.ts';
import { UsageError } from './usage.ts';
import { CORPUS_DIR, encodeValue, saveEntry } from '../properties/corpus.ts';
import { ARM_ARM_ISSUE, KERNEL_VERSION } from '../model/spec-version.ts';
import { VERIFY_SEED } from './verify.ts';

/**
 * Runs the command.
 * @param args - `[--full] [--save-corpus] [--only ID[,ID]] [--seed N] [--runs N]`
 * @returns output and exit code
 */
export async function runMutants(args: readonly string[]): Promise<CommandResult> {
  let full = false;
  let save = false;
  let seed = Number(process.env['BBM_SEED'] ?? VERIFY_SEED);
  let runs: number | undefined;
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`mutants: ${a} needs a value`);
      return v;
    };
    if (a === '--full') full = true;
    else if (a === '--save-corpus') save = true;
    else if (a === '--only') only.push(...value().split(','));
    else if (a === '--seed' || a === '--runs') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`mutants: ${a} must be a non-negative integer`);
      if (a === '--seed') seed = n;
      else runs = n;
    } else throw new UsageError(`mutants: unknown option ${JSON.stringify(a)}`);
  }
  for (const id of only)
    if (!MUTANTS.some((m) => m.id === id)) throw new UsageError(`mutants: no mutant ${JSON.stringify(id)}`);
  const mutants = MUTANTS.filter((m) => only.length === 0 || only.includes(m.id));
  const rows = killMatrix(mutants, PROPERTIES, { seed, ...(runs === undefined ? {} : { runs }) }, !full);
  const survivors = rows.filter((r) => !r.killed).length;
  const saved: string[] = [];
  if (save) {
    for (const row of rows) {
      const kill = row.results.find((r) => !r.ok);
      if (kill === undefined) continue;
      const file = saveEntry(CORPUS_DIR, {
        name: row.mutant.id,
        property: kill.id,
        sut: `mutant:${row.mutant.id}`,
        input: encodeValue(kill.counterexample),
        expect: 'fail',
        found: { seed, path: kill.path ?? '', date: new Date().toISOString().slice(0, 10) },
        specVersion: ARM_ARM_ISSUE,
        kernelVersion: KERNEL_VERSION,
      });
      saved.push(`saved ${file}`);
    }
  }
  const stdout = [
    `bbm-verify: ${mutants.length} seeded bugs × ${PROPERTIES.length} properties, seed ${seed}${full ? '' : ' (each row stops at its first kill; --full runs every cell)'}`,
    ...formatMatrix(rows, PROPERTIES),
    ...saved,
    `${rows.length - survivors} killed, ${survivors} survived`,
  ];
  return { stdout, stderr: [], code: survivors === 0 ? 0 : 1 };
}
