/**
 * Reference checker — the TLB entries a CPU may hold (SEMANTICS.md §2; arm-bbm-rules.md §5.1,
 * RRVJDB: walk caches are TLB entries). An entry is identified by the walk that produced it: the
 * list of (entry address, value read, generation of the page it links) from the root, plus which
 * of the two entries of a Contiguous leaf it is. Everything else is derived from that path.
 *
 * Layer: model/reference (tests only).
 */
import type { LeafDesc, Limits } from './descriptor.ts';

/** One descriptor read by a walk. */
export interface PathStep {
  /** The entry's PA. */
  readonly loc: bigint;
  /** The value read. */
  readonly value: bigint;
  /** For a table descriptor: the generation of the page it links. */
  readonly linkGen?: number;
}

/** What every TLB entry has. */
interface EntryBase {
  /** Unique per path (and leaf shape): the entry's identity in `Held(c)`. */
  readonly key: string;
  /** The walk that produced it, from the root. */
  readonly path: readonly PathStep[];
  /** The level of the descriptor that produced it. */
  readonly level: number;
  /** First VA of the span the entry translates or points under. */
  readonly vaBase: bigint;
  /** Its span in bytes. */
  readonly vaSize: bigint;
}

/**
 * A leaf entry. `plain` is a leaf without the Contiguous bit; a Contiguous leaf yields a `span`
 * entry over the naturally aligned group (translating by StageOA) and an `individual` entry over
 * its own span (issue 7 family 7: the bit is a hint).
 */
export interface LeafEntry extends EntryBase {
  readonly kind: 'leaf';
  readonly shape: 'plain' | 'span' | 'individual';
  /** For Contiguous leaves: the group (page PA, page generation, group index). */
  readonly group: string | undefined;
  /** OA of `vaBase`; the entry maps `vaBase + x` to `oaBase + x`. */
  readonly oaBase: bigint;
  /** The leaf descriptor. */
  readonly desc: LeafDesc;
  /** The hierarchical limits of the walk. */
  readonly limits: Limits;
  /** Time of the latest store of the leaf's value that a fill read (older/newer for nG 1 → 0). */
  readonly storeTime: number;
}

/** A walk-cache entry: a table descriptor of level `level` that links `page`. */
export interface WalkEntry extends EntryBase {
  readonly kind: 'walk';
  /** The linked page. */
  readonly page: bigint;
  /** Its generation. */
  readonly gen: number;
  /** The limits accumulated down to and including this descriptor. */
  readonly limits: Limits;
}

/** Any TLB entry. */
export type TlbEntry = LeafEntry | WalkEntry;

/**
 * An entry of `Held(c)` with its fill moments (SEMANTICS.md §2, §3).
 */
export interface HeldEntry {
  readonly entry: TlbEntry;
  /** `lastFill(c, e)`: the latest moment a walk of `c` could produce it (what the `…L` TLBIs compare). */
  readonly lastFill: number;
  /**
   * The latest moment it counts as filled for a TLBI that also removes walk entries (the forms
   * other than `…L`): as `lastFill`, except that a walk starting at a held walk entry W counts at
   * W's own `pointerFill` (reading R1: what is built from a cached pointer goes with the pointer).
   */
  readonly pointerFill: number;
}

/**
 * Whether two spans overlap.
 * @param a - an entry
 * @param b - another entry
 * @returns true if some VA is in both
 */
export function spansOverlap(a: EntryBase, b: EntryBase): boolean {
  return a.vaBase < b.vaBase + b.vaSize && b.vaBase < a.vaBase + a.vaSize;
}

/**
 * The OA an entry gives a VA of its span.
 * @param e - a leaf entry
 * @param va - a VA in its span
 * @returns the OA
 */
export const oaOf = (e: LeafEntry, va: bigint): bigint => e.oaBase + (va - e.vaBase);
