// The deadline of verify's runner, with a stand-in child (plain node, no tsx: milliseconds to start)
// that speaks the protocol and misbehaves as told: a job that loops, one that keeps running past
// its time budget, one that calls process.exit(0), one killed by a signal, a module that loops on
// import. Each is reported on the job it happened in, and the next job runs in a fresh child.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Request } from './verifyProtocol.ts';
import type { LoadProblem, Outcome } from './verifyRunner.ts';
import { runPlan } from './verifyRunner.ts';

const child = join(mkdtempSync(join(tmpdir(), 'bbm-runner-')), 'child.mjs');
writeFileSync(
  child,
  `import { writeSync } from 'node:fs';
const req = JSON.parse(process.argv[2]);
const send = (m) => writeSync(3, JSON.stringify(m) + '\\n');
const behave = process.env.BEHAVE ?? '';
const jobs = ['a', 'b', 'c'].map((property) => ({ property, seed: 7, runs: 1 }));
send({ t: 'plan', jobs });
send({ t: 'loading' });
if (behave === 'load-loop') for (;;);
send({ t: 'loaded' });
console.log('hello from the SUT');
// Pull mode (a pool): ask for each job, read its index on fd 4 until "stop".
async function* indexes() {
  if (!req.pull) {
    for (let i = req.from; i < jobs.length; i++) yield i;
    return;
  }
  const { createReadStream } = await import('node:fs');
  const { createInterface } = await import('node:readline');
  const input = createReadStream('', { fd: 4 });
  const lines = createInterface({ input })[Symbol.asyncIterator]();
  for (;;) {
    send({ t: 'ready' });
    const next = await lines.next();
    if (next.done || !/^\\d+$/.test(next.value)) break;
    yield Number(next.value);
  }
  input.destroy();
}
for await (const i of indexes()) {
  send({ t: 'start', job: i });
  send({ t: 'run', job: i, n: 0, shrinking: false, path: '0' });
  send({ t: 'config', job: i, config: '4K v7.1' });
  send({ t: 'op', job: i, op: 'split_kernel_leaf_mapping(0x1, 0x2)' });
  if (behave === 'loop:' + i) for (;;);
  if (behave === 'exit:' + i) {
    send({ t: 'exit-called', code: 0, where: 'sut.ts:3:4' });
    process.exit(0);
  }
  if (behave === 'kill:' + i) process.kill(process.pid, 'SIGKILL');
  if (behave === 'busy:' + i)
    for (let n = 1; ; n++) {
      const t = Date.now();
      while (Date.now() - t < 20);
      send({ t: 'run', job: i, n, shrinking: false, path: String(n) });
    }
  // A job that takes 2 s without using the CPU (so that a busy machine does not change the outcome).
  if (behave === 'slow') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
  // The reason names the child that ran the job (the pool tests count them).
  send({ t: 'result', job: i, result: { id: jobs[i].property, status: 'pass', runs: 1, ms: 1, seed: 7, reason: String(process.pid) } });
}
send({ t: 'done' });
`,
);

const request: Request = { only: [], seeds: [7], budget: 1, narrowing: {}, from: 0 };

async function run(
  behave: string,
  limits: { runTimeoutMs: number; timeMs?: number; workers?: number },
): Promise<{ outcomes: [number, Outcome][]; problem: LoadProblem | undefined; output: string[]; plans: number }> {
  const outcomes: [number, Outcome][] = [];
  const output: string[] = [];
  let plans = 0;
  const problem = await runPlan(
    request,
    { ...limits, child },
    { ...process.env, BEHAVE: behave },
    { plan: () => plans++, outcome: (j, o) => outcomes.push([j, o]), output: (l) => output.push(l) },
  );
  return { outcomes, problem, output, plans };
}

const kinds = (os: [number, Outcome][]): string[] => os.map(([j, o]) => `${j}:${o.kind}`);

describe.concurrent('verify runner', () => {
  it('runs every job in one child and passes the SUT output on', async () => {
    const r = await run('', { runTimeoutMs: 10_000 });
    expect(kinds(r.outcomes)).toEqual(['0:result', '1:result', '2:result']);
    expect(r.problem).toBeUndefined();
    expect(r.output).toEqual(['hello from the SUT']);
    expect(r.plans).toBe(1);
  });

  it('kills a job that loops at the run limit, says where it was, and goes on in a fresh child', async () => {
    const r = await run('loop:1', { runTimeoutMs: 300 });
    expect(kinds(r.outcomes)).toEqual(['0:result', '1:timeout', '2:result']);
    expect(r.outcomes[1]?.[1]).toEqual({
      kind: 'timeout',
      what: 'run',
      limitMs: 300,
      at: { n: 0, shrinking: false, path: '0', config: '4K v7.1', op: 'split_kernel_leaf_mapping(0x1, 0x2)' },
    });
  });

  it('stops a job that keeps running past its time budget and the grace', async () => {
    const r = await run('busy:0', { runTimeoutMs: 10_000, timeMs: 100 });
    expect(kinds(r.outcomes)).toEqual(['0:timeout', '1:result', '2:result']);
    const o = r.outcomes[0]?.[1];
    // 100 ms + a grace of 2.01 s, before the 10 s run limit: both on the child's own clock
    // (cli/childClock.ts), so the order holds however loaded the machine is.
    expect(o?.kind === 'timeout' && o.what).toBe('budget');
    expect(o?.kind === 'timeout' && o.limitMs).toBe(100);
  });

  it('reports a SUT that calls process.exit(0) or is killed by a signal', async () => {
    const exited = await run('exit:0', { runTimeoutMs: 10_000 });
    expect(exited.outcomes[0]?.[1]).toMatchObject({
      kind: 'ended',
      how: 'the SUT called process.exit(0) at sut.ts:3:4',
    });
    expect(kinds(exited.outcomes)).toEqual(['0:ended', '1:result', '2:result']);
    const killed = await run('kill:2', { runTimeoutMs: 10_000 });
    expect(killed.outcomes[2]?.[1]).toMatchObject({ kind: 'ended', how: 'the SUT was killed by SIGKILL' });
  });

  it('reports a module that loops on import as a load timeout, and runs nothing after it', async () => {
    const r = await run('load-loop', { runTimeoutMs: 300 });
    expect(r.problem).toEqual({ kind: 'timeout', limitMs: 300 });
    expect(r.outcomes).toEqual([]);
  });

  it('with a pool, shares the jobs between children, reports them in job order, and plans once', async () => {
    const r = await run('slow', { runTimeoutMs: 10_000, workers: 2 });
    expect(kinds(r.outcomes)).toEqual(['0:result', '1:result', '2:result']);
    expect(r.plans).toBe(1);
    const children = new Set(r.outcomes.map(([, o]) => (o.kind === 'result' ? o.result.reason : undefined)));
    expect(children.size).toBe(2);
  });

  it('with a pool, a job that loops or kills its child is reported on its job and the others still run', async () => {
    const looped = await run('loop:1', { runTimeoutMs: 1000, workers: 2 });
    expect(kinds(looped.outcomes)).toEqual(['0:result', '1:timeout', '2:result']);
    const killed = await run('kill:0', { runTimeoutMs: 10_000, workers: 2 });
    expect(kinds(killed.outcomes)).toEqual(['0:ended', '1:result', '2:result']);
  });

  it('with a pool, a module that loops on import is one load problem and runs nothing', async () => {
    const r = await run('load-loop', { runTimeoutMs: 300, workers: 2 });
    expect(r.problem).toEqual({ kind: 'timeout', limitMs: 300 });
    expect(r.outcomes).toEqual([]);
  });
});
