/**
 * What a TLBI removes: the VA range it matches, whether it spares walk-cache entries ("last
 * level" forms), and whether it reaches every CPU of the Inner Shareable domain.
 *
 * @see Arm ARM DDI 0487 M.b D8.16 "TLB maintenance instructions"; arm-bbm-rules.md §5.3
 * Layer: model/machine.
 */
import type { TLBIKind } from '../events.ts';

/** The decoded scope of a TLBI (`TLBIRecord` in spirit). */
export interface TLBIScope {
  /** VA[47:0] range matched: an entry is removed when its span overlaps [from, to). */
  readonly from: number;
  readonly to: number;
  /** Matches every VA (`VMALLE1*`). */
  readonly all: boolean;
  /** `…L` forms: leaf entries only, walk-cache entries are kept (`TLBILevel_Last`). */
  readonly leafOnly: boolean;
  /** `…IS` forms: broadcast to every PE in the Inner Shareable domain. */
  readonly broadcast: boolean;
}

/** Static properties of each TLBI mnemonic. */
const KINDS: Readonly<Record<TLBIKind, { leafOnly: boolean; broadcast: boolean; range: boolean; all: boolean }>> = {
  vae1is: { leafOnly: false, broadcast: true, range: false, all: false },
  vale1is: { leafOnly: true, broadcast: true, range: false, all: false },
  vaae1is: { leafOnly: false, broadcast: true, range: false, all: false },
  vaale1is: { leafOnly: true, broadcast: true, range: false, all: false },
  vae1: { leafOnly: false, broadcast: false, range: false, all: false },
  vale1: { leafOnly: true, broadcast: false, range: false, all: false },
  vaae1: { leafOnly: false, broadcast: false, range: false, all: false },
  vaale1: { leafOnly: true, broadcast: false, range: false, all: false },
  rvae1is: { leafOnly: false, broadcast: true, range: true, all: false },
  rvaae1is: { leafOnly: false, broadcast: true, range: true, all: false },
  rvale1is: { leafOnly: true, broadcast: true, range: true, all: false },
  rvaale1is: { leafOnly: true, broadcast: true, range: true, all: false },
  vmalle1is: { leafOnly: false, broadcast: true, range: false, all: true },
  vmalle1: { leafOnly: false, broadcast: false, range: false, all: true },
};

/** Every TLBI mnemonic of the trace format. */
export const TLBI_KINDS = Object.keys(KINDS) as TLBIKind[];

/**
 * Whether a TLBI kind takes a VA, and whether it takes a size.
 * @param kind - the mnemonic
 * @returns its operand shape
 */
export function tlbiOperands(kind: TLBIKind): { va: boolean; size: boolean } {
  const k = KINDS[kind];
  return { va: !k.all, size: k.range };
}

/**
 * Decodes a TLBI into its scope.
 * DEVIATION: ASIDs are not modelled: the kernel context is global (nG = 0 mappings), so the
 * by-ASID (`VAE1`) and all-ASID (`VAAE1`) forms match the same entries.
 * DEVIATION: no TTL hint is carried by the trace format, so every by-VA TLBI is TTL-unknown (it
 * matches entries of any level).
 * @param kind - the mnemonic
 * @param va - VA[47:0] operand (by-VA and range forms)
 * @param size - range size in bytes (range forms)
 * @returns the scope
 */
export function decodeTLBI(kind: TLBIKind, va: number, size: number): TLBIScope {
  const k = KINDS[kind];
  if (k.all) return { from: 0, to: Number.POSITIVE_INFINITY, all: true, leafOnly: false, broadcast: k.broadcast };
  return { from: va, to: k.range ? va + size : va + 1, all: false, leafOnly: k.leafOnly, broadcast: k.broadcast };
}
