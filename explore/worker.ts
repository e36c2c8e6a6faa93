/**
 * A worker process of `bbm-verify explore --workers N` (started by explore/pool.ts through
 * bin/explore-worker.mjs): it loads the scope's SUT once, then replays the batches of nodes the
 * parent sends over the IPC channel (advanced serialization: bigints pass as they are) and sends
 * back each node's outcome, in order.
 *
 * Layer: explore.
 */
import type { SutFactory } from '../impl/index.ts';
import type { Scope } from './scope.ts';
import { resolveSut } from './sut.ts';
import type { ExploreNode, NodeOutcome } from './world.ts';
import { replayNode } from './world.ts';

/** A message from the parent. */
export type ToWorker =
  | { readonly type: 'init'; readonly scope: Scope; readonly sut: string }
  | { readonly type: 'batch'; readonly id: number; readonly nodes: readonly ExploreNode[] };

/** A message to the parent. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly outs: readonly NodeOutcome[] }
  | { readonly type: 'error'; readonly message: string };

let scope: Scope | undefined;
let sut: SutFactory | undefined;

const send = (m: FromWorker): void => {
  process.send?.(m);
};

process.on('message', (m: ToWorker) => {
  void (async () => {
    try {
      if (m.type === 'init') {
        scope = m.scope;
        sut = (await resolveSut(m.sut)).sut;
        send({ type: 'ready' });
        return;
      }
      const s = scope;
      const f = sut;
      if (s === undefined || f === undefined) throw new Error('a batch before init');
      send({ type: 'done', id: m.id, outs: m.nodes.map((n) => replayNode(s, f, n)) });
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
