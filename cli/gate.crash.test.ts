// Every way a SUT can fail to return, as a user's plug-in (in a folder outside the checkout, no
// package.json) does it, in one verify run: each is a finding on the property it was running,
// named as what it is, within the time limit, and the run goes on with the next property — the
// last one passes. (The ways cli/gate.test.ts covers: a loop that never yields, a loop on import,
// process.exit(0), a syntax error.)
//
// The spin here yields to the machine (cpu_relax()), so it is the drivers' spin limit
// (impl/sched.ts SPIN_LIMIT: that many spins in a row with nothing else to run) that stops it, as a
// livelock: the same finding on any machine. The wall-clock --run-timeout is for code that never
// yields (gate.test.ts); it is set far above the spin limit's time here so that the two guards
// never race.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { runCli } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'bbm-crash-'));
const sut = join(dir, 'crashes.ts');
// The n-th split_kernel_leaf_mapping() call after boot (counted across processes by marker
// files) ends or hangs its process in the n-th way, later ones are the port's; set_memory_ro/rw/
// nx/x() always overflow the stack and set_memory_valid() always gives TLBI VMALLE1IS a VA.
writeFileSync(
  sut,
  `import { readdirSync, writeFileSync } from 'node:fs';
import type { KGen, KernelOps, Primitives, SutFactory } from 'bbm-verify/impl/contract.ts';
import { createPortSut } from 'bbm-verify/impl/sut.ts';
const WAYS = ['abort', 'exit-7', 'kill-segv', 'spin'];
function nextWay(): string | undefined {
  const done = readdirSync(import.meta.dirname).filter((f) => f.startsWith('way-')).length;
  const way = WAYS[done];
  if (way !== undefined) writeFileSync(\`\${import.meta.dirname}/way-\${done}\`, way);
  return way;
}
const deep = (n: number): number => deep(n + 1) + 1;
function* misbehave(hw: Primitives, way: string | undefined): KGen<void> {
  if (way === 'abort') process.abort();
  if (way === 'exit-7') process.exit(7);
  if (way === 'kill-segv') process.kill(process.pid, 'SIGSEGV');
  if (way === 'spin') for (;;) yield* hw.cpuRelax();
  if (way === 'recursion') deep(0);
  if (way === 'bad-tlbi') yield* hw.tlbi('vmalle1is', 0xffff000040000000n);
}
export const createSut: SutFactory = (hw, config) => {
  const ops = createPortSut(hw, config) as unknown as Record<string, (...a: unknown[]) => KGen<unknown>>;
  const out: Record<string, unknown> = { ...ops };
  const wrap = (name: string, way: () => string | undefined): void => {
    const op = ops[name];
    if (op !== undefined)
      out[name] = function* (...args: unknown[]) {
        yield* misbehave(hw, way());
        return yield* op(...args);
      };
  };
  wrap('split_kernel_leaf_mapping', nextWay);
  for (const name of ['set_memory_ro', 'set_memory_rw', 'set_memory_nx', 'set_memory_x']) wrap(name, () => 'recursion');
  wrap('set_memory_valid', () => 'bad-tlbi');
  return out as unknown as KernelOps;
};
`,
);

it('reports a SUT that aborts, exits non-zero, is killed, overflows its stack, breaks the contract or spins, each as a finding, and goes on', async () => {
  const only = [
    'split.boundaries-exact',
    'split.blocks-kept',
    'split.translation-preserved',
    'split.hierarchical-pxn',
    'perm.exact',
    'perm.valid-roundtrip',
    'split.atomic-callers-lockless',
  ].join(',');
  const r = await runCli(
    ['verify', '--sut', sut, '--only', only, '--runs', '1', '--run-timeout', '120s', '--seed', '20261201'],
    Readable.from([]),
  );
  const text = r.stdout.join('\n');
  const finding = (id: string, what: RegExp): void => {
    expect(text).toMatch(new RegExp(`FAIL {2}${id.replace(/\./g, '\\.')}[^\\n]*\\n {6}${what.source}`));
  };
  finding('split.boundaries-exact', /the SUT was killed by SIGABRT, in run 1/);
  finding(
    'split.blocks-kept',
    /the SUT exited with status 7|the SUT called process\.exit\(7\) at [^\n]*crashes\.ts:\d+:\d+/,
  );
  finding('split.translation-preserved', /the SUT was killed by SIGSEGV, in run 1/);
  finding('perm.exact', /\S.* on cpu\d: the SUT threw RangeError: Maximum call stack size exceeded/);
  finding(
    'perm.valid-roundtrip',
    /\S.* on cpu\d: the SUT broke its contract: tlbi\('vmalle1is', 0xffff000040000000n\): TLBI VMALLE1IS takes no operand/,
  );
  finding(
    'split.hierarchical-pxn',
    /split_kernel_leaf_mapping\(0x[0-9a-f]+, 0x[0-9a-f]+\) on cpu\d: the SUT did not return: every CPU still running has only spun \(cpu_relax\(\), a lock's wait\) for 100000 steps in a row, with nothing left to run that could release it \(livelock\) — a spin loop nobody releases/,
  );
  expect(text).not.toMatch(/timeout: the SUT did not return/);
  expect(text).toMatch(/^pass {2}split\.atomic-callers-lockless/m);
  expect(r.stdout.at(-1)).toBe('1 passed, 6 failed');
  expect(r.code).toBe(1);
  // What the SUT wrote (node's native stack of the abort) is passed on, marked as the SUT's.
  expect(r.stderr.every((l) => l.startsWith('sut: '))).toBe(true);
});
