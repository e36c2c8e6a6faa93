/**
 * Command-line options of every verb, declared once: the same table drives `node:util`'s
 * `parseArgs` (strict: unknown options, missing values and stray arguments are errors) and the
 * generated `bbm-verify <verb> --help`. Every error is one {@link UsageError} line (exit 2).
 *
 * Why `node:util` `parseArgs` and not commander: it ships with Node (no dependency, nothing to
 * keep patched), is stable since Node 20, supports `--flag=value`, `--flag value`, repeated flags
 * and `--`, and throws typed errors (`ERR_PARSE_ARGS_*`) that map to our one-line exit-2 messages,
 * where commander prints its own text and exits with its own status unless overridden piece by
 * piece. What commander adds (subcommand dispatch, help layout) is about 60 lines here.
 *
 * Layer: cli.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './usage.ts';

/** One option of a verb. */
export interface OptionSpec {
  /** Long name without the dashes. */
  readonly name: string;
  /** A value placeholder (`N`, `PATH`); absent for a boolean flag. */
  readonly value?: string;
  /** One-line help. */
  readonly help: string;
  /** The environment variable read when the flag is absent. */
  readonly env?: string;
  /** The flag may be given several times (values are collected). */
  readonly multiple?: boolean;
}

/** One verb of the command. */
export interface VerbSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Positional arguments, for the usage line (e.g. `FILE|-`); absent when none are taken. */
  readonly positionals?: string;
  /** How many positionals at most (default: none, or 1 when `positionals` is set). */
  readonly maxPositionals?: number;
  readonly summary: string;
  /** A few words for the top-level help. */
  readonly brief: string;
  readonly options: readonly OptionSpec[];
  /** The exit codes, one per line. */
  readonly exits: readonly string[];
}

/** The parsed command line of a verb: option values (strings, lists, booleans) and positionals. */
export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  /** Where each value came from (`--flag` or the environment variable), for messages. */
  readonly source: Readonly<Record<string, string>>;
  /** `--help` was given. */
  readonly help: boolean;
}

const quoted = (m: string): string => /'([^']*)'/.exec(m)?.[1] ?? m;

/**
 * Parses a verb's arguments against its options; environment variables fill absent options.
 * @param verb - the verb
 * @param args - the arguments after the verb
 * @param env - the environment (default `process.env`)
 * @returns the values
 * @throws UsageError on an unknown option, a missing value or an unexpected argument
 */
export function parseVerb(verb: VerbSpec, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const o of verb.options)
    options[o.name] = { type: o.value === undefined ? 'boolean' : 'string', ...(o.multiple ? { multiple: true } : {}) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    const msg = e instanceof Error ? e.message : String(e);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(
        `${verb.name}: unknown option ${quoted(msg).split('=')[0] ?? ''} (try: bbm-verify ${verb.name} --help)`,
      );
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = quoted(msg).split(' ')[0] ?? '';
      if (/does not take an argument/.test(msg)) throw new UsageError(`${verb.name}: ${flag} takes no value`);
      throw new UsageError(`${verb.name}: ${flag} needs a value`);
    }
    throw new UsageError(`${verb.name}: ${msg.split('\n')[0] ?? msg}`);
  }
  const values = { ...parsed.values } as Record<string, string | boolean | string[] | undefined>;
  const source: Record<string, string> = {};
  for (const o of verb.options) {
    if (values[o.name] !== undefined) source[o.name] = `--${o.name}`;
    else if (o.env !== undefined && env[o.env] !== undefined && env[o.env] !== '') {
      const v = env[o.env] ?? '';
      values[o.name] = o.multiple ? [v] : o.value === undefined ? v !== '0' : v;
      source[o.name] = o.env;
    }
  }
  const help = values['help'] === true;
  const max = verb.maxPositionals ?? (verb.positionals === undefined ? 0 : 1);
  if (!help && parsed.positionals.length > max) {
    const extra = parsed.positionals[max] ?? '';
    throw new UsageError(
      max === 0
        ? `${verb.name}: unexpected argument ${JSON.stringify(extra)} (try: bbm-verify ${verb.name} --help)`
        : `${verb.name}: expected at most ${max} ${verb.positionals ?? 'argument'}, got ${JSON.stringify(extra)} too`,
    );
  }
  return { values, positionals: parsed.positionals, source, help };
}

/**
 * The generated help of a verb.
 * @param verb - the verb
 * @returns the text
 */
export function verbHelp(verb: VerbSpec): string {
  const opts = verb.options.map((o) => {
    const flag = `  --${o.name}${o.value === undefined ? '' : ` ${o.value}`}`;
    return `${flag.padEnd(26)} ${o.help}${o.env === undefined ? '' : ` (env ${o.env})`}`;
  });
  return [
    `usage: bbm-verify ${verb.name}${verb.positionals === undefined ? '' : ` ${verb.positionals}`}${verb.options.length > 0 ? ' [options]' : ''}`,
    '',
    verb.summary,
    ...(verb.aliases === undefined ? [] : [`(alias: ${verb.aliases.join(', ')})`]),
    ...(opts.length === 0 ? [] : ['', 'options:', ...opts]),
    `  ${'--help, -h'.padEnd(24)} this text`,
    '',
    'exit status:',
    ...verb.exits.map((x) => `  ${x}`),
  ].join('\n');
}
