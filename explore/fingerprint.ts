/**
 * State fingerprints for the explorer's visited set. A state is named by everything its future
 * depends on, so that two states are merged only when their futures are the same:
 * - the model's state, as the ordered trace events that built it (the model is a function of
 *   them: `step()` is deterministic), and the test machine's records (allocations, locks, WARNs);
 * - the SUT's state: its kernel globals (`inspect()`) and, for each CPU in an operation, the
 *   primitives it performed with the values it read (explore/stepper.ts `hist`) and the one it is
 *   about to perform — a generator is a function of what it was given;
 * - the harness's state the checks read (boot phase, the expected map) and the search's own
 *   (operations and preemptions used, the last CPU, the operations in flight).
 * Two runs that reach the same fingerprint by reordering reads, lock attempts and spins (a spin
 * that sees nothing new counts once) are one state.
 *
 * Layer: explore.
 */
import { createHash } from 'node:crypto';

/**
 * A stable text of a plain value: bigints in hex, maps and sets in insertion order, object keys
 * sorted, typed arrays as lists.
 * @param v - the value
 * @returns the text
 */
export function stableText(v: unknown): string {
  if (typeof v === 'bigint') return `0x${v.toString(16)}n`;
  if (v === undefined) return 'u';
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? String(v);
  if (v instanceof Map) return `M[${[...v].map(([k, x]) => `${stableText(k)}:${stableText(x)}`).join(',')}]`;
  if (v instanceof Set) return `S[${[...v].map(stableText).join(',')}]`;
  if (Array.isArray(v)) return `[${v.map(stableText).join(',')}]`;
  if (ArrayBuffer.isView(v)) return `T[${String(v as unknown as ArrayLike<number>)}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${k}:${stableText(o[k])}`)
    .join(',')}}`;
}

/** An incremental SHA-1 over parts of a state. */
export class Fingerprint {
  private readonly h = createHash('sha1');

  /**
   * Adds one part.
   * @param label - what it is (keeps parts apart)
   * @param text - its text
   * @returns this
   */
  add(label: string, text: string): this {
    this.h.update(`${label}=${text.length}:`);
    this.h.update(text);
    return this;
  }

  /** @returns the fingerprint (hex) */
  digest(): string {
    return this.h.digest('hex');
  }
}
