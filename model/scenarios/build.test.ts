// The committed golden scenarios are exactly what the generator writes: a hand edit of a .jsonl,
// .expected or README.md, or a generator change not followed by `npx tsx model/scenarios/build.ts`,
// fails here.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINDS, renderAll } from './src/emit.ts';
import { allScenarios } from './src/families/index.ts';
import { AWAITING_MODEL_FIX } from './src/pending.ts';

const DIR = 'model/scenarios';
const files = renderAll(allScenarios());

describe('scenario generator', () => {
  it('wrote every committed file, byte for byte', () => {
    const stale = [...files].filter(([rel, text]) => readFileSync(join(DIR, rel), 'utf8') !== text).map(([r]) => r);
    expect(stale).toEqual([]);
  });
  it('holds back only registered scenarios, and each of them builds', () => {
    const names = new Set(allScenarios().map((s) => s.name));
    expect([...AWAITING_MODEL_FIX].filter((n) => !names.has(n))).toEqual([]);
    expect(renderAll(allScenarios(), new Set()).size).toBe(2 * names.size + 1);
  });
  it('owns every file under good/, bad/ and invalid/', () => {
    const onDisk = KINDS.flatMap((k) => readdirSync(join(DIR, k)).map((f) => `${k}/${f}`));
    expect(onDisk.filter((f) => !files.has(f))).toEqual([]);
  });
});
