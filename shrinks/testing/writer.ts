/**
 * A corpus writer to be killed: saves large entries over the names of the corpus given, round
 * after round, until it is killed (shrinks/store.test.ts kills it with SIGKILL mid-write and
 * checks that every entry is whole). Prints `writing` when it starts.
 *
 * Usage: `node --import tsx shrinks/testing/writer.ts DIR`.
 *
 * Layer: shrinks (test support).
 */
import { loadCorpus, saveEntry } from '../store.ts';

const dir = process.argv[2] ?? '';
const entries = loadCorpus(dir);
// A summary of a few megabytes: each write takes long enough to be killed in the middle of it.
const big = 'x'.repeat(8 << 20);
process.stdout.write('writing\n');
for (let round = 0; ; round++) {
  for (const { entry } of entries) {
    saveEntry(dir, { ...entry, summary: `round ${round} ${big}` });
  }
}
