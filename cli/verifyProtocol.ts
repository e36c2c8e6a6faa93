/**
 * What the `verify` parent and its child process say to each other. The request goes to the child
 * as its argument; the child expands it into jobs against the catalogue (so that the parent never
 * loads the catalogue) and answers with one JSON object per line on file descriptor 3, written
 * synchronously, so that a message sent just before the SUT loops or exits still arrives.
 *
 * Layer: cli.
 */
import type { Narrowing, PropertyStatus } from '../properties/verify.ts';
import type { Shard } from './shard.ts';

/** One property at one seed. */
export interface Job {
  readonly property: string;
  readonly seed: number;
  readonly runs: number;
  readonly timeMs?: number;
  readonly path?: string;
}

/** What the child runs: every selected property at every seed, seed by seed, from job `from` on. */
export interface Request {
  /** The SUT module (absent: the bundled port). */
  readonly sut?: string;
  /** Property ids (empty: the whole catalogue). */
  readonly only: readonly string[];
  readonly seeds: readonly number[];
  /** Runs per property (absent: `budget` × the property's own CI budget). */
  readonly runs?: number;
  readonly budget: number;
  readonly timeMs?: number;
  readonly path?: string;
  readonly narrowing: Narrowing;
  readonly from: number;
  /** Run no corpus value before the generated inputs (`--no-corpus`). */
  readonly noCorpus?: boolean;
  /** The corpus folder (`--corpus`, default shrinks/corpus). */
  readonly corpusDir?: string;
  /** Add each new counterexample to the corpus as it is found (`--save-corpus`). */
  readonly saveCorpus?: boolean;
  /** A seeded bug of impl/mutants to run instead of `sut` (`--sut mutant:<id>`). */
  readonly mutant?: string;
  /**
   * Replay one saved case instead of generating (`bbm-verify replay`): the encoded input of the
   * one property in `only`, run once, never shrunk; its primitive trace written to `trace`.
   */
  readonly replay?: { readonly input: unknown; readonly trace?: string };
  /** Only this shard of the jobs (cli/shard.ts). */
  readonly shard?: Shard;
  /**
   * Pull mode (a pool of children, cli/verifyRunner.ts): after loading the SUT the child asks for
   * each job with `ready` and reads its index, one line on {@link JOB_FD} (`stop` ends it);
   * `from` is then ignored.
   */
  readonly pull?: boolean;
}

/** A property result as it crosses the process boundary (the counterexample as corpus data). */
export interface WireResult {
  readonly id: string;
  readonly status: PropertyStatus;
  /** Generated inputs run. */
  readonly runs: number;
  /** Corpus values run before them (shrinks/examples.ts). */
  readonly examples?: number;
  readonly ms: number;
  readonly seed: number;
  /** Absent when the failing input was a corpus value (`exampleFile`): no seed and path name it. */
  readonly path?: string;
  /** The corpus entry whose value failed, when the failing input was one. */
  readonly exampleFile?: string;
  readonly failure?: string;
  readonly reason?: string;
  readonly counterexample?: unknown;
  readonly shrinks?: number;
  /**
   * The failure's report input (reports/input.ts, by `encodeReportInput`, without the replay
   * commands, which the parent adds), when the failing input replays to a judged run.
   */
  readonly report?: string;
  /** The failing case saved by value (`bbm-verify replay FILE`) and its trace, when saved. */
  readonly caseFile?: string;
  readonly traceFile?: string;
  /**
   * With `--save-corpus`: the corpus entry of the counterexample — added (`corpusAdded`), or an
   * equal one already there — or why it was not added (`corpusNote`).
   */
  readonly corpusFile?: string;
  readonly corpusAdded?: boolean;
  readonly corpusNote?: string;
}

/** A message of the child. `job` indexes the plan's jobs. */
export type ChildMessage =
  | { readonly t: 'plan'; readonly jobs: readonly Job[] }
  | { readonly t: 'bad-plan'; readonly message: string }
  | { readonly t: 'loading' }
  | {
      readonly t: 'loaded';
      /** The plug-in's `replayEnv` variables set in the child's environment, with their values. */
      readonly env?: Readonly<Record<string, string>>;
    }
  | { readonly t: 'load-error'; readonly message: string }
  | { readonly t: 'start'; readonly job: number }
  | {
      readonly t: 'run';
      readonly job: number;
      readonly n: number;
      readonly shrinking: boolean;
      readonly path?: string;
      /** The corpus entry of the input, when it is a saved value. */
      readonly example?: string;
    }
  | { readonly t: 'config'; readonly job: number; readonly config: string }
  | { readonly t: 'op'; readonly job: number; readonly op: string }
  | { readonly t: 'exit-called'; readonly code: number; readonly where: string }
  | { readonly t: 'result'; readonly job: number; readonly result: WireResult }
  | { readonly t: 'error'; readonly job: number; readonly message: string }
  | { readonly t: 'ready' }
  | { readonly t: 'done' };

/** The file descriptor of the child's messages. */
export const MESSAGE_FD = 3;
/** The file descriptor on which a child in pull mode reads the index of its next job. */
export const JOB_FD = 4;
