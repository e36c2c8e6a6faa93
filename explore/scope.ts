/**
 * A scope of the bounded-exhaustive search: a small world, SUT-independent — the configuration
 * (4K, 2–3 CPUs with their BBM levels), which secondaries come up after finalisation, the
 * operation alphabet (kernel calls as the properties' {@link Op}s: splits at aligned and unaligned
 * boundaries of a target leaf, permission and validity changes, whole-leaf invalidations), how
 * many operations at most, how many preemptions at most, whether two operations may run
 * interleaved, and whether the interleavings of the finalisation's stop_machine() (the repaint)
 * are explored too. Named scopes live in `namedScopes.ts`; a scope file is JSON in the corpus's
 * value language (bigints as `{"$bigint": "0x…"}`), checked by zod as corpus files are.
 *
 * Layer: explore.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SutConfig } from '../impl/index.ts';
import type { Op } from '../properties/ops/ops.ts';
import { decodeValue } from '../shrinks/encoding.ts';
import { opData, sutConfigData } from '../shrinks/inputSchemas.ts';
import { describeIssue } from '../shrinks/schema.ts';

/** A small world to exhaust. */
export interface Scope {
  /** A name for reports (a named scope's, or the file's). */
  readonly name: string;
  /** One line: what the world is and what it is for. */
  readonly description: string;
  readonly config: SutConfig;
  /** Which secondaries come up after finalisation (bit i = cpu i+1), as `AnswersInput.lateMask`. */
  readonly lateMask: number;
  /** The operation alphabet: each step runs one of them on an online CPU, or two interleaved. */
  readonly ops: readonly Op[];
  /** Operations after boot at most (an interleaved pair counts two). */
  readonly maxOps: number;
  /** Preemptions at most in each interleaving (a switch away from a CPU that could go on). */
  readonly maxPreemptions: number;
  /** Whether two operations may run interleaved on the first two online CPUs. */
  readonly pairs: boolean;
  /** Which operations (indexes into `ops`) may run in an interleaved pair (default: all). */
  readonly pairOps?: readonly number[];
  /** Whether single operations run on every online CPU (else on the boot CPU only). */
  readonly everyCpu: boolean;
  /** Whether the interleavings of the CPUs inside the finalisation's stop_machine() are explored. */
  readonly exploreFinal: boolean;
  /**
   * Single operations also run with their table allocation #k failing, for each k below this
   * (the answers experiment's injection, `Step.fail`; default 0: none).
   */
  readonly failAllocations?: number;
}

/** A scope that cannot be used: one line naming what is wrong (exit status 2). */
export class ScopeError extends Error {
  /** @param message - the line */
  constructor(message: string) {
    super(message);
    this.name = 'ScopeError';
  }
}

/** The scope file format (`bbm-scope/1`). */
export const scopeFileSchema = z.strictObject({
  schema: z.literal('bbm-scope/1'),
  description: z.string().optional(),
  config: sutConfigData,
  lateMask: z.number().int().min(0).max(3).default(0),
  ops: z.array(opData).min(1).max(12),
  maxOps: z.number().int().min(0).max(4),
  maxPreemptions: z.number().int().min(0).max(4),
  pairs: z.boolean().default(true),
  pairOps: z.array(z.number().int().nonnegative()).optional(),
  everyCpu: z.boolean().default(false),
  exploreFinal: z.boolean().default(false),
  failAllocations: z.number().int().min(0).max(3).default(0),
});

/**
 * Reads a scope file.
 * @param file - the path
 * @returns the scope
 * @throws ScopeError naming the file and the first wrong field
 */
export function readScopeFile(file: string): Scope {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScopeError(`${file}: ${code === 'ENOENT' ? 'no such scope file' : `cannot read (${code ?? String(e)})`}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScopeError(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = scopeFileSchema.safeParse(json);
  if (!parsed.success) throw new ScopeError(`${file}: ${describeIssue(parsed.error)}`);
  const d = parsed.data;
  if (d.config.granule !== '4K') throw new ScopeError(`${file}: config.granule: a scope is 4K (tiny worlds)`);
  if (d.config.cpus.length > 3) throw new ScopeError(`${file}: config.cpus: a scope has at most 3 CPUs`);
  const outside = d.pairOps?.find((i) => i >= d.ops.length);
  if (outside !== undefined) throw new ScopeError(`${file}: pairOps: ${outside} is not an index into ops`);
  return {
    name: file,
    description: d.description ?? `scope file ${file}`,
    config: decodeValue(d.config) as SutConfig,
    lateMask: d.lateMask,
    ops: decodeValue(d.ops) as Op[],
    maxOps: d.maxOps,
    maxPreemptions: d.maxPreemptions,
    pairs: d.pairs,
    ...(d.pairOps === undefined ? {} : { pairOps: d.pairOps }),
    everyCpu: d.everyCpu,
    exploreFinal: d.exploreFinal,
    ...(d.failAllocations === 0 ? {} : { failAllocations: d.failAllocations }),
  };
}
