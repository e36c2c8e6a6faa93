/**
 * Coverage of the generators, measured with `fc.statistics`: for the split input (the shape
 * properties) and the "every answer checked" input, which configurations are drawn (granule,
 * variant, the configurations where a split is a no-op, KFENCE, asymmetric CPUs), which leaf kinds
 * the booted layouts hold and are aimed at, and which operations, failures and collisions the
 * sequences contain; for the asymmetric sequence input (`bbm.no-tlb-conflict-without-bbml2`), how
 * often finalisation repaints with a CPU that must wait, and with the caller ahead. Not a test: `npx tsx properties/coverage.ts [runs] [section]` prints the tables that
 * properties/README.md shows.
 *
 * Layer: properties (a script).
 */
import fc from 'fast-check';
import { createSut } from '../impl/index.ts';
import type { SutConfig } from '../impl/index.ts';
import type { AnswersInput } from './answers/answersCase.ts';
import { answersInputArb } from './answers/answersCase.ts';
import { bootCpu } from './harness/boot.ts';
import { JudgedRun } from './harness/judgedRun.ts';
import { cpuSupportsBbml2Noabort, linearMapRequiresBbml2, ptesAtBoot, repaintAtFinalisation } from './kernel/gates.ts';
import { targetLeaves } from './ops/targets.ts';
import type { SplitInput } from './split/splitCase.ts';
import { runSplit, splitInputArb } from './split/splitCase.ts';
import { LINEAR_START } from './harness/leaves.ts';
import type { SequenceInput } from './bbm/sequenceCase.ts';
import { sequenceInputArb } from './bbm/sequenceCase.ts';

const runs = Number(process.argv[2] ?? 200);
const seed = 20261125;
/** Only the sections whose title starts with this (e.g. `split`). */
const only = process.argv[3];

/** Labels of a configuration. */
function configLabels(c: SutConfig): string[] {
  // Asymmetric in the kernel's eyes: a CPU its capability test rejects (BBML3-only CPUs before v7.3 too).
  const asym = c.cpus.some((x) => !cpuSupportsBbml2Noabort(c, x));
  return [
    ...(c.cpus.some((x) => x.bbm === 3) ? ['cpus: a FEAT_BBML3 CPU (ID_AA64MMFR2_EL1.BBM = 3)'] : []),
    `granule ${c.granule}`,
    `variant ${c.variant}`,
    ptesAtBoot(c)
      ? 'map: PTEs at boot'
      : linearMapRequiresBbml2(c)
        ? 'map: blocks, splits on demand'
        : 'map: blocks, split is a no-op (rodata=noalias/off)',
    `kfence ${c.kfence}`,
    asym ? 'cpus: asymmetric' : 'cpus: all BBML2-noabort',
  ];
}

const shapeName: Record<string, string> = {
  '1:0': 'PUD block',
  '2:1': 'contiguous PMD group',
  '2:0': 'PMD block',
  '3:1': 'contiguous PTE group',
  '3:0': 'PTE',
};

/** The leaf kinds of the layout `map_mem()` builds for a configuration. */
function leafKinds(c: SutConfig): string[] {
  const run = new JudgedRun(c, createSut);
  bootCpu(run);
  return targetLeaves(run).map((l) => `holds ${shapeName[l[0]?.shape ?? ''] ?? l[0]?.shape}`);
}

function steps(x: AnswersInput): string[] {
  const out: string[] = [];
  for (const s of [...x.preMemInit, ...x.alone, ...x.preFinal, ...x.steps]) {
    if (s.kind === 'pair') {
      out.push('pair (same leaf)');
      continue;
    }
    out.push(
      `op ${s.op.kind}${s.op.kind === 'set_memory' && s.op.n !== undefined && s.op.n > 0 ? ' (sub-range or past end)' : ''}`,
    );
    if (s.fail !== undefined) out.push('allocation failure injected');
  }
  if (x.preMemInit.length + x.alone.length + x.preFinal.length > 0) out.push('ops in an early window');
  return out;
}

/** Labels of an asymmetric sequence (`bbm.no-tlb-conflict-without-bbml2`): the finalisation it meets. */
function finalisation(x: SequenceInput): string[] {
  const early = x.config.cpus.filter((_c, i) => i === 0 || (x.lateMask & (1 << (i - 1))) === 0);
  const repaint = repaintAtFinalisation(x.config, early);
  const ahead = (x.finalSchedule[0]?.pick ?? 1) === 0 && (x.finalSchedule[0]?.steps ?? 0) >= 50;
  return [
    repaint ? 'finalisation repaints, an early CPU waits' : 'no repaint at finalisation',
    ...(repaint && ahead ? ['repaint with the caller ahead in stop_machine()'] : []),
    ...(x.config.cpus.length > early.length ? ['a CPU comes up late'] : []),
  ];
}

/**
 * Labels of a split input, run on the bundled port: how many splits it makes, and which leaf kind
 * each boundary the kernel's gate lets through falls strictly inside (before that split), with the
 * case where a split must unfold a group and then stop: a boundary on a PMD entry edge (not on the
 * group's) inside a contiguous PMD group, or inside a PUD block that split_pud() makes one.
 */
function splitAims(x: SplitInput): string[] {
  const os = runSplit(x, createSut);
  const n = os.length;
  const out = [`splits per input: ${n === 1 ? '1' : n <= 4 ? '2–4' : n <= 8 ? '5–8' : '9–12'}`];
  for (const o of os) {
    if (o.gate.kind !== 'split') continue;
    const geo = o.run.model.geo;
    const pmd = BigInt(geo.entrySpan[2] ?? 0);
    const group = pmd * BigInt(geo.contEntries[2] ?? 1);
    const ends = o.end - o.start === BigInt(geo.pageSize) ? ['one page: one end split'] : [];
    for (const b of [o.start, o.end]) {
      const off = b - LINEAR_START;
      const l = o.leavesBefore.find((e) => e.spanVa < Number(off) && Number(off) < e.spanVa + e.span);
      if (l === undefined) continue;
      ends.push(`a boundary inside a ${shapeName[`${l.level}:${l.contiguous}`] ?? 'leaf'}`);
      const inGroup = l.level === 1 || (l.level === 2 && l.contiguous === 1);
      if (inGroup && pmd > 0n && off % pmd === 0n && off % group !== 0n)
        ends.push('a boundary on a PMD edge inside a contiguous PMD group or PUD block');
    }
    out.push(...ends);
  }
  return [...new Set(out)];
}

const log = (title: string) => (line: string) => console.log(`${title}  ${line}`);
for (const [title, arb, classify] of [
  ['split: config', splitInputArb.map((i) => i.config), configLabels],
  ['split: layouts', splitInputArb.map((i) => i.config), leafKinds],
  ['split: boundaries', splitInputArb, splitAims],
  ['answers: config', answersInputArb.map((i) => i.config), configLabels],
  ['answers: layouts', answersInputArb.map((i) => i.config), leafKinds],
  ['answers: steps', answersInputArb, steps],
  ['bbm (asymmetric): finalisation', sequenceInputArb(false), finalisation],
] as const) {
  if (only !== undefined && !title.startsWith(only)) continue;
  console.log(`\n${title} (${runs} runs, seed ${seed})`);
  fc.statistics(arb as fc.Arbitrary<never>, classify as (v: never) => string[], {
    numRuns: runs,
    seed,
    logger: log(''),
  });
}
