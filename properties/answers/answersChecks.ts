/**
 * One step of the "every answer checked" experiment and its checks, against the kernel's rules
 * (`properties/kernel/outcomes.ts`) and the expected map (`properties/oracle/expected.ts`):
 * - the return value (and, when a table allocation failed, the kernel's rule for a failed call);
 * - the whole TTBR1 translation: every VA asked is as the call makes it (or, after a failed
 *   allocation, either as before or as after), every VA not asked is exactly as before;
 * - `kernel_page_present()` of the pages asked (and one not asked) agrees with it;
 * - no WARN except in a blackout window or after a failed allocation; atomic callers neither lock
 *   nor allocate; a late KFENCE pool is page-granular once `arch_kfence_init_pool()` returns true;
 * - in force when the call returns: no CPU still holds an entry granting access the call removed
 *   (validity, write, execute), after the caller's flush where the API is `_noflush`;
 * - and, as in every run, no violation of the model.
 *
 * Layer: properties/answers.
 */
import type { CpuSpec, KGen, Primitives } from '../../impl/index.ts';
import { PERM } from '../../model/arch/descriptor.ts';
import { describeShape } from '../../model/bbm/change.ts';
import { describeConfig } from '../arbitraries/config.ts';
import { expandSchedule } from '../arbitraries/schedule.ts';
import type { JudgedRun } from '../harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START, leavesIn, vaHex } from '../harness/leaves.ts';
import { staleLeaves } from '../harness/stale.ts';
import { violationReport } from '../harness/violationReport.ts';
import { inKfencePool, kfencePoolRange } from '../kernel/kfencePool.ts';
import type { Change, Outcome } from '../kernel/outcomes.ts';
import { knownBugOf, narrows, outcomeOf } from '../kernel/outcomes.ts';
import { describeOp, opReachable } from '../ops/ops.ts';
import type { Op } from '../ops/ops.ts';
import type { Intent } from '../ops/resolve.ts';
import { callersSerialise } from '../ops/ownership.ts';
import { intentGen, linearPa, linearVa, resolveOp } from '../ops/resolve.ts';
import type { ExpectedMap } from '../oracle/expected.ts';
import type { Maplet } from '../../model/abstract/interp.ts';
import type { Piece } from '../oracle/pieces.ts';
import { firstMismatch, pieceAt, piecesOf } from '../oracle/pieces.ts';
import { PropertyFailure } from '../registry.ts';
import type { Step } from './answersCase.ts';

/** Which checks a property makes. */
export interface StepCheck {
  /** Return values, the whole map, kernel_page_present(), WARNs, atomic callers, the KFENCE pool. */
  readonly answers: boolean;
  /** No CPU holds an entry granting removed access once the call returns. */
  readonly inForce: boolean;
  /** The property id (names the saved trace). */
  readonly id: string;
}

/** The whole TTBR1 range the kernel maps (linear map, vmalloc). */
const TTBR1 = [LINEAR_START, 0xffffffffffff0000n] as const;

/**
 * The first VA mapped both before and after whose leaf changed size or contiguity.
 * @param before - maplets before
 * @param after - maplets after
 * @returns the VA, or undefined
 */
function shapeChange(before: readonly Maplet[], after: readonly Maplet[]): bigint | undefined {
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    const b = before[i];
    const a = after[j];
    if (b === undefined || a === undefined) break;
    const lo = b.va > a.va ? b.va : a.va;
    const bEnd = b.va + b.size;
    const aEnd = a.va + a.size;
    if (lo < (bEnd < aEnd ? bEnd : aEnd) && (b.leafSize !== a.leafSize || b.contiguous !== a.contiguous)) return lo;
    if (bEnd <= aEnd) i++;
    else j++;
  }
  return undefined;
}

function describePiece(p: Piece | undefined, va: bigint): string {
  if (p === undefined) return 'invalid';
  const rw = (p.perms & PERM.AP2) !== 0 ? 'RO' : 'RW';
  const x = (p.perms & PERM.PXN) !== 0 ? 'PXN' : 'kernel-executable';
  return `PA 0x${(p.pa + (va - p.va)).toString(16)} ${rw} ${x}${p.nG ? ' nG' : ''}`;
}

function describeChanges(cs: readonly Change[]): string {
  return cs
    .map(
      (c) =>
        `${c.kind === 'perm' ? c.which : c.kind}${c.kind === 'valid' && c.rw ? '+rw' : ''} [${vaHex(Number(c.start - LINEAR_START))}, +0x${(c.end - c.start).toString(16)})`,
    )
    .join(', ');
}

/** `flush_tlb_kernel_range(start, end)` as the caller of a `_noflush` API issues it. */
function* callerFlush(hw: Primitives, start: bigint, end: bigint, page: bigint): KGen<void> {
  yield* hw.dsb('ishst');
  for (let va = start; va < end; va += page) yield* hw.tlbi('vaale1is', va);
  yield* hw.dsb('ish');
  yield* hw.isb();
}

/** The calling CPU's spec. */
function specOf(run: JudgedRun, cpu: number): CpuSpec {
  return run.config.cpus.find((c) => c.id === cpu) ?? run.phase.online[0] ?? { id: 0, bbm: 0, noabort: false };
}

function outcome(run: JudgedRun, it: Intent, cpu: number): Outcome {
  return outcomeOf(
    {
      cfg: run.config,
      phase: run.phase,
      cpu: specOf(run, cpu),
      pageSize: BigInt(run.model.geo.pageSize),
      linearVa: (pa) => linearVa(run, pa),
      inKfencePool: (va) => inKfencePool(run, va),
    },
    it,
  );
}

/** Whether two sets of changes touch a common VA (concurrent callers must own disjoint ranges). */
function overlap(a: readonly Change[], b: readonly Change[]): boolean {
  return a.some((x) => b.some((y) => x.start < y.end && y.start < x.end));
}

/**
 * Runs one step and checks it.
 * @param run - the judged run
 * @param oracle - the expected map
 * @param step - the step
 * @param check - which checks
 */
export function runStep(run: JudgedRun, oracle: ExpectedMap, step: Step, check: StepCheck): void {
  if (run.violation !== undefined) return;
  const online = run.phase.online;
  if (step.kind === 'op') {
    const cpu = online[step.cpu % online.length]?.id ?? 0;
    if (!opReachable(step.op, run.config, run.phase)) return;
    single(run, oracle, step.op, cpu, step.fail, check);
    return;
  }
  const ca = online[0]?.id ?? 0;
  const cb = online[1 % online.length]?.id ?? 0;
  if (!opReachable(step.a, run.config, run.phase) || !opReachable(step.b, run.config, run.phase)) return;
  if (step.a.kind === 'kfence_late' && step.b.kind === 'kfence_late') return;
  const hidden = (pa: bigint): boolean => oracle.isHidden(linearVa(run, pa));
  const ia = resolveOp(run, step.a, ca, hidden);
  const ib = resolveOp(run, step.b, cb, hidden);
  const oa = outcome(run, ia, ca);
  const ob = outcome(run, ib, cb);
  // Concurrent callers own disjoint pages (properties/ops/ownership.ts: a bare split owns its
  // range too; two calls under pgtable_split_lock alone are ordered by it); when the drawn pair
  // would share one, the kernel's callers would serialise: run them one after the other. So
  // they are with one CPU online (one task per CPU).
  if (ca === cb || callersSerialise(run, ia, ib) || overlap(oa.changes, ob.changes)) {
    judge(run, oracle, [{ op: step.a, it: ia, out: oa, cpu: ca }], undefined, check, () =>
      run.run(`${describeOp(step.a)} [cpu${ca}]`, intentGen(run, ia), ca),
    );
    if (run.violation === undefined) single(run, oracle, step.b, cb, undefined, check);
    return;
  }
  judge(
    run,
    oracle,
    [
      { op: step.a, it: ia, out: oa, cpu: ca },
      { op: step.b, it: ib, out: ob, cpu: cb },
    ],
    undefined,
    check,
    () => {
      const r = run.interleave(
        [
          { cpu: ca, gen: intentGen(run, ia), label: `${describeOp(step.a)} [cpu${ca}]` },
          { cpu: cb, gen: intentGen(run, ib), label: `${describeOp(step.b)} [cpu${cb}]` },
        ],
        expandSchedule(step.schedule),
      );
      return r.outcomes.map((o) => (o.status === 'done' ? (o.value as number | boolean) : Number.NaN));
    },
  );
}

function single(
  run: JudgedRun,
  oracle: ExpectedMap,
  op: Op,
  cpu: number,
  fail: number | undefined,
  check: StepCheck,
): void {
  const hidden = (pa: bigint): boolean => oracle.isHidden(linearVa(run, pa));
  const it = resolveOp(run, op, cpu, hidden);
  const out = outcome(run, it, cpu);
  judge(run, oracle, [{ op, it, out, cpu }], fail, check, () => {
    if (fail !== undefined) run.m.failAllocationAfter(fail);
    try {
      return run.run(
        `${describeOp(op)} [cpu${cpu}]${fail === undefined ? '' : ` with its allocation #${fail} failing`}`,
        intentGen(run, it),
        cpu,
      );
    } finally {
      run.m.clearPendingFailures();
    }
  });
}

interface Call {
  readonly op: Op;
  readonly it: Intent;
  readonly out: Outcome;
  readonly cpu: number;
}

/**
 * Runs calls (one, or two interleaved) and checks them.
 * @param run - the judged run
 * @param oracle - the expected map
 * @param calls - the calls with their expected outcomes
 * @param fail - an injected failure (single calls only)
 * @param check - which checks
 * @param go - runs them; returns each result
 */
function judge(
  run: JudgedRun,
  oracle: ExpectedMap,
  calls: readonly Call[],
  fail: number | undefined,
  check: StepCheck,
  go: () => number | boolean | readonly (number | boolean)[],
): void {
  const page = BigInt(run.model.geo.pageSize);
  const blockInside = (a: bigint, b: bigint): boolean =>
    leavesIn(run.model, a, b).some(
      (l) => l.level < 3 && LINEAR_START + BigInt(l.va) >= a && LINEAR_START + BigInt(l.va + l.size) <= b,
    );
  if (
    knownBugOf(
      run.config,
      calls.flatMap((c) => c.out.changes),
      blockInside,
    ) !== undefined
  )
    return;
  const beforeMaplets = run.interp(TTBR1[0], TTBR1[1]);
  const before = piecesOf(beforeMaplets);
  const rec0 = run.records.length;
  const raw = go();
  const results = (Array.isArray(raw) ? raw : [raw]).map((v: number | boolean) =>
    typeof v === 'boolean' ? (v ? 1 : 0) : v,
  );
  const recs = run.records.slice(rec0);
  const failed = recs.some((r) => r.kind === 'alloc' && r.pa === null);
  const head = (): string =>
    `${calls.map((c, i) => `${describeOp(c.op)} on cpu${c.cpu} = ${results[i]}`).join(' ∥ ')}${fail === undefined ? '' : ` (allocation #${fail} injected to fail${failed ? '' : ', not reached'})`}\non ${describeConfig(run.config)} [${phaseText(run)}]`;
  if (run.violation !== undefined) throw new PropertyFailure(`${head()}${violationReport(run)}`);
  // The caller's flush of a _noflush API (secretmem: set_direct_map_invalid_noflush(), then
  // flush_tlb_kernel_range()).
  calls.forEach((c, i) => {
    const f = c.out.callerFlush;
    if (f !== undefined && results[i] === 0)
      run.run('flush_tlb_kernel_range() [the caller]', callerFlush(run.m, f.start, f.end, page), c.cpu);
  });
  const changes = calls.flatMap((c) => c.out.changes);
  const afterMaplets = run.interp(TTBR1[0], TTBR1[1]);
  const actual = piecesOf(afterMaplets);
  if (check.answers) {
    calls.forEach((c, i) => {
      const got = results[i];
      const allowed = failed ? c.out.retOnFailure : [c.out.ret];
      if (got === undefined || !allowed.includes(got))
        throw new PropertyFailure(
          `${head()}\n${describeOp(c.op)} returned ${got}; the kernel returns ${allowed.join(' or ')} here (${failed ? 'a table allocation failed' : c.out.why})`,
        );
    });
    const expected = oracle.after(before, changes);
    const inChanged = (va: bigint): boolean => changes.some((c) => va >= c.start && va < c.end);
    const miss = failed
      ? firstMismatch(actual, [before, expected.pieces], inChanged)
      : firstMismatch(actual, [expected.pieces]);
    if (miss !== undefined) {
      const asked = inChanged(miss.va);
      throw new PropertyFailure(
        `${head()}\nVA 0x${miss.va.toString(16)} (${asked ? 'asked to change' : 'not asked to change'}) is ${describePiece(miss.found, miss.va)}; expected ${describePiece(miss.expected, miss.va)}${failed && asked ? ` or as before (${describePiece(pieceAt(before, miss.va), miss.va)})` : ''}\nchanges asked: ${describeChanges(changes) || 'none'}`,
      );
    }
    if (!calls.some((c) => c.out.splits === true)) {
      const va = shapeChange(beforeMaplets, afterMaplets);
      if (va !== undefined)
        throw new PropertyFailure(
          `${head()}\nthe leaf mapping 0x${va.toString(16)} changed size or contiguity, but the kernel's gate lets no split through here (${calls.map((c) => c.out.why).join(', ')})`,
        );
    }
    const warn = recs.find((r) => r.kind === 'warn');
    const mayWarn = failed || calls.some((c) => c.out.warns);
    if (warn !== undefined && warn.kind === 'warn' && !mayWarn)
      throw new PropertyFailure(`${head()}\nunexpected WARN: ${warn.message}`);
    if (warn === undefined && calls.some((c) => c.out.warns))
      throw new PropertyFailure(
        `${head()}\nno WARN: the kernel WARNs in this window (${calls.map((c) => c.out.why).join(', ')})`,
      );
    for (const c of calls) {
      if (!c.out.atomic) continue;
      const bad = recs.find((r) => (r.kind === 'lock' || r.kind === 'alloc') && r.cpu === c.cpu);
      if (bad !== undefined)
        throw new PropertyFailure(
          `${head()}\nan atomic-context caller (KFENCE) ${bad.kind === 'lock' ? `took ${bad.name}` : 'allocated a table page'}: it would sleep in atomic context`,
        );
    }
    presentAnswers(run, calls, failed ? actual : expected.pieces, head);
    kfencePool(run, calls, results, head);
  }
  if (check.inForce) inForce(run, changes, actual, head);
  oracle.settle(before, actual, changes);
}

function phaseText(run: JudgedRun): string {
  const p = run.phase;
  if (!p.memInit) return 'before mem_init()';
  if (!p.finalised)
    return p.online.length > 1 ? 'secondaries up, before finalisation' : 'after mem_init(), boot CPU alone';
  return 'after finalisation';
}

/** kernel_page_present() of the first page of each linear range asked, and of one page not asked. */
function presentAnswers(run: JudgedRun, calls: readonly Call[], expected: readonly Piece[], head: () => string): void {
  const vas = calls
    .flatMap((c) => c.out.changes.map((ch) => ch.start))
    .filter((va) => va >= LINEAR_START && va < LINEAR_END);
  const other = pieceAt(expected, LINEAR_START) === undefined ? undefined : LINEAR_START;
  for (const va of [...vas, ...(other === undefined ? [] : [other])]) {
    const pa = linearPa(run, va);
    const got = run.run(`kernel_page_present(0x${pa.toString(16)})`, run.ops.kernel_page_present(pa));
    const want = pieceAt(expected, va) !== undefined;
    if (got !== want)
      throw new PropertyFailure(
        `${head()}\nkernel_page_present(PA 0x${pa.toString(16)}) = ${got}, but its linear-map entry at 0x${va.toString(16)} is ${want ? 'valid' : 'invalid'}`,
      );
  }
}

/** Once arch_kfence_init_pool() returns true, every pool page is a plain PTE (KFENCE flips single pages from atomic context). */
function kfencePool(run: JudgedRun, calls: readonly Call[], results: readonly number[], head: () => string): void {
  calls.forEach((c, i) => {
    if (c.it.kind !== 'kfence_late' || results[i] !== 1) return;
    const pool = kfencePoolRange(run);
    if (pool === undefined) return;
    for (const l of leavesIn(run.model, pool.start, pool.end)) {
      if (l.level !== 3 || l.contiguous === 1)
        throw new PropertyFailure(
          `${head()}\nthe late KFENCE pool [0x${pool.start.toString(16)}, 0x${pool.end.toString(16)}) is still mapped by the ${describeShape(l)} at ${vaHex(l.spanVa)}: kfence_protect_page() will change single pages of it from atomic context, where no split is allowed (ce2b3a50ad92)`,
        );
    }
  });
}

/** No CPU holds an entry that grants access the live tables no longer grant, for the VAs asked. */
function inForce(run: JudgedRun, changes: readonly Change[], actual: readonly Piece[], head: () => string): void {
  for (const c of changes) {
    if (!narrows(c)) continue;
    for (const s of staleLeaves(run.model, c.start, c.end)) {
      const from = LINEAR_START + BigInt(s.leaf.spanVa);
      const lo = from > c.start ? from : c.start;
      const hiS = from + BigInt(s.leaf.span);
      const hi = hiS < c.end ? hiS : c.end;
      for (let va = lo; va < hi;) {
        const live = pieceAt(actual, va);
        const grants =
          live === undefined
            ? 'a valid entry for an invalid VA'
            : (live.perms & PERM.AP2) !== 0 && (s.leaf.perms & PERM.AP2) === 0
              ? 'write access to a read-only VA'
              : (live.perms & PERM.PXN) !== 0 && (s.leaf.perms & PERM.PXN) === 0
                ? 'execute access to a PXN VA'
                : undefined;
        if (grants !== undefined)
          throw new PropertyFailure(
            `${head()}\nafter the call returned, CPUs (mask ${s.holders}) may still hold the ${describeShape(s.leaf)} from PA 0x${s.leaf.pa.toString(16)}, granting ${grants} at 0x${va.toString(16)}: the TLB maintenance is missing or short`,
          );
        va = live === undefined ? hi : live.va + live.size;
      }
    }
  }
}
