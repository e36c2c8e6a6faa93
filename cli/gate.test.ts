// The gate that cannot lie, as a user meets it: plug-ins in the user's own folder (outside the
// checkout, no package.json) that import `bbm-verify/…`, SUTs that loop, exit or loop on import
// reported as findings within the time budget while the run goes on, syntax errors with their
// location, a narrowing that really narrows and a replay line that really replays, and a closed
// pipe. verify runs in-process here but spawns its real child for the SUT (the pipe case runs the
// real command): each case a few seconds, mostly waiting, so they run concurrently.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'bbm-verify.mjs');

/** A folder outside the checkout, as a user's own tree. */
const dir = mkdtempSync(join(tmpdir(), 'bbm-gate-'));

interface Ran {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly ms: number;
}

/** The environment without the BBM_* knobs a developer may have set (seed, SUT, narrowing). */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BBM_')));

/**
 * Runs `bbm-verify ARGS` in-process (verify still runs the SUT in its real child process); the
 * seed is given, so that a BBM_SEED of the developer's does not change the replay lines.
 */
async function bbmVerify(args: readonly string[]): Promise<Ran> {
  const t0 = Date.now();
  const r = await runCli([...args, ...(args.includes('--seed') ? [] : ['--seed', '20261125'])], Readable.from([]));
  return { ...r, ms: Date.now() - t0 };
}

function fixture(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

// A TypeScript SUT in the user's folder: the port, except that the first split of a process loops
// and the first set_memory_*() of a process calls process.exit(0) (markers in its folder).
const misbehaving = fixture(
  'misbehaving.ts',
  `import { existsSync, writeFileSync } from 'node:fs';
import type { SutFactory } from 'bbm-verify/impl/contract.ts';
import { createPortSut } from 'bbm-verify/impl/sut.ts';
const first = (name: string): boolean => {
  const f = \`\${import.meta.dirname}/\${name}\`;
  if (existsSync(f)) return false;
  writeFileSync(f, '');
  return true;
};
export const createSut: SutFactory = (hw, config) => {
  const ops = createPortSut(hw, config);
  const exitOnce = (op: 'set_memory_ro' | 'set_memory_rw' | 'set_memory_nx' | 'set_memory_x') =>
    function* (addr: bigint, n: number) {
      if (first('exited')) process.exit(0);
      return yield* ops[op](addr, n);
    };
  return {
    ...ops,
    *split_kernel_leaf_mapping(start: bigint, end: bigint) {
      if (first('looped')) for (;;);
      return yield* ops.split_kernel_leaf_mapping(start, end);
    },
    set_memory_ro: exitOnce('set_memory_ro'),
    set_memory_rw: exitOnce('set_memory_rw'),
    set_memory_nx: exitOnce('set_memory_nx'),
    set_memory_x: exitOnce('set_memory_x'),
  };
};
`,
);

// A JavaScript SUT in the user's folder: a seeded bug, recording every configuration it is built for.
const recorder = fixture(
  'recorder.js',
  `import { appendFileSync } from 'node:fs';
import { createSut as mutant } from 'bbm-verify/impl/mutants/split-skips-end.ts';
let calls = 0;
export default function createSut(hw, config) {
  // The first build of each process is the contract check's, on a fixed 4K machine.
  if (calls++ > 0) appendFileSync(process.env.BBM_TEST_RECORD, \`\${config.granule} \${config.variant}\\n\`);
  return mutant(hw, config);
}
`,
);

describe.concurrent('bbm-verify verify: no SUT can hang, end or fool the run', () => {
  it('reports a SUT that loops as a timeout and one that calls process.exit(0) as a finding, and goes on', async () => {
    const r = await bbmVerify([
      'verify',
      '--sut',
      misbehaving,
      '--only',
      'split.boundaries-exact,perm.exact,split.blocks-kept',
      '--runs',
      '2',
      '--run-timeout',
      '10s',
      // Generated inputs only (their paths); a saved value in progress: cli/replay.test.ts.
      '--no-corpus',
    ]);
    expect(r.code).toBe(1);
    const text = r.stdout.join('\n');
    expect(text).toMatch(
      /FAIL {2}split\.boundaries-exact[^\n]*\n {6}timeout: the SUT did not return within 10 s \(--run-timeout\), in run 1\n {6}during split_kernel_leaf_mapping\(0x/,
    );
    expect(text).toMatch(
      /FAIL {2}perm\.exact[^\n]*\n {6}the SUT called process\.exit\(0\) at [^\n]*misbehaving\.ts:\d+:\d+/,
    );
    expect(text).toMatch(
      /replay: npx bbm-verify verify --only perm\.exact --seed 20261125 --path 0 --sut \S*misbehaving\.ts/,
    );
    expect(text).toMatch(/^pass {2}split\.blocks-kept/m);
    expect(r.stdout.at(-1)).toBe('1 passed, 2 failed');
    // Stopped at the 10 s limit given (above any honest run on a busy machine), not at the default
    // 30 s one: the timeout line names the limit that stopped it (no wall-clock bound in a test).
  });

  it('reports a module that loops on import as a timeout within --time', async () => {
    const r = await bbmVerify([
      'verify',
      '--sut',
      fixture('loops-on-import.mjs', 'for (;;);\nexport default 1;\n'),
      '--time',
      '0.5',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout[1]).toMatch(/^FAIL {2}SUT module \S+loops-on-import\.mjs did not finish loading within 2\.55 s/);
  });

  it('names file:line:col of a syntax error in a .js SUT', async () => {
    const file = fixture('syntax.js', 'export const createSut = () => {\n  return { name: "x" ;\n};\n');
    const r = await bbmVerify(['verify', '--sut', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      `bbm-verify: SUT module ${file} has a syntax error: ${file}:2:22: Expected "}" but found ";"`,
    ]);
  });

  it('narrows to --granule/--variant, prints a replay line that replays, and rejects a stale path', async () => {
    const record = join(dir, 'configs.txt');
    writeFileSync(record, '');
    // The SUT's child process inherits it.
    process.env['BBM_TEST_RECORD'] = record;
    const args = ['--only', 'split.boundaries-exact', '--granule', '16K', '--variant', 'v6.18'];
    const r = await bbmVerify(['verify', '--sut', recorder, ...args, '--runs', '200']);
    expect(r.code).toBe(1);
    const built = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    expect(built.length).toBeGreaterThan(0);
    expect(new Set(built)).toEqual(new Set(['16K v6.18']));
    const replay = r.stdout.find((l) => l.includes('replay:')) ?? '';
    expect(replay).toMatch(/--granule 16K --variant v6\.18 --sut \S+recorder\.js$/);
    const words = replay.replace(/^.*replay: npx bbm-verify /, '').split(' ');
    const again = await bbmVerify(words);
    expect(again.code).toBe(1);
    // The same counterexample: the failing operation and its configuration.
    expect(again.stdout[2]).toBe(r.stdout[2]);
    expect(new Set(readFileSync(record, 'utf8').split('\n').filter(Boolean))).toEqual(new Set(['16K v6.18']));
    // The same path on the bundled port (which has not the bug) replays nothing that fails.
    const stale = await bbmVerify(words.slice(0, words.indexOf('--sut')));
    expect(stale.code).toBe(2);
    expect(stale.stderr).toEqual([
      expect.stringMatching(/^bbm-verify: verify: the input at --path \S+ \(seed 20261125\) holds/),
    ]);
  });

  it('stops quietly with status 141 when its reader goes away (| head)', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'verify', '--only', 'split.blocks-kept', '--runs', '1', '--seeds', '6'],
      { cwd: ROOT, env: cleanEnv },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(141);
    expect(err).toBe('');
  });
});
