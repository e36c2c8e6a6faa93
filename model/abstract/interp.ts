/**
 * The user-visible meaning of the tables: `interp(range)`, the translation of a VA range as
 * maplets (VA run → PA run + attributes + leaf size + contiguity), pKVM ghost style. Its cost
 * grows with the entries visited, never with the size of the range.
 *
 * @see rems-project/linux pKVM ghost `ghost_maplets.c` (the maplet idea)
 * Layer: model/abstract.
 */
import type { PA, VA } from '../arch/bits.ts';
import { asPA, asVA } from '../arch/bits.ts';
import { NO_LIMITS, forEachLeaf } from '../arch/walk.ts';
import type { MachineState } from '../machine/state.ts';

/** A run of VAs mapped the same way by leaves of one size. */
export interface Maplet {
  /** First VA (a TTBR1 address `0xffff…`) and first PA of the run. */
  readonly va: VA;
  readonly pa: PA;
  /** Length in bytes. */
  readonly size: bigint;
  /** Size of each leaf of the run (page, 2M block, …) and whether they are Contiguous. */
  readonly leafSize: bigint;
  readonly level: number;
  readonly contiguous: boolean;
  /** Memory type class, SH and NS packed (`memoryKey`), nG, AF. */
  readonly memKey: number;
  readonly nG: number;
  readonly af: number;
  /** Effective permissions (`PERM` packing: AP[2] 1, AP[1] 2, PXN 4, UXN 8). */
  readonly perms: number;
}

const VA_TOP = 0xffff000000000000n;

/**
 * The translation of [from, to) in the current tables, merged into maximal runs of equal leaf
 * size, contiguity and attributes with consecutive PAs. Invalid VAs are absent.
 * @param state - the machine
 * @param from - first VA (TTBR1 address)
 * @param to - end VA (exclusive)
 * @returns the maplets in VA order
 */
export function interp(state: MachineState, from: bigint, to: bigint): Maplet[] {
  const out: Maplet[] = [];
  const lo = Number(from - VA_TOP);
  const hi = Number(to - VA_TOP);
  let run:
    | {
        va: number;
        pa: number;
        size: number;
        leafSize: number;
        level: number;
        cont: number;
        memKey: number;
        nG: number;
        af: number;
        perms: number;
      }
    | undefined;
  const flush = (): void => {
    if (run === undefined) return;
    out.push({
      va: asVA(VA_TOP + BigInt(run.va)),
      pa: asPA(BigInt(run.pa)),
      size: BigInt(run.size),
      leafSize: BigInt(run.leafSize),
      level: run.level,
      contiguous: run.cont === 1,
      memKey: run.memKey,
      nG: run.nG,
      af: run.af,
      perms: run.perms,
    });
    run = undefined;
  };
  forEachLeaf(state.geo, state.mem, state.root, 0, lo, hi, NO_LIMITS, {
    leaf: (e) => {
      const start = Math.max(e.va, lo);
      const end = Math.min(e.va + e.size, hi);
      const pa = e.oa + (start - e.va);
      const r = run;
      if (
        r !== undefined &&
        r.va + r.size === start &&
        r.pa + r.size === pa &&
        r.leafSize === e.size &&
        r.cont === e.contiguous &&
        r.memKey === e.memKey &&
        r.nG === e.nG &&
        r.af === e.af &&
        r.perms === e.perms
      ) {
        r.size += end - start;
        return;
      }
      flush();
      run = {
        va: start,
        pa,
        size: end - start,
        leafSize: e.size,
        level: e.level,
        cont: e.contiguous,
        memKey: e.memKey,
        nG: e.nG,
        af: e.af,
        perms: e.perms,
      };
    },
  });
  flush();
  return out;
}

/**
 * The translation only: maplets with the shape (leaf size, level, contiguity) dropped and runs
 * re-merged, so that a split table and the block it replaced compare equal.
 * @param maplets - maplets from `interp`
 * @returns maplets whose leaf size is the run size
 */
export function translationOnly(maplets: readonly Maplet[]): Maplet[] {
  const out: Maplet[] = [];
  for (const m of maplets) {
    const last = out[out.length - 1];
    if (
      last !== undefined &&
      last.va + last.size === m.va &&
      last.pa + last.size === m.pa &&
      last.memKey === m.memKey &&
      last.nG === m.nG &&
      last.af === m.af &&
      last.perms === m.perms
    ) {
      out[out.length - 1] = { ...last, size: last.size + m.size, leafSize: last.size + m.size };
    } else out.push({ ...m, leafSize: m.size, level: -1, contiguous: false });
  }
  return out;
}
