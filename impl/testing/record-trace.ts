/**
 * Writes the boot + split + repaint scenario as a `bbm-trace/1` trace on stdout.
 * Usage: npx tsx impl/testing/record-trace.ts [4K|16K|64K] [v7.1|v6.18|prealloc] [rt] > run.jsonl
 *
 * Layer: impl/testing (a script; not imported by the port).
 */
import type { GranuleName, Variant } from '../contract.ts';
import { recordBootSplitRepaint } from './record.ts';

const args = process.argv.slice(2);
const granule = (args.find((a) => ['4K', '16K', '64K'].includes(a)) ?? '4K') as GranuleName;
const variant = (args.find((a) => ['v7.2-rc', 'v6.18', 'prealloc'].includes(a)) ?? 'v7.2-rc') as Variant;
process.stdout.write(recordBootSplitRepaint({ granule, variant, preempt_rt: args.includes('rt') }).toJsonl());
