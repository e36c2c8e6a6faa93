/**
 * A report input as JSON and back: bigints (addresses, descriptor values) as `{"$bigint":"0x…"}`,
 * the corpus's convention. It is how a report crosses from `verify`'s child process, which has
 * the failing run, to the parent, which has the replay commands and writes the reports.
 *
 * Layer: reports.
 */
import type { ReportInput } from './input.ts';

/**
 * Serialises a report input.
 * @param input - the input
 * @returns JSON text
 */
export function encodeReportInput(input: ReportInput): string {
  return JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: `0x${v.toString(16)}` } : v));
}

/**
 * Reads a serialised report input back.
 * @param text - what {@link encodeReportInput} wrote
 * @returns the input
 * @throws SyntaxError on text that is not JSON
 */
export function decodeReportInput(text: string): ReportInput {
  return JSON.parse(text, (_k, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const big = (v as Record<string, unknown>)['$bigint'];
      if (typeof big === 'string' && Object.keys(v).length === 1) return BigInt(big);
    }
    return v;
  }) as ReportInput;
}
