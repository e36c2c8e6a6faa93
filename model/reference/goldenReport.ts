/**
 * Report (not a test): the reference checker on every golden scenario of model/scenarios/,
 * against its `.expected` first line. Run `npx tsx model/reference/goldenReport.ts [filter]`;
 * scenarios over `--max=N` lines (default 3000) are skipped, since the reference is slow.
 *
 * Layer: model/reference (tests only).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkReference } from './checkReference.ts';

const dir = fileURLToPath(new URL('../scenarios/', import.meta.url));
const args = process.argv.slice(2);
const max = Number(args.find((a) => a.startsWith('--max='))?.slice(6) ?? 3000);
const filter = args.find((a) => !a.startsWith('--'));
let same = 0;
let differ = 0;
let skipped = 0;
for (const kind of ['good', 'bad', 'invalid']) {
  for (const f of readdirSync(dir + kind)
    .filter((n) => n.endsWith('.jsonl'))
    .sort()) {
    if (filter !== undefined && !f.includes(filter)) continue;
    const lines = readFileSync(`${dir}${kind}/${f}`, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const expected = readFileSync(`${dir}${kind}/${f.replace(/\.jsonl$/, '.expected')}`, 'utf8')
      .trim()
      .replace(/ \(line \d+\): .*$/, '')
      .replace(/ at end of trace \(event (\d+), after line \d+\): .*$/, ' at event $1');
    if (lines.length > max) {
      skipped++;
      console.log(`skip  ${kind}/${f} (${lines.length} lines)`);
      continue;
    }
    const v = checkReference(lines);
    const got =
      v.kind === 'clean'
        ? `ok: ${v.events} events`
        : v.kind === 'bad-input'
          ? `error at line ${v.line}`
          : `! ${v.violation.code} at event ${v.violation.event}`;
    if (got === expected) same++;
    else differ++;
    const why = got === expected || v.kind !== 'violation' ? '' : ` — ${v.violation.detail}`;
    console.log(
      `${got === expected ? 'same ' : 'DIFF '} ${kind}/${f}: expected «${expected}», reference «${got}»${why}`,
    );
  }
}
console.log(`${same} same, ${differ} different, ${skipped} skipped`);
