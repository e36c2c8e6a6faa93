/**
 * The bounded-exhaustive search: breadth-first over the nodes of a scope (explore/world.ts), each
 * replayed from the initial state, with a visited set of state fingerprints
 * (explore/fingerprint.ts). Children of a node where nothing is running: every operation of the
 * alphabet on each CPU it may run on, and every ordered pair of operations interleaved (budget
 * permitting); children of a node inside an interleaving: each CPU that can run next, for one
 * macro step (explore/stepper.ts), unless that would take more preemptions than the scope allows.
 * Breadth-first, so the first failure met is one of the shortest counterexamples (fewest macro
 * steps and operations); the frontier is processed level by level, in a fixed order, so that the
 * counterexample found is the same whatever the number of workers.
 *
 * Layer: explore.
 */
import type { CpuId } from '../impl/index.ts';
import type { AnswersInput } from '../properties/answers/answersCase.ts';
import type { SplitInput } from '../properties/split/splitCase.ts';
import type { Scope } from './scope.ts';
import type { Claim, ExploreNode, NodeOutcome } from './world.ts';

/** TLC's counts. */
export interface SearchStats {
  /** Nodes replayed (every state generated, duplicates included). */
  generated: number;
  /** Distinct fingerprints. */
  distinct: number;
  /** Deepest level reached (0 = the booted machine). */
  depth: number;
  /** Nodes left on the queue. */
  queue: number;
  /** Milliseconds spent. */
  elapsedMs: number;
  /** Most trace events in one replayed run. */
  maxEvents: number;
}

/** A node on the queue, with its level. */
export interface QueuedNode {
  readonly node: ExploreNode;
  readonly depth: number;
}

/** Where a search is: what a checkpoint saves. */
export interface SearchState {
  readonly queue: QueuedNode[];
  /** Every fingerprint seen, with the fewest preemptions it was reached with. */
  readonly visited: Map<string, number>;
  readonly stats: SearchStats;
}

/** How a search ended. */
export type SearchResult =
  | { readonly kind: 'exhausted'; readonly stats: SearchStats }
  | { readonly kind: 'stopped'; readonly stats: SearchStats; readonly why: string; readonly state: SearchState }
  | {
      readonly kind: 'failed';
      readonly stats: SearchStats;
      readonly message: string;
      readonly input: AnswersInput;
      readonly depth: number;
      /**
       * What failed when it is not a step of the answers experiment: the repaint's claim on the
       * finished boot, or the model during the boot (the answers experiment does not judge it).
       */
      readonly property?: Claim;
      /** A split claim's failing sequence as that property's input. */
      readonly split?: SplitInput;
    };

/** Replays a batch of nodes (in this process, or spread over child processes). */
export type Evaluate = (nodes: readonly ExploreNode[]) => Promise<NodeOutcome[]>;

/** Limits and callbacks of a search. */
export interface SearchOptions {
  /** Stop after this many generated states. */
  readonly maxStates?: number;
  /** Stop after this many milliseconds. */
  readonly timeMs?: number;
  /** Called after every batch. */
  readonly onProgress?: (stats: Readonly<SearchStats>) => void;
  /** Called after every level with the state to save (a checkpoint). */
  readonly onLevel?: (state: SearchState) => void;
  /** Nodes replayed at once (a batch is spread over the workers). */
  readonly batch?: number;
}

/**
 * The first search state of a scope: the booted machine.
 * @param scope - the scope
 * @returns the state
 */
export function initialSearch(scope: Scope): SearchState {
  const root: ExploreNode = {
    finalSchedule: [],
    steps: [],
    opsUsed: 0,
    ...(scope.exploreFinal ? { finalMacro: [] } : {}),
  };
  return {
    queue: [{ node: root, depth: 0 }],
    visited: new Map(),
    stats: { generated: 0, distinct: 0, depth: 0, queue: 1, elapsedMs: 0, maxEvents: 0 },
  };
}

/**
 * The children of a node.
 * @param scope - the scope
 * @param node - the node
 * @param out - what replaying it found
 * @returns the children
 */
export function childrenOf(scope: Scope, node: ExploreNode, out: NodeOutcome): ExploreNode[] {
  if (out.kind === 'failed') return [];
  if (out.kind === 'suspended') {
    const kids: ExploreNode[] = [];
    for (const cpu of out.runnable) {
      const prev = out.last === undefined ? undefined : out.agents.find((a) => a.cpu === out.last);
      const preempts =
        prev !== undefined &&
        prev.cpu !== cpu &&
        !prev.done &&
        out.runnable.includes(prev.cpu) &&
        prev.pending?.blocked !== true;
      if (out.preemptions + (preempts ? 1 : 0) > scope.maxPreemptions) continue;
      kids.push(extend(node, cpu));
    }
    return kids;
  }
  const n = out.node;
  const kids: ExploreNode[] = [];
  // A step's CPU is an index into the online CPUs (taken modulo them): every CPU is online after boot.
  const cpus = scope.everyCpu ? scope.config.cpus.length : 1;
  // Each single operation as it is, then with its table allocation #k failing (scope.failAllocations).
  const fails = Array.from({ length: scope.failAllocations ?? 0 }, (_x, k) => k);
  if (n.opsUsed + 1 <= scope.maxOps)
    for (const op of scope.ops)
      for (let cpu = 0; cpu < cpus; cpu++) {
        kids.push({ ...n, steps: [...n.steps, { kind: 'op', op, cpu }], opsUsed: n.opsUsed + 1 });
        for (const fail of fails)
          kids.push({ ...n, steps: [...n.steps, { kind: 'op', op, cpu, fail }], opsUsed: n.opsUsed + 1 });
      }
  if (scope.pairs && n.opsUsed + 2 <= scope.maxOps) {
    const paired = (scope.pairOps ?? scope.ops.map((_o, i) => i)).flatMap((i) => scope.ops[i] ?? []);
    // Symmetry: when the two CPUs of a pair are alike (same BBM level and noabort), `a ∥ b` is
    // `b ∥ a` with the CPUs renamed (a pair runs after boot, where nothing the kernel does depends
    // on which of two alike CPUs it runs on, and the search tries every CPU at every choice), so
    // each unordered pair is run once.
    const [c0, c1] = scope.config.cpus;
    const alike = c0 !== undefined && c1 !== undefined && c0.bbm === c1.bbm && c0.noabort === c1.noabort;
    paired.forEach((a, i) =>
      paired.forEach((b, j) => {
        if (!alike || i <= j) kids.push({ ...n, pair: { a, b, macro: [] }, opsUsed: n.opsUsed + 2 });
      }),
    );
  }
  return kids;
}

function extend(node: ExploreNode, cpu: CpuId): ExploreNode {
  if (node.finalMacro !== undefined) return { ...node, finalMacro: [...node.finalMacro, cpu] };
  if (node.pair !== undefined) return { ...node, pair: { ...node.pair, macro: [...node.pair.macro, cpu] } };
  return node;
}

/**
 * Runs the search from a state (the initial one, or a checkpoint's).
 * @param scope - the scope
 * @param state - where to start; it is updated in place
 * @param evaluate - replays nodes
 * @param opts - limits and callbacks
 * @returns how it ended
 */
export async function search(
  scope: Scope,
  state: SearchState,
  evaluate: Evaluate,
  opts: SearchOptions = {},
): Promise<SearchResult> {
  const t0 = performance.now() - state.stats.elapsedMs;
  const stats = state.stats;
  const batch = opts.batch ?? 64;
  let level = state.queue[0]?.depth ?? 0;
  while (state.queue.length > 0) {
    if (opts.maxStates !== undefined && stats.generated >= opts.maxStates)
      return { kind: 'stopped', stats, why: `the state limit (${opts.maxStates}) was reached`, state };
    if (opts.timeMs !== undefined && performance.now() - t0 >= opts.timeMs)
      return { kind: 'stopped', stats, why: `the time limit (${Math.round(opts.timeMs / 1000)} s) was reached`, state };
    const take = state.queue.splice(0, batch);
    const outs = await evaluate(take.map((q) => q.node));
    const next: QueuedNode[] = [];
    for (let i = 0; i < take.length; i++) {
      const q = take[i];
      const out = outs[i];
      if (q === undefined || out === undefined) continue;
      stats.generated++;
      if (out.kind === 'failed') {
        stats.elapsedMs = performance.now() - t0;
        stats.depth = Math.max(stats.depth, q.depth);
        stats.queue = state.queue.length + next.length;
        return {
          kind: 'failed',
          stats,
          message: out.message,
          input: out.input,
          depth: q.depth,
          ...(out.property === undefined ? {} : { property: out.property }),
          ...(out.split === undefined ? {} : { split: out.split }),
        };
      }
      stats.maxEvents = Math.max(stats.maxEvents, out.depthEvents);
      // A state met again is new only when reached with fewer preemptions (more futures left).
      const seen = state.visited.get(out.key);
      if (seen !== undefined && seen <= out.preemptions) continue;
      state.visited.set(out.key, out.preemptions);
      if (seen === undefined) stats.distinct++;
      stats.depth = Math.max(stats.depth, q.depth);
      for (const c of childrenOf(scope, q.node, out)) next.push({ node: c, depth: q.depth + 1 });
    }
    state.queue.push(...next);
    stats.queue = state.queue.length;
    stats.elapsedMs = performance.now() - t0;
    opts.onProgress?.(stats);
    const head = state.queue[0]?.depth;
    if (head !== undefined && head !== level) {
      level = head;
      opts.onLevel?.(state);
    }
  }
  stats.elapsedMs = performance.now() - t0;
  return { kind: 'exhausted', stats };
}
