/**
 * The known, reported disagreements between the fast model and the reference checker that the
 * differential property skips until the fast model is fixed (issue 7). Each family names the
 * report in /work/team/disagreements/ that says which side is wrong by SEMANTICS.md, and
 * recognises its members narrowly (by both verdicts and the trace feature that causes it), so
 * that a new disagreement of another shape is still a failure. The lead shrinks this list to
 * zero; an entry that matches nothing in a long run should go.
 *
 * Layer: model/reference (tests only).
 */

/** One checker's verdict, as compared: `clean`, `bad-input`, or a violation code at an event. */
export interface VerdictSummary {
  readonly code: string;
  readonly event?: number;
  readonly detail?: string;
}

/** A known disagreement family. */
export interface KnownDisagreement {
  /** The report, `/work/team/disagreements/<id>.md` (and `.jsonl`, its minimal trace). */
  readonly id: string;
  /** Which side is wrong and why, in one line. */
  readonly why: string;
  /** Whether a disagreement belongs to the family. */
  readonly matches: (lines: readonly string[], ref: VerdictSummary, fast: VerdictSummary) => boolean;
}

interface Json {
  readonly op?: string;
  readonly val?: string;
  readonly dom?: string;
  readonly cpu?: number;
}

const events = (lines: readonly string[]): Json[] =>
  lines.slice(1).flatMap((l) => (l.trim() === '' ? [] : [JSON.parse(l) as Json]));

/** Whether a write stores a block descriptor (bits[1:0] = 0b01) with bit 16 set. */
const writesNTBlock = (lines: readonly string[]): boolean =>
  events(lines).some(
    (e) =>
      e.op === 'write' && e.val !== undefined && (BigInt(e.val) & 3n) === 1n && ((BigInt(e.val) >> 16n) & 1n) === 1n,
  );

/** How many CPUs run (online, not parked) just before event `event`. */
function runningBefore(lines: readonly string[], event: number): number {
  const header = JSON.parse(lines[0] ?? '{}') as { cpus?: { id: number }[] };
  const running = new Map<number, boolean>((header.cpus ?? []).map((c) => [c.id, true]));
  for (const e of events(lines).slice(0, event - 1)) {
    if (e.cpu === undefined) continue;
    if (e.op === 'park') running.set(e.cpu, false);
    if (e.op === 'unpark' || e.op === 'online') running.set(e.cpu, true);
  }
  return [...running.values()].filter(Boolean).length;
}

/** The op of event `event` if it is `unpark` or `online`. */
const opAt = (lines: readonly string[], event: number | undefined): string | undefined => {
  const op = event === undefined ? undefined : events(lines)[event - 1]?.op;
  return op === 'unpark' || op === 'online' ? op : undefined;
};

/** Whether a write stores a block with a RES0 bit set between the page shift and the level-2 block shift (bit 16 aside). */
function writesBlockWithRes0(lines: readonly string[]): boolean {
  const granule = (JSON.parse(lines[0] ?? '{}') as { granule?: string }).granule;
  const [page, block] = granule === '16K' ? [14n, 25n] : granule === '64K' ? [16n, 29n] : [12n, 21n];
  const res0 = ((1n << block) - 1n) & ~((1n << page) - 1n) & ~(1n << 16n);
  return events(lines).some(
    (e) => e.op === 'write' && e.val !== undefined && (BigInt(e.val) & 3n) === 1n && (BigInt(e.val) & res0) !== 0n,
  );
}

/** Whether some entry is written by two different CPUs. */
function locationWrittenByTwoCpus(lines: readonly string[]): boolean {
  const writers = new Map<string, Set<number>>();
  for (const e of events(lines) as (Json & { pa?: string })[]) {
    if (e.op !== 'write' || e.pa === undefined || e.cpu === undefined) continue;
    const w = writers.get(e.pa) ?? new Set<number>();
    w.add(e.cpu);
    writers.set(e.pa, w);
  }
  return [...writers.values()].some((w) => w.size > 1);
}

/** Whether some CPU (header or `online`) has BBM level 1 or more (the nT exemption applies to it). */
const hasBbm1 = (lines: readonly string[]): boolean =>
  [
    ...((JSON.parse(lines[0] ?? '{}') as { cpus?: { bbm: number }[] }).cpus ?? []),
    ...(events(lines) as (Json & { bbm?: number })[]).filter((e) => e.op === 'online'),
  ].some((c) => (c.bbm ?? 0) >= 1);

/** Whether a write stores a page descriptor (bits[1:0] = 0b11, not pointing at an allocated table page) with bit 16 set. */
function writesBit16Page(lines: readonly string[]): boolean {
  const tables = new Set(
    (events(lines) as (Json & { pa?: string })[]).flatMap((e) =>
      e.op === 'alloc' && e.pa !== undefined ? [BigInt(e.pa)] : [],
    ),
  );
  tables.add(BigInt((JSON.parse(lines[0] ?? '{}') as { root?: string }).root ?? '0'));
  return events(lines).some((e) => {
    if (e.op !== 'write' || e.val === undefined) return false;
    const v = BigInt(e.val);
    return (v & 3n) === 3n && ((v >> 16n) & 1n) === 1n && !tables.has(v & 0xfffffffff000n);
  });
}

/** Whether the trace has one CPU only (header, no `online`): its own walker is every walker. */
const singleCpu = (lines: readonly string[]): boolean =>
  ((JSON.parse(lines[0] ?? '{}') as { cpus?: unknown[] }).cpus ?? []).length === 1 &&
  !events(lines).some((e) => e.op === 'online');

/** The reference found a violation that the fast model reports later or not at all. */
const refFirst = (ref: VerdictSummary, fast: VerdictSummary): boolean =>
  ref.event !== undefined && (fast.event === undefined || fast.event > ref.event);
/** The fast model found a violation that the reference reports later or not at all. */
const fastFirst = (ref: VerdictSummary, fast: VerdictSummary): boolean => refFirst(fast, ref);

/** The families, in the order they were reported. */
export const KNOWN_DISAGREEMENTS: readonly KnownDisagreement[] = [
  {
    id: '001-walk-unsynchronized-not-judged',
    why: 'fast model: `walk` is not judged by S1 (walk-unsynchronized, SEMANTICS.md §5 walk)',
    matches: (_l, ref, fast) => ref.code === 'walk-unsynchronized' && refFirst(ref, fast),
  },
  {
    id: '002-end-of-trace-not-judged',
    why: 'fast model: no end-of-trace judgement (SEMANTICS.md §5 "End of trace", event N + 1)',
    matches: (lines, ref, fast) => fast.code === 'clean' && ref.event === events(lines).length + 1,
  },
  {
    id: '003-attrindx-normal-tagged-in-c1-b5',
    why: 'fast model: Normal vs Normal-Tagged treated as identical in C1/B5 (family 3; SEMANTICS.md W5, W7)',
    matches: (_l, ref, fast) =>
      (ref.code === 'cont-misprogrammed' || ref.code === 'non-identity-split') &&
      /AttrIndx/.test(ref.detail ?? '') &&
      refFirst(ref, fast),
  },
  {
    id: '004-nt-bit-read-as-oa',
    why: 'fast model: bit 16 decoded without the descriptor type — OA bit of a block, nT of a page (family 2; SEMANTICS.md §2)',
    matches: (lines, ref, fast) =>
      (['cont-misprogrammed', 'non-identity-split', 'bbm-valid-to-valid'].includes(fast.code) &&
        fastFirst(ref, fast) &&
        writesNTBlock(lines)) ||
      (/of different sizes/.test(ref.detail ?? '') && refFirst(ref, fast) && hasBbm1(lines) && writesBit16Page(lines)),
  },
  {
    id: '005-dsb-nsh-writer-own-walker',
    why: "fast model: a writer's DSB NSH does not make its store visible to its own walker (SEMANTICS.md §1, W4, §3)",
    matches: (lines, ref, fast) =>
      ['bbm-unclean', 'table-linked-before-init', 'table-freed-while-reachable'].includes(fast.code) &&
      fastFirst(ref, fast) &&
      singleCpu(lines) &&
      events(lines).some((e) => e.op === 'dsb' && (e.dom === 'nsh' || e.dom === 'nshst')),
  },
  {
    id: '006-relink-detached-parent-dangling-child',
    why: 'fast model: relinking a detached table whose child was freed is not caught (family 8; SEMANTICS.md W2)',
    matches: (_l, ref, fast) =>
      ref.code === 'bad-table-link' && /dangling/.test(ref.detail ?? '') && refFirst(ref, fast),
  },
  {
    id: '007-c1-c3-non-contiguous-members',
    why: 'fast model: C1 and C3 look at the Contiguous members only, not every valid member (SEMANTICS.md W7, dsb)',
    matches: (_l, ref, fast) =>
      ref.code === 'cont-misprogrammed' && /non-Contiguous/.test(ref.detail ?? '') && refFirst(ref, fast),
  },
  {
    id: '008-write-judged-without-running-observer',
    why: 'fast model: a write is judged by W4–W7 although no running CPU may walk the entry (SEMANTICS.md W3)',
    matches: (lines, ref, fast) =>
      fastFirst(ref, fast) && fast.event !== undefined && runningBefore(lines, fast.event) === 0,
  },
  {
    id: '009-block-oa-res0-bits',
    why: "fast model: the RES0 bits below a block's OA field are read as OA bits (SEMANTICS.md §2, family 2)",
    matches: (lines, ref, fast) =>
      ['cont-misprogrammed', 'non-identity-split', 'bbm-valid-to-valid', 'bbm-unclean', 'tlb-conflict'].includes(
        fast.code,
      ) &&
      fastFirst(ref, fast) &&
      writesBlockWithRes0(lines),
  },
  {
    id: '010-c3-at-dsb-missed',
    why: 'fast model: a partial repaint is not caught at a DSB completing a TLBI of any CPU over the group (SEMANTICS.md dsb, family 4)',
    matches: (_l, ref, fast) =>
      ref.code === 'cont-misprogrammed' && /partly repainted/.test(ref.detail ?? '') && refFirst(ref, fast),
  },
  {
    id: '011-resume-not-judged-on-live-mix',
    why: 'fast model: unpark/online is not judged against live Contiguous/non-Contiguous mixes (SEMANTICS.md unpark, family 4)',
    matches: (lines, ref, fast) =>
      ref.code === 'tlb-conflict' && refFirst(ref, fast) && opAt(lines, ref.event) !== undefined,
  },
  {
    id: '012-c1-order-dependent',
    why: 'fast model: C1 is judged only when the entry written is (or was) Contiguous (family 1; SEMANTICS.md W7)',
    matches: (_l, ref, fast) =>
      ref.code === 'cont-misprogrammed' &&
      refFirst(ref, fast) &&
      (fast.code === 'cont-misprogrammed' || /valid without the Contiguous bit/.test(ref.detail ?? '')),
  },
  {
    id: '013-t2-superseded-store',
    why: 'ambiguous (SEMANTICS.md W4): the fast model counts a store that a later, visible store superseded; the reference counts only stores a walker may still read',
    matches: (lines, ref, fast) =>
      fast.code === 'table-linked-before-init' &&
      (fastFirst(ref, fast) || fast.event === ref.event) &&
      locationWrittenByTwoCpus(lines),
  },
];

/**
 * The known family a disagreement belongs to, if any.
 * @param lines - the trace
 * @param ref - the reference verdict
 * @param fast - the fast model's verdict
 * @returns the family
 */
export function knownFamily(
  lines: readonly string[],
  ref: VerdictSummary,
  fast: VerdictSummary,
): KnownDisagreement | undefined {
  return KNOWN_DISAGREEMENTS.find((k) => k.matches(lines, ref, fast));
}
