/**
 * The verbs of `bbm-verify` and their options, as data: what parses each command line and what
 * its `--help` prints (cli/options.ts). Kept apart from the commands so that `help`, `--version`
 * and the parent process of `verify` load nothing heavy.
 *
 * Layer: cli.
 */
import type { VerbSpec } from './options.ts';

/** The fixed default seed (the same as the vitest setup's). */
export const VERIFY_SEED = 20261125;

/** The default limit of a single run of the SUT (and of loading its module). */
export const RUN_TIMEOUT = '30s';

/** `bbm-verify check-trace`. */
export const CHECK_TRACE_VERB: VerbSpec = {
  name: 'check-trace',
  positionals: 'FILE|-',
  maxPositionals: Number.MAX_SAFE_INTEGER,
  brief: 'replay a bbm-trace/1 trace on the model',
  summary:
    'Replay a bbm-trace/1 trace (a file, or - for stdin) on the model, streaming, and print the first\n' +
    'violation with its site and the VA layout around it (format: model/trace/README.md).',
  options: [],
  exits: [
    '0  clean',
    '1  a rule was broken (the first violation is printed)',
    '2  bad input (one line naming the line of the trace)',
  ],
};

/** `bbm-verify verify`. */
export const VERIFY_VERB: VerbSpec = {
  name: 'verify',
  aliases: ['run'],
  brief: 'run every property against the SUT (alias: run)',
  summary:
    'Run every property of the catalogue against the SUT (the bundled port unless --sut), each at the seed\n' +
    'and budget given, one line per property as it finishes; a finding prints its replay command.',
  options: [
    {
      name: 'sut',
      value: 'PATH',
      help: 'a module exporting a SutFactory (impl/CONTRACT.md), port, or mutant:<id> (a seeded bug)',
      env: 'BBM_SUT',
    },
    { name: 'only', value: 'ID[,ID]', help: 'only these properties (properties/README.md)', multiple: true },
    { name: 'runs', value: 'N', help: 'runs per property (default: 3 × its CI budget, ~1 min in all)' },
    { name: 'time', value: 'DURATION', help: 'time budget per property (90, 90s, 10m)' },
    { name: 'seed', value: 'N', help: `base seed (default ${VERIFY_SEED})`, env: 'BBM_SEED' },
    { name: 'seeds', value: 'N', help: 'run at N seeds: the base seed and N-1 derived from it', env: 'BBM_SEEDS' },
    {
      name: 'granule',
      value: 'G[,G]',
      help: 'only configurations with these granules (4K, 16K, 64K)',
      env: 'BBM_GRANULES',
      multiple: true,
    },
    {
      name: 'variant',
      value: 'V[,V]',
      help: 'only these kernel variants (v7.2-rc, v7.1, v7.3, v6.18, prealloc)',
      env: 'BBM_VARIANTS',
      multiple: true,
    },
    { name: 'path', value: 'P', help: 'replay the counterexample at this path (with --only ID and --seed)' },
    { name: 'no-corpus', help: 'generated inputs only: no saved value (shrinks/corpus) is tried first' },
    { name: 'corpus', value: 'DIR', help: 'the corpus whose values run first (default shrinks/corpus)' },
    {
      name: 'save-corpus',
      help: 'add each new counterexample to the corpus as it is found (never replacing an entry)',
    },
    {
      name: 'jobs',
      value: 'N',
      help: 'properties run at once, each in its own child process (default: one per core)',
      env: 'BBM_JOBS',
    },
    {
      name: 'run-timeout',
      value: 'DURATION',
      help: `limit of one run of the SUT and of loading it (default ${RUN_TIMEOUT})`,
    },
    { name: 'json', value: 'FILE', help: 'write the JSON summary (cli/README.md)' },
    { name: 'junit', value: 'FILE', help: 'write a JUnit XML report' },
    { name: 'html', value: 'FILE', help: 'write the failures as one self-contained HTML report (reports/README.md)' },
    {
      name: 'progress',
      value: 'MODE',
      help: 'auto (a bar on a terminal, a line every 10 s otherwise), bar, plain or off; on stderr',
      env: 'BBM_PROGRESS',
    },
    {
      name: 'shard',
      value: 'I/N',
      help: 'run shard I of N: properties × seeds dealt round-robin (N shards = one run)',
      env: 'BBM_SHARD',
    },
  ],
  exits: [
    '0  every property holds',
    '1  a finding: a counterexample, or a SUT that hangs, exits or crashes',
    '2  bad usage or input (flags, environment, the SUT module, a --path that replays nothing)',
    '3  an internal error of the suite',
  ],
};

/** `bbm-verify merge-summaries`. */
export const MERGE_VERB: VerbSpec = {
  name: 'merge-summaries',
  positionals: 'FILE...',
  maxPositionals: Number.MAX_SAFE_INTEGER,
  brief: 'merge the JSON summaries of the shards of one verify run',
  summary:
    'Merge the JSON summaries of the N shards of one run (verify --shard I/N --json FILE) into the summary\n' +
    'of the whole run, in its order; print its closing line and exit as the whole run would.',
  options: [
    { name: 'json', value: 'FILE', help: 'write the merged JSON summary (reports/README.md)' },
    { name: 'junit', value: 'FILE', help: 'write a JUnit XML report of the merged run' },
  ],
  exits: [
    '0  every property holds',
    '1  a finding in some shard',
    '2  bad input: a file that is not a summary, shards of different runs, a shard missing or given twice',
    '3  an internal error of the suite in some shard',
  ],
};

/** `bbm-verify mutants`. */
export const MUTANTS_VERB: VerbSpec = {
  name: 'mutants',
  brief: 'the seeded-bug kill matrix (impl/mutants)',
  summary:
    'The kill matrix: every seeded bug of impl/mutants against the properties, killed or not, with the\n' +
    'runs and seconds to the first kill.',
  options: [
    { name: 'full', help: 'run every cell (default: each mutant stops at its first kill)' },
    { name: 'save-corpus', help: "save each mutant's killing input under shrinks/corpus/" },
    { name: 'only', value: 'ID[,ID]', help: 'only these mutants (impl/mutants/README.md)', multiple: true },
    { name: 'seed', value: 'N', help: `seed (default ${VERIFY_SEED})`, env: 'BBM_SEED' },
    { name: 'runs', value: 'N', help: "runs per property (default: each property's CI budget)" },
  ],
  exits: ['0  every seeded bug is killed', '1  a seeded bug survives', '2  bad usage'],
};

/** `--dir`, shared by the corpus subcommands. */
const CORPUS_DIR_OPTION = { name: 'dir', value: 'DIR', help: 'the corpus folder (default shrinks/corpus)' } as const;

/** `bbm-verify corpus`: its subcommands, each with its own option table below. */
export const CORPUS_VERB: VerbSpec = {
  name: 'corpus',
  positionals: 'SUBCOMMAND',
  maxPositionals: 0,
  brief: 'the saved counterexamples (shrinks/corpus): check, list, show, add, rm',
  summary:
    'The corpus of saved counterexamples (values, not seeds; shrinks/README.md). Without a subcommand,\n' +
    '`corpus [DIR]` is `corpus check [DIR]`. bbm-verify corpus SUBCOMMAND --help for each.\n' +
    '  check [DIR]   replay every entry against the SUT it names; it must fail (or hold) as recorded\n' +
    '  list          one line per entry: id, SUT, expectation, where it was found\n' +
    '  show ID       one entry (id <property>/<name>, or a name found once)\n' +
    '  add FILE      a saved case (verify prints it as `replay: npx bbm-verify replay FILE`) into the corpus\n' +
    '  rm ID         remove one entry',
  options: [],
  exits: [
    '0  done (check: every entry as recorded)',
    '1  check: an entry changed; add: the case no longer does what it records',
    '2  bad input: a missing or empty folder, a corrupt or old-schema file, an unknown id (nothing is rewritten)',
  ],
};

/** `bbm-verify corpus check`. */
export const CORPUS_CHECK_VERB: VerbSpec = {
  name: 'corpus check',
  positionals: '[DIR]',
  brief: 'replay every entry',
  summary:
    'Replay every saved counterexample (default shrinks/corpus) against the SUT it names and check that\n' +
    'it still fails (or holds) as recorded.',
  options: [],
  exits: [
    '0  every entry as recorded',
    '1  an entry changed',
    '2  bad input: DIR missing or empty, a corrupt or old-schema entry, an input of the wrong shape (nothing is rewritten)',
  ],
};

/** `bbm-verify corpus list`. */
export const CORPUS_LIST_VERB: VerbSpec = {
  name: 'corpus list',
  brief: 'list the entries',
  summary:
    'One line per entry: its id (<property>/<name>), the SUT, fail or pass, and the seed, path and date it was found.',
  options: [CORPUS_DIR_OPTION],
  exits: ['0  listed', '2  a corrupt entry or a missing folder'],
};

/** `bbm-verify corpus show`. */
export const CORPUS_SHOW_VERB: VerbSpec = {
  name: 'corpus show',
  positionals: 'ID',
  brief: 'show one entry',
  summary: 'Print one entry (id <property>/<name>, or a name only one entry has) as its file holds it.',
  options: [CORPUS_DIR_OPTION],
  exits: ['0  shown', '2  no such entry, or a corrupt corpus'],
};

/** `bbm-verify corpus add`. */
export const CORPUS_ADD_VERB: VerbSpec = {
  name: 'corpus add',
  positionals: 'FILE',
  brief: 'add a saved case',
  summary:
    'Add a saved case (the file a failure names in `replay: npx bbm-verify replay FILE`) to the corpus as\n' +
    '<property>/<name>.json, after replaying it: it must still do what it records, and an input that kills\n' +
    'a seeded bug must hold on the bundled port. An existing entry is never overwritten.',
  options: [CORPUS_DIR_OPTION, { name: 'name', value: 'NAME', help: "the entry's name (default: the case's own)" }],
  exits: [
    '0  added',
    '1  the case no longer does what it records',
    '2  bad input (the file, the name, an existing entry)',
  ],
};

/** `bbm-verify corpus rm`. */
export const CORPUS_RM_VERB: VerbSpec = {
  name: 'corpus rm',
  positionals: 'ID',
  brief: 'remove an entry',
  summary: 'Remove one entry (id <property>/<name>, or a name only one entry has).',
  options: [CORPUS_DIR_OPTION],
  exits: ['0  removed', '2  no such entry, or a corrupt corpus'],
};

/** The corpus subcommands by name. */
export const CORPUS_SUBVERBS: Readonly<Record<string, VerbSpec>> = {
  check: CORPUS_CHECK_VERB,
  list: CORPUS_LIST_VERB,
  show: CORPUS_SHOW_VERB,
  add: CORPUS_ADD_VERB,
  rm: CORPUS_RM_VERB,
};

/** `bbm-verify replay`. */
export const REPLAY_VERB: VerbSpec = {
  name: 'replay',
  positionals: 'FILE',
  brief: 'replay a saved case exactly (no generation, no shrinking)',
  summary:
    'Replay a saved case (a corpus entry, or the file a failure names in its `replay:` line) exactly: the\n' +
    'same property on the same value, against the SUT it was found on or the one given, and print the same\n' +
    'report. The output is byte-identical from run to run.',
  options: [
    { name: 'sut', value: 'PATH', help: 'replay against this implementation: a module, port or mutant:<id>' },
    { name: 'trace', value: 'OUT.jsonl', help: "write the case's primitive trace (bbm-trace/1) for check-trace" },
    { name: 'html', value: 'FILE', help: 'write the failure report as one self-contained HTML file' },
    {
      name: 'run-timeout',
      value: 'DURATION',
      help: `limit of the run and of loading the SUT (default ${RUN_TIMEOUT})`,
    },
  ],
  exits: [
    '0  the case holds',
    '1  the case fails (or the SUT hangs, exits or crashes)',
    '2  bad input: the file (missing, a folder, corrupt, old schema, unknown property), the SUT, a flag',
    '3  an internal error of the suite',
  ],
};

/** `bbm-verify scenarios`. */
export const SCENARIOS_VERB: VerbSpec = {
  name: 'scenarios',
  positionals: '[DIR]',
  brief: 'check the golden scenarios (model/scenarios)',
  summary:
    'Check every golden scenario (<name>.jsonl beside <name>.expected, default model/scenarios) against\n' +
    'its expected first line.',
  options: [],
  exits: ['0  every scenario matches', '1  a mismatch', '2  DIR missing or holding no scenario'],
};

/** `bbm-verify explore`. */
export const EXPLORE_VERB: VerbSpec = {
  name: 'explore',
  brief: 'bounded-exhaustive search of a small world (explore/README.md)',
  summary:
    'Enumerate every operation sequence of a scope up to its bound and every interleaving up to its\n' +
    'preemptions, breadth-first, checking the model at every event and ops.answers-exact and\n' +
    'ops.in-force-on-return after every operation; print TLC-style counts, and save the first (shortest)\n' +
    'counterexample as a case file that bbm-verify replay runs again.',
  options: [
    {
      name: 'scope',
      value: 'NAME|FILE',
      help: 'tiny, split-pud, repaint-2cpu, pageattr-race, or a bbm-scope/1 JSON file',
    },
    { name: 'sut', value: 'SUT', help: 'port (default), mutant:<id> (impl/mutants) or a module PATH', env: 'BBM_SUT' },
    { name: 'max-states', value: 'N', help: 'stop after N states generated (default: none)' },
    { name: 'time', value: 'DURATION', help: 'stop after this long (default: none; 90, 90s, 10m)' },
    { name: 'workers', value: 'N', help: 'replay nodes in N child processes (default 1: in this process)' },
    { name: 'checkpoint', value: 'FILE', help: 'save the search here after every level; resume from it if it exists' },
    { name: 'out', value: 'DIR', help: 'where a counterexample is saved (default reports/out/<sut>/explore)' },
    { name: 'progress', value: 'MODE', help: 'auto (default), bar, plain (a line every 5 s) or off' },
  ],
  exits: [
    '0  scope exhausted: every check held',
    '1  a check failed (the shortest counterexample is printed and saved)',
    '2  bad usage or input (unknown scope, corrupt scope file, bad flag)',
    '4  stopped by --max-states or --time before the scope was exhausted',
  ],
};

/** Every verb, in help order. */
export const VERBS: readonly VerbSpec[] = [
  CHECK_TRACE_VERB,
  VERIFY_VERB,
  REPLAY_VERB,
  MERGE_VERB,
  MUTANTS_VERB,
  CORPUS_VERB,
  SCENARIOS_VERB,
  EXPLORE_VERB,
];
