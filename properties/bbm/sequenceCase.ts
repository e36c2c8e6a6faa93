/**
 * A whole-system experiment: a generated configuration (asymmetric CPUs included), a boot with
 * some CPUs coming up late, then a generated sequence of kernel operations, some interleaved.
 *
 * Layer: properties/bbm.
 */
import fc from 'fast-check';
import type { CpuId, SutConfig, SutFactory } from '../../impl/index.ts';
import { configArb } from '../arbitraries/config.ts';
import { describeConfig } from '../arbitraries/config.ts';
import { formatViolation } from '../../reports/formatViolation.ts';
import { boot } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import type { OpStep } from '../ops/ops.ts';
import { describeOp, opStepsArb, runSteps } from '../ops/ops.ts';

/** The generated input. */
export interface SequenceInput {
  readonly config: SutConfig;
  /** Which secondaries come up after finalisation (bit i = cpu i+1). */
  readonly lateMask: number;
  readonly steps: readonly OpStep[];
}

/**
 * The input arbitrary.
 * @param secondariesNoabort - pin the secondaries' capability, or leave it free
 * @returns the arbitrary
 */
export function sequenceInputArb(secondariesNoabort?: boolean): fc.Arbitrary<SequenceInput> {
  return fc.record({
    config: configArb({ maxCpus: 3, ...(secondariesNoabort === undefined ? {} : { secondariesNoabort }) }),
    lateMask: fc.nat({ max: 3 }),
    steps: opStepsArb,
  });
}

/**
 * Runs one experiment (it stops at the first violation).
 * @param input - the input
 * @param sut - the implementation
 * @returns the judged run
 */
export function runSequence(input: SequenceInput, sut: SutFactory): JudgedRun {
  const run = new JudgedRun(input.config, sut);
  const late: CpuId[] = input.config.cpus
    .slice(1)
    .filter((_c, i) => (input.lateMask & (1 << i)) !== 0)
    .map((c) => c.id);
  boot(run, late);
  runSteps(run, input.steps);
  return run;
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
  const steps = input.steps.map((s, i) =>
    s.kind === 'one'
      ? `  ${i + 1}. ${describeOp(s.op)} on cpu index ${s.cpu}`
      : `  ${i + 1}. ${describeOp(s.a)} ∥ ${describeOp(s.b)}`,
  );
  return [
    formatViolation(v.violation, v.violation.event + 1),
    `    during ${v.during}`,
    `    event: ${v.line}`,
    `configuration: ${describeConfig(input.config)} late=${input.lateMask}`,
    'steps after boot:',
    ...steps,
  ].join('\n');
}
