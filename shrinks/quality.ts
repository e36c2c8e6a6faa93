/**
 * The shrink-quality search: from a saved case, a greedy descent over the domain shrinker's moves
 * (the one-step reductions of shrinks/reductions.ts, then the simpler configurations the property
 * admits, shrinks/domainShrink.ts), each replayed on the seeded bug, to a case that still fails the same
 * way and from which no single operation, CPU or preemption can go (1-minimal). The table of
 * shrinks/README.md is `npx tsx shrinks/qualityTable.ts`.
 *
 * Layer: shrinks.
 */
import type { SutFactory } from '../impl/index.ts';
import type { AnyProperty } from '../properties/registry.ts';
import { runCase } from './corpusReplay.ts';
import { decodeValue, encodeValue } from './encoding.ts';
import type { CaseSize } from './reductions.ts';
import { caseSize } from './reductions.ts';

/** How a case fails, for "fails the same way": the violation code, else the failure's first words. */
function failureKind(p: AnyProperty, input: unknown, sut: SutFactory): string | undefined {
  let r: ReturnType<typeof runCase>;
  try {
    r = runCase(p, decodeValue(input), sut);
  } catch {
    return undefined;
  }
  if (!r.failed) return undefined;
  const code = r.run?.violation?.violation.code;
  return code ?? (r.report.split('\n')[0] ?? '').replace(/0x[0-9a-f]+|\d+/g, '#');
}

/** The result of a search. */
export interface Search {
  readonly saved: CaseSize;
  readonly found: CaseSize;
  /** Replays made. */
  readonly tries: number;
  readonly kind: string;
}

/**
 * Greedy descent from a saved case to a 1-minimal one that fails the same way.
 * @param p - the property
 * @param input - the saved case (encoded)
 * @param sut - the seeded bug
 * @param budget - most replays
 * @returns the saved size and the smallest found
 * @throws Error when the saved case does not fail on the SUT
 */
export function searchSmaller(p: AnyProperty, input: unknown, sut: SutFactory, budget = 400): Search {
  const kind = failureKind(p, input, sut);
  if (kind === undefined) throw new Error(`${p.id}: the saved case does not fail`);
  const weight = (s: CaseSize): number => s.ops + s.cpus + s.preemptions;
  let best = input;
  let tries = 0;
  for (let improved = true; improved && tries < budget;) {
    improved = false;
    const size = weight(caseSize(p.id, best));
    // The domain shrinker's moves on a value without context: the reductions, then the simpler
    // configurations the property admits (shrinks/domainShrink.ts).
    const moves = [...p.arb.shrink(decodeValue(best) as never, undefined)].map((v) => encodeValue(v.value));
    for (const r of moves) {
      if (weight(caseSize(p.id, r)) >= size) continue;
      if (++tries > budget) break;
      if (failureKind(p, r, sut) === kind) {
        best = r;
        improved = true;
        break;
      }
    }
  }
  return { saved: caseSize(p.id, input), found: caseSize(p.id, best), tries, kind };
}
