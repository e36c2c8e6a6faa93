/**
 * `--workers N`: the nodes of each batch spread over N child processes (explore/worker.ts), each
 * replaying its share in order; the parent keeps the queue and the visited set, so the search and
 * its counterexample are the same whatever N. A worker that dies or reports an error stops the
 * search with one line (an internal error, exit status 3).
 *
 * Layer: explore.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Evaluate } from './search.ts';
import type { Scope } from './scope.ts';
import type { FromWorker, ToWorker } from './worker.ts';
import type { NodeOutcome } from './world.ts';

const WORKER = fileURLToPath(new URL('../bin/explore-worker.mjs', import.meta.url));

/** A pool of workers. */
export interface Pool {
  readonly evaluate: Evaluate;
  close(): void;
}

/** A worker that failed. */
export class WorkerError extends Error {
  /** @param message - the line */
  constructor(message: string) {
    super(message);
    this.name = 'WorkerError';
  }
}

/**
 * Starts the workers.
 * @param n - how many
 * @param scope - the scope
 * @param sut - the SUT's name (explore/sut.ts)
 * @returns the pool, once every worker has loaded the SUT
 */
export async function startPool(n: number, scope: Scope, sut: string): Promise<Pool> {
  const children: ChildProcess[] = [];
  let nextId = 0;
  const waiting = new Map<number, { ok: (outs: readonly NodeOutcome[]) => void; fail: (e: Error) => void }>();
  const failAll = (why: string): void => {
    for (const w of waiting.values()) w.fail(new WorkerError(why));
    waiting.clear();
  };
  const ready = Array.from({ length: n }, () => {
    const child = fork(WORKER, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    return new Promise<void>((resolve, reject) => {
      child.on('message', (m: FromWorker) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'error') {
          reject(new WorkerError(`an explore worker failed: ${m.message}`));
          failAll(`an explore worker failed: ${m.message}`);
        } else {
          const w = waiting.get(m.id);
          waiting.delete(m.id);
          w?.ok(m.outs);
        }
      });
      child.on('exit', (code, signal) => {
        const why = `an explore worker ended (${signal ?? `exit ${code ?? '?'}`})`;
        reject(new WorkerError(why));
        failAll(why);
      });
      child.send({ type: 'init', scope, sut } satisfies ToWorker);
    });
  });
  const close = (): void => {
    for (const c of children) {
      c.removeAllListeners('exit');
      if (c.connected) c.disconnect();
    }
  };
  try {
    await Promise.all(ready);
  } catch (e) {
    close();
    throw e;
  }
  const evaluate: Evaluate = async (nodes) => {
    const share = Math.ceil(nodes.length / children.length);
    const parts = children.map((child, i) => {
      const slice = nodes.slice(i * share, (i + 1) * share);
      if (slice.length === 0) return Promise.resolve([] as readonly NodeOutcome[]);
      const id = nextId++;
      return new Promise<readonly NodeOutcome[]>((ok, fail) => {
        waiting.set(id, { ok, fail });
        child.send({ type: 'batch', id, nodes: slice } satisfies ToWorker);
      });
    });
    return (await Promise.all(parts)).flat();
  };
  return { evaluate, close };
}
