/**
 * A whole-system experiment: a generated configuration (asymmetric CPUs included), a boot with
 * some CPUs coming up late, then a generated sequence of kernel operations, some interleaved.
 *
 * Layer: properties/bbm.
 */
import fc from 'fast-check';
import type { CpuId, SutConfig, SutFactory } from '../../impl/index.ts';
import { configArb } from '../arbitraries/config.ts';
import { admitting, earlyWindowsFit } from '../arbitraries/configSpace.ts';
import type { Burst } from '../arbitraries/schedule.ts';
import { describeSchedule, expandSchedule, stopScheduleArb } from '../arbitraries/schedule.ts';
import { describeConfig } from '../arbitraries/config.ts';
import { violationReport } from '../harness/violationReport.ts';
import { boot } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import { commandDataArb, commandFromData, commandsArb, runCommandData } from '../commands/commands.ts';
import type { CommandData, KernelCommand } from '../commands/systemModel.ts';
import { systemModelOf } from '../commands/systemModel.ts';

/** The generated input. */
export interface SequenceInput {
  readonly config: SutConfig;
  /** Which secondaries come up after finalisation (bit i = cpu i+1). */
  readonly lateMask: number;
  /** Operations after map_mem(), before mem_init() (the boot CPU alone, no page allocator). */
  readonly preMemInit?: readonly CommandData[];
  /** Operations after mem_init(), before the first secondary (the boot CPU alone). */
  readonly alone?: readonly CommandData[];
  /** Operations after the early secondaries are up, before capabilities are finalised. */
  readonly preFinal: readonly CommandData[];
  /** Choices of CPU inside the finalisation's stop_machine(). */
  readonly finalSchedule: readonly Burst[];
  /** Kernel commands after boot (fast-check model-based commands). */
  readonly steps: Iterable<KernelCommand>;
}

/**
 * Operations in one early window (none for v6.18, see above).
 * @param config - the configuration
 * @returns the arbitrary
 */
function earlyWindow(config: SutConfig): fc.Arbitrary<readonly CommandData[]> {
  if (config.variant === 'v6.18') return fc.constant([]);
  return fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: commandDataArb });
}

/**
 * The input arbitrary.
 * @param secondariesNoabort - pin the secondaries' capability, or leave it free
 * @returns the arbitrary
 */
export function sequenceInputArb(secondariesNoabort?: boolean): fc.Arbitrary<SequenceInput> {
  // Asymmetric systems (secondaries without the capability) matter when the boot CPU has it: the
  // linear map then has blocks and the repaint runs. A property about CPUs lacking the capability
  // gets at least one such CPU, and more often early than late: an early one is what makes
  // finalisation repaint under stop_machine() with a CPU that must wait (mmu.c
  // linear_map_maybe_split_to_ptes()); a late one meets the finalised system.
  const asym = secondariesNoabort === false;
  const boot = asym ? { bootNoabort: true, minCpus: 2 } : {};
  const lateMask = asym
    ? fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat({ max: 3 }) })
    : fc.nat({ max: 3 });
  const configs = configArb({
    maxCpus: 3,
    ...boot,
    ...(secondariesNoabort === undefined ? {} : { secondariesNoabort }),
  });
  // Which inputs it draws, for the domain shrinker's simpler configurations (configSpace.ts).
  const fit = (v: unknown): boolean => earlyWindowsFit(configs, v);
  return admitting(
    configs.chain((config) =>
      fc.record({
        config: fc.constant(config),
        lateMask,
        // The three early windows of the kernel (before mem_init(), the boot CPU alone after it,
        // secondaries up before finalisation), where f12b435de2f2 answers -EBUSY. v6.18 refuses
        // every split before finalisation, so a permission change there partly repaints
        // contiguous groups: the known bug f12b435de2f2 fixed (see sequenceCase.witness.test.ts).
        preMemInit: earlyWindow(config),
        alone: earlyWindow(config),
        preFinal: earlyWindow(config),
        finalSchedule: stopScheduleArb(),
        steps: commandsArb,
      }),
    ),
    fit,
  );
}

/**
 * Runs one experiment (it stops at the first violation).
 * @param input - the input
 * @param sut - the implementation
 * @returns the judged run
 */
export function runSequence(input: SequenceInput, sut: SutFactory): JudgedRun {
  const run = new JudgedRun(input.config, sut);
  boot(run, lateCpus(input), {
    preMemInit: (r) => runCommandData(r, input.preMemInit ?? []),
    alone: (r) => runCommandData(r, input.alone ?? []),
    preFinal: (r) => runCommandData(r, input.preFinal),
    finalSchedule: expandSchedule(input.finalSchedule),
  });
  fc.modelRun(() => ({ model: systemModelOf(run), real: run }), input.steps);
  return run;
}

/**
 * The CPUs that come online after finalisation: bit i of `lateMask` for the (i+1)-th CPU.
 * @param input - the input
 * @returns their ids
 */
function lateCpus(input: SequenceInput): CpuId[] {
  return input.config.cpus
    .slice(1)
    .filter((_c, i) => (input.lateMask & (1 << i)) !== 0)
    .map((c) => c.id);
}

/**
 * The report of a violation found in a sequence: the verdict, the operation, the configuration
 * and the steps.
 * @param input - the input
 * @param run - the run
 * @returns the text
 */
export function sequenceReport(input: SequenceInput, run: JudgedRun): string {
  const v = run.violation;
  if (v === undefined) return 'no violation';
  const list = (ds: readonly CommandData[] | undefined): string[] =>
    (ds ?? []).map((d, i) => `  ${i + 1}. ${String(commandFromData(d))}`);
  const windows: [string, string[]][] = [
    ['steps before mem_init():', list(input.preMemInit)],
    ['steps after mem_init(), boot CPU alone:', list(input.alone)],
    ['steps before finalisation:', list(input.preFinal)],
  ];
  const steps = [...input.steps].map((c, i) => `  ${i + 1}. ${String(c)}`);
  return [
    violationReport(run).trimStart(),
    `configuration: ${describeConfig(input.config)}; CPUs brought up after setup_system_features(): ${
      lateCpus(input)
        .map((c) => `cpu${c}`)
        .join(', ') || 'none'
    }`,
    ...windows.flatMap(([title, lines]) => (lines.length > 0 ? [title, ...lines] : [])),
    `finalisation schedule (task × steps): ${describeSchedule(input.finalSchedule)}`,
    'steps after boot:',
    ...steps,
  ].join('\n');
}
