/**
 * What each kernel call must answer and change, from the gates of `gates.ts`: the return value
 * (0 / -EINVAL / -ENOMEM / -EBUSY and the kernel's rule for each), the VAs it changes and how
 * (the linear alias only when the configuration says it follows), whether it may WARN, whether
 * its caller flushes (`_noflush`), whether it runs in atomic context. Everything not listed in
 * `changes` must stay as it was.
 *
 * The rule for a call in which a table allocation failed (kernel-split-repaint.md §8 inv. 18,
 * 19): it returns one of `retOnFailure`; every VA it was asked to change is either as before or
 * as after; nothing else changes; the tables stay valid (the model is clean) — no rollback, no
 * damage.
 *
 * Layer: properties/kernel.
 */
import type { CpuSpec, SutConfig } from '../../impl/index.ts';
import type { Intent } from '../ops/resolve.ts';
import { aliasFollows, aliasPages, canSetDirectMap, EBUSY, EINVAL, ENOMEM, splitGate } from './gates.ts';
import type { SplitGate } from './gates.ts';
import type { BootPhase } from './phase.ts';

/** How a VA range changes. */
export type Change =
  | { readonly kind: 'perm'; readonly start: bigint; readonly end: bigint; readonly which: 'ro' | 'rw' | 'nx' | 'x' }
  /** Present-invalid: out of the linear map, attributes kept for a later "make valid". */
  | { readonly kind: 'invalid'; readonly start: bigint; readonly end: bigint }
  /** Valid again with the attributes it had; `rw` also makes it writable (`set_direct_map_default_noflush()`). */
  | { readonly kind: 'valid'; readonly start: bigint; readonly end: bigint; readonly rw: boolean };

/** What a call must do. */
export interface Outcome {
  /** The return value when no table allocation fails (`arch_kfence_init_pool()`: 1 = true). */
  readonly ret: number;
  /** The return values allowed when a table allocation fails during the call. */
  readonly retOnFailure: readonly number[];
  /** What changes when it succeeds. */
  readonly changes: readonly Change[];
  /** It must WARN (a blackout window); otherwise a WARN is allowed only after a failed allocation. */
  readonly warns: boolean;
  /** `_noflush`: the caller's documented flush, which the harness performs after a 0 return. */
  readonly callerFlush?: { readonly start: bigint; readonly end: bigint };
  /** Atomic context: the call may neither take a sleeping lock nor allocate. */
  readonly atomic: boolean;
  /** The split gate lets a split through (otherwise no leaf may change size or contiguity). */
  readonly splits?: boolean;
  /** The kernel's reason, for reports. */
  readonly why: string;
}

/** What a call needs to know about the machine beyond configuration and phase. */
export interface OutcomeEnv {
  readonly cfg: SutConfig;
  readonly phase: Readonly<BootPhase>;
  /** The calling CPU. */
  readonly cpu: CpuSpec;
  readonly pageSize: bigint;
  /** The linear-map VA of a PA. */
  linearVa(pa: bigint): bigint;
  /** `is_kfence_address(va)`. */
  inKfencePool(va: bigint): boolean;
}

const none = (why: string, ret = 0): Outcome => ({
  ret,
  retOnFailure: [ret],
  changes: [],
  warns: false,
  atomic: false,
  why,
});

/** `__change_memory_common()`/`update_range_prot()` on one range: the split gate decides. */
function gateOf(env: OutcomeEnv, start: bigint): SplitGate {
  return splitGate(env.cfg, env.phase, env.cpu, env.inKfencePool(start), true);
}

/**
 * The outcome of a resolved call.
 * @see arch/arm64/mm/pageattr.c: update_range_prot(), __change_memory_common(),
 *   change_memory_common(), set_memory_valid(), set_direct_map_*_noflush(); arch/arm64/mm/mmu.c:
 *   split_kernel_leaf_mapping(), arch_kfence_init_pool()
 * @param env - configuration, phase, CPU, address helpers
 * @param it - the call
 * @returns what it must do
 */
export function outcomeOf(env: OutcomeEnv, it: Intent): Outcome {
  const page = env.pageSize;
  switch (it.kind) {
    case 'none':
      return none(it.why);
    case 'split': {
      const aligned = it.start % page === 0n && it.end % page === 0n;
      const g = splitGate(env.cfg, env.phase, env.cpu, env.inKfencePool(it.start), aligned);
      if (g.kind === 'busy') return { ...none(g.why, EBUSY), warns: true };
      if (g.kind === 'einval') return none('not page aligned', EINVAL);
      if (g.kind === 'noop') return none(g.why);
      // A split changes shapes only, never the translation (split.* judge the shapes).
      return { ...none('split'), retOnFailure: [ENOMEM], splits: true };
    }
    case 'set_memory': {
      const count = it.pages.length;
      if (it.n === 0) return none('numpages == 0');
      // The range must lie in the area (its size includes the guard page).
      if (it.from + it.n > count + 1) return none('range outside the vm area', EINVAL);
      const g = gateOf(env, it.area);
      if (g.kind === 'busy') return { ...none(g.why, EBUSY), warns: true };
      const start = it.area + BigInt(it.from) * page;
      const changes: Change[] = [{ kind: 'perm', start, end: start + BigInt(it.n) * page, which: it.which }];
      if (aliasFollows(env.cfg, it.which))
        for (const pa of aliasPages(env.cfg, it.pages, it.from, it.n)) {
          const va = env.linearVa(pa);
          changes.push({ kind: 'perm', start: va, end: va + page, which: it.which });
        }
      // v6.18 ignores the alias calls' errors (every page of the area, 37cb0aab9068 fixed both).
      const retOnFailure = env.cfg.variant === 'v6.18' ? [0, ENOMEM] : [ENOMEM];
      return {
        ret: 0,
        retOnFailure,
        changes,
        warns: false,
        atomic: false,
        splits: g.kind === 'split',
        why: aliasFollows(env.cfg, it.which) ? 'vmalloc range and its linear alias' : 'vmalloc range only',
      };
    }
    case 'set_memory_valid': {
      const g = gateOf(env, it.addr);
      if (g.kind === 'busy') return { ...none(g.why, EBUSY), warns: true, atomic: it.atomic };
      const end = it.addr + BigInt(it.n) * page;
      const change: Change = it.enable
        ? { kind: 'valid', start: it.addr, end, rw: false }
        : { kind: 'invalid', start: it.addr, end };
      return {
        ret: 0,
        retOnFailure: [ENOMEM],
        changes: [change],
        warns: false,
        atomic: it.atomic,
        splits: g.kind === 'split',
        why: g.kind,
      };
    }
    case 'direct_map': {
      if (!canSetDirectMap(env.cfg)) return none('!can_set_direct_map()');
      const va = env.linearVa(it.pa);
      const g = gateOf(env, va);
      if (g.kind === 'busy') return { ...none(g.why, EBUSY), warns: true };
      const base = { ret: 0, retOnFailure: [ENOMEM], warns: false, atomic: false, splits: g.kind === 'split' };
      if (it.which === 'invalid')
        return {
          ...base,
          changes: [{ kind: 'invalid', start: va, end: va + page }],
          callerFlush: { start: va, end: va + page },
          why: 'set_direct_map_invalid_noflush(): the caller flushes',
        };
      if (it.which === 'default')
        return { ...base, changes: [{ kind: 'valid', start: va, end: va + page, rw: true }], why: 'default' };
      const end = va + BigInt(it.nr) * page;
      // set_direct_map_valid_noflush() → set_memory_valid(), which flushes despite the name.
      return {
        ...base,
        changes: [it.valid ? { kind: 'valid', start: va, end, rw: false } : { kind: 'invalid', start: va, end }],
        why: 'set_direct_map_valid_noflush() → set_memory_valid()',
      };
    }
    case 'kfence_late':
      // arch_kfence_init_pool() splits the pool to PTEs (range_split_to_ptes()).
      return {
        ret: 1,
        retOnFailure: [0],
        changes: [],
        warns: false,
        atomic: false,
        splits: true,
        why: 'arch_kfence_init_pool()',
      };
  }
}

/**
 * Whether a change narrows access (after the call returns, no CPU may still use the old access).
 * @param c - the change
 * @returns true for invalid, ro, nx
 */
export function narrows(c: Change): boolean {
  return c.kind === 'invalid' || (c.kind === 'perm' && (c.which === 'ro' || c.which === 'nx'));
}

/**
 * Whether a call would run into a bug the selected variant is known to have, so that a sequence
 * must not ask for it: v6.18 (before 15bfba1ad77f) cannot make a block valid again once it was
 * made invalid as a whole — `pageattr_p?d_entry()` test `p?d_sect()` (see
 * perm/validRoundtrip.witness.test.ts). A whole-block invalidation is therefore not generated
 * for v6.18.
 * @param cfg - the configuration
 * @param changes - the call's changes
 * @param blockInside - whether a block leaf (PMD or PUD level) lies wholly inside a VA range
 * @returns the known bug's commit, or undefined
 */
export function knownBugOf(
  cfg: SutConfig,
  changes: readonly Change[],
  blockInside: (start: bigint, end: bigint) => boolean,
): string | undefined {
  if (cfg.variant !== 'v6.18') return undefined;
  return changes.some((c) => c.kind === 'invalid' && blockInside(c.start, c.end)) ? '15bfba1ad77f' : undefined;
}
