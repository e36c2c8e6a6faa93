// Preloaded (`node --import`) by the benchmark into the commands it measures: on exit, writes the
// process's peak resident set size (KiB, getrusage ru_maxrss) to the file named by BENCH_RSS_OUT.
import { writeFileSync } from 'node:fs';

const out = process.env['BENCH_RSS_OUT'];
if (out !== undefined) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
