/**
 * The lean entry of `bbm-verify check-trace`: the same command as `runCli(['check-trace', …])`,
 * without the rest of the CLI, so that bin/bbm-verify.mjs can run it from a plain-JavaScript
 * bundle (bin/bundleCache.mjs) instead of through the TypeScript loader. That loader alone costs
 * about 40 MiB of RSS and 0.25 s of start-up, more than a 10^4-event trace takes to check
 * (bench/README.md, issue 14). Importing this module runs the command: it is an entry, not a
 * library.
 *
 * Layer: cli.
 */
import { runCheckTrace } from './checkTrace.ts';
import { runAsProcess, withUsageErrors } from './entry.ts';

runAsProcess((argv, stdin) => withUsageErrors(() => runCheckTrace(argv.slice(1), stdin)));
