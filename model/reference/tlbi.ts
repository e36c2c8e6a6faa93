/**
 * Reference checker — TLBI requests and their completion (SEMANTICS.md §3; arm-bbm-rules.md
 * §5.3/§5.4; decisions 2 and 3). A TLBI is recorded at its issue with its targets (every online
 * CPU for the `…IS` forms, the issuer otherwise) and completes at the issuer's next `DSB ISH` or
 * `DSB SY` (`DSB NSH` also completes a local one; the `ST` forms complete none). On completion it
 * removes from each target every entry in its scope whose `lastFill` is before the issue.
 *
 * DEVIATION: no ASIDs (`VAE1*` = `VAAE1*`), no TTL hint (SEMANTICS.md §3).
 *
 * Layer: model/reference (tests only).
 */
import type { CpuId, DSBDomain, TLBIKind } from '../events.ts';
import type { TlbEntry } from './entries.ts';

/** A TLBI that was issued and has not completed yet. */
export interface TlbiRequest {
  /** The event index of its issue. */
  readonly issued: number;
  readonly kind: TLBIKind;
  readonly va?: bigint;
  readonly size?: bigint;
  /** The CPU that issued it (only its DSBs complete it). */
  readonly issuer: CpuId;
  /** The CPUs whose TLBs it acts on. */
  readonly targets: readonly CpuId[];
}

/**
 * Whether a TLBI is broadcast (Inner Shareable).
 * @param kind - the TLBI kind
 * @returns true for the `…IS` forms
 */
export const isBroadcast = (kind: TLBIKind): boolean => kind.endsWith('is');

/**
 * Whether a DSB completes a pending TLBI of its issuer.
 * @param dom - the DSB domain
 * @param kind - the TLBI kind
 * @returns true for ISH/SY, and NSH for a local TLBI
 */
export function dsbCompletes(dom: DSBDomain, kind: TLBIKind): boolean {
  if (dom === 'ish' || dom === 'sy') return true;
  return dom === 'nsh' && !isBroadcast(kind);
}

/**
 * The VA range a TLBI acts on: one VA, a range, or everything.
 * @param t - the request
 * @returns `[from, to)`, or undefined for VMALLE1*
 */
export function tlbiRange(t: Pick<TlbiRequest, 'kind' | 'va' | 'size'>): readonly [bigint, bigint] | undefined {
  if (t.kind.startsWith('vmalle1')) return undefined;
  const va = t.va ?? 0n;
  return [va, va + (t.kind.startsWith('r') ? (t.size ?? 0n) : 1n)];
}

/** The "last level" forms (decision 2: they remove leaf entries of any level, no walk entries). */
const LAST_LEVEL: ReadonlySet<TLBIKind> = new Set<TLBIKind>([
  'vale1is',
  'vaale1is',
  'vale1',
  'vaale1',
  'rvale1is',
  'rvaale1is',
]);

/**
 * Whether a TLBI is one of the `…L` (last level) forms, which spare walk entries (decision 2).
 * @param kind - the TLBI
 * @returns true for the `…L` forms
 */
export function sparesWalks(kind: TlbiRequest['kind']): boolean {
  return LAST_LEVEL.has(kind);
}

/**
 * Whether a TLBI's scope covers an entry: by VA, every entry whose span holds the VA; a range,
 * every entry whose span overlaps it; VMALLE1*, everything; the `…L` forms spare walk entries.
 * @param t - the request
 * @param e - a held entry
 * @returns true if in scope
 */
export function inScope(t: Pick<TlbiRequest, 'kind' | 'va' | 'size'>, e: TlbEntry): boolean {
  if (LAST_LEVEL.has(t.kind) && e.kind === 'walk') return false;
  return overlapsRange(t, e.vaBase, e.vaSize);
}

/**
 * Whether a TLBI's VA range meets `[base, base + size)`.
 * @param t - the request
 * @param base - first VA
 * @param size - bytes
 * @returns true if they overlap (always for VMALLE1*)
 */
export function overlapsRange(t: Pick<TlbiRequest, 'kind' | 'va' | 'size'>, base: bigint, size: bigint): boolean {
  const r = tlbiRange(t);
  if (r === undefined) return true;
  return r[0] < base + size && base < r[1];
}
