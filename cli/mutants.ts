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
import { encodeValue } from '../shrinks/encoding.ts';
import { CORPUS_DIR, CORPUS_SCHEMA, saveEntry } from '../shrinks/store.ts';
import { ARM_ARM_ISSUE, KERNEL_VERSION } from '../model/spec-version.ts';
import { parseVerb, verbHelp } from './options.ts';
import { MUTANTS_VERB, VERIFY_SEED } from './verbs.ts';
import { positiveInt, seedValue } from './values.ts';

/**
 * Runs the command.
 * @param args - `[--full] [--save-corpus] [--only ID[,ID]] [--seed N] [--runs N]`
 * @returns output and exit code
 */
export async function runMutants(args: readonly string[]): Promise<CommandResult> {
  const { values: v, source, help } = parseVerb(MUTANTS_VERB, args);
  if (help) return { stdout: [verbHelp(MUTANTS_VERB)], stderr: [], code: 0 };
  const full = v['full'] === true;
  const save = v['save-corpus'] === true;
  const seed =
    typeof v['seed'] === 'string' ? seedValue(v['seed'], `mutants: ${source['seed'] ?? '--seed'}`) : VERIFY_SEED;
  const runs = typeof v['runs'] === 'string' ? positiveInt(v['runs'], 'mutants: --runs') : undefined;
  const only = ((v['only'] ?? []) as string[]).flatMap((x) => x.split(','));
  for (const id of only)
    if (!MUTANTS.some((m) => m.id === id)) throw new UsageError(`mutants: no mutant ${JSON.stringify(id)}`);
  const mutants = MUTANTS.filter((m) => only.length === 0 || only.includes(m.id));
  const rows = killMatrix(mutants, PROPERTIES, { seed, ...(runs === undefined ? {} : { runs }) }, !full);
  const survivors = rows.filter((r) => !r.killed).length;
  const saved: string[] = [];
  if (save) {
    for (const row of rows) {
      const kill = row.results.find((r) => r.status === 'fail');
      if (kill === undefined) continue;
      const file = saveEntry(CORPUS_DIR, {
        schema: CORPUS_SCHEMA,
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
