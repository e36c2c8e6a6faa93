/**
 * The report of a SUT that broke its contract (impl/CONTRACT.md §3) instead of a rule: it called
 * a primitive with an argument the contract does not allow (a {@link ContractViolation} of the
 * test machine: `tlbi('bogus')`, a `free` of a page that is not a table page, …), threw an
 * exception that is neither `KernelBug` nor `KernelPanic` (a `TypeError` of its own, …), or spun
 * past the driver's step limit. The run cannot go on, and the fault is the SUT's: it is a finding
 * of the property being checked (exit status 1), shrunk like any other, never an internal error
 * of the suite — reported with the operation, the configuration, the kernel functions on the
 * stack and the trace so far.
 *
 * Layer: properties/harness.
 */
import { StepLimitExceeded } from '../../impl/index.ts';
import type { CpuId, SutConfig } from '../../impl/index.ts';
import { ContractViolation } from '../../impl/testing/primitiveArgs.ts';
import { describeConfig } from '../arbitraries/config.ts';
import { sutChain } from './issuedBy.ts';
import { EventLimitExceeded } from './eventLimit.ts';

/** What the report needs from the run. */
export interface BreakContext {
  readonly label: string;
  readonly cpu: CpuId;
  readonly config: SutConfig;
  /** The last trace lines before the break, oldest first, and the index of the first one. */
  readonly recent: readonly string[];
  readonly firstIndex: number;
}

/**
 * The first line and details of a broken contract.
 * @param e - what was thrown out of the SUT's operation
 * @param ctx - where
 * @returns the report, first line a summary
 */
export function contractBreakReport(e: unknown, ctx: BreakContext): string {
  const head = `${ctx.label} on cpu${ctx.cpu}:`;
  let what: string;
  if (e instanceof ContractViolation) what = `the SUT broke its contract: ${e.message}`;
  else if (e instanceof StepLimitExceeded)
    what = `the SUT did not return: ${e.message} — a spin loop nobody releases (impl/CONTRACT.md §4)`;
  else if (e instanceof EventLimitExceeded)
    what = `the SUT did not return: ${e.message} — a loop that never ends (properties/harness/judgedRun.ts MAX_EVENTS)`;
  else {
    const name = e instanceof Error ? e.name : typeof e;
    const msg = e instanceof Error ? e.message : String(e);
    what = `the SUT threw ${name}: ${msg.split('\n')[0] ?? ''} (impl/CONTRACT.md §3: a kernel operation may throw only KernelBug, through bug(), or KernelPanic, through panic())`;
  }
  const chain = e instanceof Error ? sutChain(e.stack) : undefined;
  const spinning =
    e instanceof StepLimitExceeded && e.spinning !== ''
      ? e.spinning
      : e instanceof EventLimitExceeded
        ? e.last
        : undefined;
  return [
    `${head} ${what}`,
    ...(chain === undefined ? [] : [`    in ${chain}`]),
    ...(spinning === undefined ? [] : [`    ${spinning}`]),
    `    configuration: ${describeConfig(ctx.config)}`,
    ...(ctx.recent.length === 0
      ? ['    no trace event before it']
      : [
          '    trace events before it:',
          ...ctx.recent.map((l, i) => `      ${String(ctx.firstIndex + i).padStart(7)}  ${l}`),
        ]),
  ].join('\n');
}
