/**
 * `perm.exact` (B8; pageattr.c): `set_memory_ro/rw/nx/x` on a vmalloc area backed by linear-map
 * pages changes exactly the requested pages (and their linear aliases exactly when the kernel's
 * condition says so: `rodata_full` and an ro/rw change, {@link aliasFollows}; every page of the
 * area in v6.18, {@link aliasPages}), only in the requested permission, and once the call returns
 * no CPU may still hold an entry with the old permission for those VAs.
 *
 * Preconditions (kernel terms): after `mem_init()` (vmalloc exists) and finalisation; any
 * rodata/KFENCE/realm/debug_pagealloc setting. Kills `flush-one-page-short`.
 *
 * Layer: properties/perm.
 */
import fc from 'fast-check';
import type { SutConfig } from '../../impl/index.ts';
import type { Maplet } from '../../model/abstract/interp.ts';
import { translationOnly } from '../../model/abstract/interp.ts';
import { PERM } from '../../model/arch/descriptor.ts';
import { configArb, describeConfig } from '../arbitraries/config.ts';
import { boot } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import { staleLeaves } from '../harness/stale.ts';
import { ramPage } from '../ops/ops.ts';
import { linearVa } from '../ops/targets.ts';
import { aliasFollows, aliasPages } from '../kernel/gates.ts';
import type { PropertyDef } from '../registry.ts';
import { PropertyFailure } from '../registry.ts';
import { violationReport } from '../harness/violationReport.ts';

/** The input: a configuration, the permission change, and the backing pages. */
export interface PermInput {
  readonly config: SutConfig;
  readonly which: 'ro' | 'rw' | 'nx' | 'x';
  readonly pages: readonly number[];
  /** Make the pages read-only first, so that `rw` has something to undo. */
  readonly roFirst: boolean;
}

const ALL = [0xffff000000000000n, 0xffffffffffff0000n] as const;

/** Per-page view of the translation of the given VAs: perms by page VA. */
function permsAt(run: JudgedRun, vas: readonly bigint[]): Map<bigint, number | undefined> {
  const out = new Map<bigint, number | undefined>();
  const page = BigInt(run.model.geo.pageSize);
  for (const va of vas) {
    const m = run.interp(va, va + page)[0];
    out.set(va, m?.perms);
  }
  return out;
}

function apply(which: PermInput['which'], perms: number): number {
  if (which === 'ro') return perms | PERM.AP2;
  if (which === 'rw') return perms & ~PERM.AP2;
  if (which === 'nx') return perms | PERM.PXN;
  return perms & ~PERM.PXN;
}

function withoutPages(maplets: readonly Maplet[], pages: ReadonlySet<bigint>, pageSize: bigint): string[] {
  // The translation as run strings, with the changed pages cut out (they are judged apart).
  const cuts = [...pages].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: string[] = [];
  const push = (m: Maplet, from: bigint, to: bigint): void => {
    if (to > from)
      out.push(
        `${from.toString(16)}+${(to - from).toString(16)}→${(m.pa + (from - m.va)).toString(16)} p${m.perms} k${m.memKey}`,
      );
  };
  for (const m of translationOnly(maplets)) {
    let start: bigint = m.va;
    const end = m.va + m.size;
    for (const va of cuts) {
      if (va < start || va >= end) continue;
      push(m, start, va);
      start = va + pageSize;
    }
    push(m, start, end);
  }
  return out;
}

/** `perm.exact`. */
export const permExact: PropertyDef<PermInput> = {
  id: 'perm.exact',
  claim:
    'a permission change affects exactly the requested pages, and once the call returns no CPU can still use the old permission',
  invariants: 'B8, C3; kernel §6.2',
  arb: fc.record({
    config: configArb({ maxCpus: 2 }),
    which: fc.constantFrom<PermInput['which']>('ro', 'rw', 'nx', 'x'),
    pages: fc.uniqueArray(fc.integer({ min: 0, max: 9999 }), { minLength: 1, maxLength: 4 }),
    roFirst: fc.boolean(),
  }),
  numRuns: 25,
  check: (input, sut) => {
    const run = new JudgedRun(input.config, sut);
    boot(run);
    const pageSize = BigInt(run.model.geo.pageSize);
    const pas = [...new Set(input.pages.map((p) => ramPage(input.config, p, pageSize)))];
    const area = run.run(`vmalloc(${pas.length} pages)`, run.ops.vmalloc(pas));
    if (area === 0n) return;
    if (input.roFirst) run.run('set_memory_ro(area)', run.ops.set_memory_ro(area, pas.length));
    const vmVas = pas.map((_p, i) => area + BigInt(i) * pageSize);
    const aliases = aliasFollows(input.config, input.which)
      ? aliasPages(input.config, pas, 0, pas.length).map((pa) => linearVa(run, pa))
      : [];
    const changed = [...vmVas, ...aliases];
    const before = permsAt(run, changed);
    const rest = withoutPages(run.interp(ALL[0], ALL[1]), new Set(changed), pageSize);
    const call = `set_memory_${input.which}(0x${area.toString(16)}, ${pas.length})`;
    const ret = run.run(call, opCall(run, input.which, area, pas.length));
    const head = `${call} = ${ret} on ${describeConfig(input.config)} (pages ${pas.map((p) => '0x' + p.toString(16)).join(', ')})`;
    if (ret !== 0) return; // a refused change (e.g. a WARNed partial block) is judged by errors.no-damage
    const after = permsAt(run, changed);
    for (const va of changed) {
      const b = before.get(va);
      const a = after.get(va);
      if (b === undefined) continue;
      if (a !== apply(input.which, b)) {
        throw new PropertyFailure(
          `${head}\npermissions at 0x${va.toString(16)} are ${a}, expected ${apply(input.which, b)} (were ${b})`,
        );
      }
      for (const s of staleLeaves(run.model, va, va + pageSize)) {
        if (s.leaf.perms !== a) {
          throw new PropertyFailure(
            `${head}\nafter the call a CPU (mask ${s.holders}) may still hold the entry at PA 0x${s.leaf.pa.toString(16)} with the old permissions ${s.leaf.perms} for 0x${va.toString(16)}: the flush is missing or short`,
          );
        }
      }
    }
    const restAfter = withoutPages(run.interp(ALL[0], ALL[1]), new Set(changed), pageSize);
    if (JSON.stringify(rest) !== JSON.stringify(restAfter)) {
      const i = rest.findIndex((r, k) => r !== restAfter[k]);
      throw new PropertyFailure(
        `${head}\na VA outside the requested pages changed:\n  - ${rest[i] ?? '(nothing)'}\n  + ${restAfter[i] ?? '(nothing)'}`,
      );
    }
    if (run.violation !== undefined) {
      throw new PropertyFailure(`${head}${violationReport(run)}`);
    }
  },
};

function opCall(
  run: JudgedRun,
  which: PermInput['which'],
  addr: bigint,
  n: number,
): ReturnType<typeof run.ops.set_memory_ro> {
  if (which === 'ro') return run.ops.set_memory_ro(addr, n);
  if (which === 'rw') return run.ops.set_memory_rw(addr, n);
  if (which === 'nx') return run.ops.set_memory_nx(addr, n);
  return run.ops.set_memory_x(addr, n);
}
