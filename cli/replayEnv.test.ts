// A plug-in whose behaviour an environment variable chooses (as kernel/cSut.ts's tree and patches)
// names it in `replayEnv` (impl/CONTRACT.md §1): every replay line of verify must set it again, or
// the replay checks other code. Runs verify in-process with its real SUT child (a few seconds).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './main.ts';
import { replayEnvOf } from '../properties/harness/sut.ts';

const dir = mkdtempSync(join(tmpdir(), 'bbm-replay-env-'));
const sut = join(dir, 'knobbed.ts');
writeFileSync(
  sut,
  `import { createSut as mutant } from 'bbm-verify/impl/mutants/split-skips-end.ts';
export const replayEnv = ['BBM_TEST_KNOB', 'BBM_TEST_UNSET_KNOB'];
export const createSut = mutant;
`,
);
const bad = join(dir, 'bad-knobs.ts');
writeFileSync(
  bad,
  `export { createSut } from 'bbm-verify/impl/mutants/split-skips-end.ts';
export const replayEnv = 'BBM_TEST_KNOB';
`,
);

const saved = { knob: process.env['BBM_TEST_KNOB'], unset: process.env['BBM_TEST_UNSET_KNOB'] };
process.env['BBM_TEST_KNOB'] = 'a tree/with space';
delete process.env['BBM_TEST_UNSET_KNOB'];
afterAll(() => {
  if (saved.knob === undefined) delete process.env['BBM_TEST_KNOB'];
  else process.env['BBM_TEST_KNOB'] = saved.knob;
  if (saved.unset !== undefined) process.env['BBM_TEST_UNSET_KNOB'] = saved.unset;
});

describe("verify's replay lines carry the plug-in's replayEnv", () => {
  it('prefixes the set variables, quoted for the shell, and leaves the unset ones out', async () => {
    const r = await runCli(
      ['verify', '--sut', sut, '--only', 'split.boundaries-exact', '--seed', '20261125', '--no-corpus'],
      Readable.from([]),
    );
    expect(r.code).toBe(1);
    const replay = r.stdout.find((l) => l.includes('replay: '));
    expect(replay).toMatch(
      /replay: BBM_TEST_KNOB='a tree\/with space' npx bbm-verify verify --only split\.boundaries-exact --seed 20261125 --path /,
    );
    expect(replay).not.toContain('BBM_TEST_UNSET_KNOB');
  });

  it('rejects a replayEnv that is not a list of variable names with one line and exit status 2', async () => {
    const r = await runCli(
      ['verify', '--sut', bad, '--only', 'split.boundaries-exact', '--runs', '1'],
      Readable.from([]),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      `bbm-verify: SUT module ${bad} exports a replayEnv that is not an array of environment variable names`,
    ]);
  });

  it('reads nothing when the plug-in names no replayEnv', async () => {
    expect(await replayEnvOf(join(import.meta.dirname, '..', 'impl', 'sut.ts'))).toEqual({});
  });
});
