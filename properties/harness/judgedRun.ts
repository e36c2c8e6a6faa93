/**
 * The adapter between an implementation under test and the model: a run of a SUT on the test
 * machine whose every trace event is replayed on the model as it happens, so that the first rule
 * broken is known with the operation that broke it. `toModelEvent` applies the `bbm-trace/1`
 * reader's validation, so a run and its saved trace are judged the same way.
 *
 * Layer: properties (imports impl/ and model/).
 */
import type { CpuId, KGen, KernelOps, SutConfig, SutFactory, Task } from '../../impl/index.ts';
import { KernelBug, KernelPanic, runInterleaved, runToCompletion } from '../../impl/index.ts';
import { PropertyFailure } from '../registry.ts';
import { MemoryMachine } from '../../impl/testing/memory-machine.ts';
import type { RunRecord } from '../../impl/testing/memory-machine.ts';
import { eventToJson, headerToJson } from '../../impl/testing/trace.ts';
import type { Maplet } from '../../model/abstract/interp.ts';
import { interp } from '../../model/abstract/interp.ts';
import type { Violation } from '../../model/bbm/violations.ts';
import type { MachineState } from '../../model/step.ts';
import { initialState, step } from '../../model/step.ts';
import { parseHeader } from '../../model/trace/parse.ts';
import type { TraceEvent } from '../../impl/testing/trace.ts';
import { toModelEvent } from './toModelEvent.ts';
import { EventLimitExceeded, lastEvents, MAX_EVENTS } from './eventLimit.ts';
import { contractBreakReport } from './contractBreak.ts';
import { issuedHere } from './issuedBy.ts';
import { callText, wrapOps } from './wrapOps.ts';
import type { BootPhase } from '../kernel/phase.ts';
import { initialPhase } from '../kernel/phase.ts';

/** How many trace lines before a violation a report shows. */
const RECENT = 8;

/** The first violation of a run, with the operation during which it happened. */
export interface JudgedViolation {
  readonly violation: Violation;
  /** The operation (its label) that emitted the offending event. */
  readonly during: string;
  /** The offending event as a trace line. */
  readonly line: string;
  /** The SUT's kernel functions on the stack when the offending primitive took effect. */
  readonly issuedBy?: string;
  /** The kernel operation as the SUT was called, e.g. `split_kernel_leaf_mapping(0xffff…, 0xffff…) on cpu2`. */
  readonly call?: string;
  /** Arm level of the entry a `write` stored to (the level of the table page that holds it). */
  readonly entryLevel?: number;
}

/** A kernel operation as the SUT was called: its text and its first kernel-VA argument. */
interface KernelCall {
  readonly text: string;
  readonly va?: bigint;
}

/**
 * The SUT's operations, each generator remembering the call that made it (for reports).
 * @param ops - the SUT's operations
 * @param calls - where the calls are remembered
 * @returns the same operations
 */
function remembered(ops: KernelOps, calls: WeakMap<object, KernelCall>): KernelOps {
  return wrapOps(ops, (name, args, call) => {
    const g = call();
    if (typeof g === 'object' && g !== null) {
      const va = args.find((a): a is bigint => typeof a === 'bigint' && a >> 48n === 0xffffn);
      calls.set(g, { text: callText(name, args), ...(va === undefined ? {} : { va }) });
    }
    return g;
  });
}

/** Options of a judged run. */
export interface JudgedRunOptions {
  /** 0-based indexes of table allocations that fail (`-ENOMEM` injection). */
  readonly failAllocAt?: readonly number[];
  /** CPUs online at the start (default: the boot CPU). */
  readonly online?: readonly CpuId[];
  /** Trace events the run may make (default {@link MAX_EVENTS}; a test sets fewer). */
  readonly maxEvents?: number;
}

/** A SUT on a test machine, judged by the model event by event. */
export class JudgedRun {
  readonly m: MemoryMachine;
  readonly ops: KernelOps;
  readonly model: MachineState;
  /** The first violation, if any. */
  violation: JudgedViolation | undefined;
  /** Where the kernel is in its boot (kept by the harness, read by properties/kernel/gates.ts). */
  readonly phase: BootPhase;
  /**
   * The run created last (the one a property's check judged last): what a failure's saved trace
   * and `bbm-verify replay --trace` write out, whichever property failed and however.
   */
  static latest: JudgedRun | undefined;
  /**
   * The operations of the run in order, each with the half-open range of event indexes (0-based,
   * into the machine's events) it issued: what a report lists under each operation.
   */
  get operations(): readonly { readonly label: string; readonly from: number; readonly to: number }[] {
    return this.operationList;
  }
  /** {@link operations}, the last entry extended in place while its operation runs. */
  private readonly operationList: { readonly label: string; readonly from: number; to: number }[] = [];
  /**
   * Events judged and milliseconds spent judging them and answering `interp`, over every run of
   * this process: the cost of checking, read by the benchmark (bench/propertySection.ts).
   */
  static readonly cost = { events: 0, ms: 0 };
  /**
   * Whether {@link cost} counts milliseconds too (the benchmark sets it): two clock reads per
   * event otherwise cost every run about 1.5 % of its CPU time for a figure nobody reads.
   */
  static timeChecks = false;
  private readonly recentEvents: TraceEvent[] = [];
  private fed = 0;
  private recordsSeen = 0;
  /** The label of the operation running now (events are judged as they happen). */
  private during = 'boot';
  /** A new operation began: its first events open a new entry of `operations`. */
  private opStarts = true;
  /** The kernel call each generator of the SUT was made by. */
  private readonly calls = new WeakMap<object, KernelCall>();
  /** The kernel call running on each CPU now. */
  private running = new Map<CpuId, string>();
  /** The last kernel call of the run (its text), for failure reports. */
  lastCall: string | undefined;
  /** The first kernel-VA argument of the last kernel call that had one. */
  lastCallVa: bigint | undefined;

  /**
   * @param config - the SUT configuration
   * @param factory - the implementation under test
   * @param opts - failure injection and initial CPUs
   */
  constructor(
    readonly config: SutConfig,
    factory: SutFactory,
    opts: JudgedRunOptions = {},
  ) {
    this.m = new MemoryMachine({
      granule: config.granule,
      cpus: config.cpus,
      preempt_rt: config.preempt_rt,
      ...(opts.failAllocAt === undefined ? {} : { failAllocAt: opts.failAllocAt }),
      ...(opts.online === undefined ? {} : { online: opts.online }),
    });
    const header = parseHeader(headerToJson(this.m.header()));
    this.model = initialState({
      granule: header.granule,
      root: header.root,
      preemptRt: header.preempt_rt,
      cpus: header.cpus,
    });
    JudgedRun.latest = this;
    // Every event is judged inside the primitive that makes it, so that the first violation knows
    // which kernel function issued it (issuedBy.ts).
    const maxEvents = opts.maxEvents ?? MAX_EVENTS;
    this.m.observer = () => {
      if (this.m.events.length > maxEvents) throw new EventLimitExceeded(maxEvents, lastEvents(this.m.events));
      this.feed(this.during, true);
    };
    try {
      this.ops = remembered(factory(this.m, config), this.calls);
    } catch (e) {
      throw this.broken(e, `the SUT factory (${config.granule} ${config.variant})`, 0);
    }
    const boot = config.cpus[0];
    if (boot === undefined) throw new Error('a configuration needs a boot CPU');
    this.phase = initialPhase(boot);
  }

  /**
   * The test machine's rules that are not the model's: a table page from the page allocator
   * (any gfp but the boot allocator's) before `mem_init()` is a bug — the buddy allocator does not
   * exist yet (arch/arm64/mm/init.c mem_init(): `page_alloc_available`, f12b435de2f2).
   * @param during - label of the operation
   * @throws PropertyFailure naming the allocation
   */
  private machineRules(during: string): void {
    const recs = this.m.records;
    for (; this.recordsSeen < recs.length; this.recordsSeen++) {
      const r = recs[this.recordsSeen];
      if (r?.kind === 'alloc' && r.gfp !== 'MEMBLOCK' && !this.phase.memInit)
        throw new PropertyFailure(
          `${during} on cpu${r.cpu}: a ${r.gfp} table allocation before mem_init(): the page allocator is not up yet (page_alloc_available is false; f12b435de2f2)`,
        );
    }
  }

  /**
   * The finding of an exception out of the SUT that is not its BUG() or panic() (contractBreak.ts).
   * @param e - the exception
   * @param label - the operation
   * @param cpu - the CPU it ran on
   * @returns the failure to throw
   */
  private broken(e: unknown, label: string, cpu: CpuId): PropertyFailure {
    const events = this.m.events;
    const from = Math.max(0, events.length - RECENT);
    return new PropertyFailure(
      contractBreakReport(e, {
        label,
        cpu,
        config: this.config,
        recent: events.slice(from).map(eventToJson),
        firstIndex: from,
      }),
    );
  }

  /** Whether an exception out of a kernel operation is the SUT's failure as the contract has it. */
  private static isKernelStop(e: unknown): e is KernelBug | KernelPanic {
    return e instanceof KernelPanic || e instanceof KernelBug;
  }

  /**
   * Replays the machine's new events on the model.
   * @param during - label of the operation that produced them
   * @param live - called from inside the primitive: a violation records the kernel functions on the stack
   */
  feed(during: string, live = false): void {
    const t0 = JudgedRun.timeChecks ? performance.now() : 0;
    const events = this.m.events;
    if (this.fed < events.length) {
      // Events are fed as they happen: one entry per operation, extended while it runs.
      const last = this.operationList[this.operationList.length - 1];
      if (!this.opStarts && last !== undefined && last.label === during && last.to === this.fed)
        last.to = events.length;
      else this.operationList.push({ label: during, from: this.fed, to: events.length });
      this.opStarts = false;
    }
    JudgedRun.cost.events += events.length - this.fed;
    for (; this.fed < events.length; this.fed++) {
      const e = events[this.fed];
      if (e === undefined) continue;
      // The model keeps following the SUT after a violation (its view of the tables stays true);
      // the first violation is the one reported.
      const v = step(this.model, toModelEvent(e));
      if (v !== undefined && this.violation === undefined) {
        const issuedBy = live ? issuedHere() : undefined;
        const cpu = 'cpu' in e ? e.cpu : this.m.currentCpu();
        const call = live ? this.running.get(cpu) : undefined;
        const entryLevel = e.op === 'write' ? this.m.tables().get(e.pa - (e.pa % this.m.pageSize)) : undefined;
        this.violation = {
          violation: v,
          during,
          line: eventToJson(e),
          ...(issuedBy === undefined ? {} : { issuedBy }),
          ...(call === undefined ? {} : { call: `${call} on cpu${cpu}` }),
          ...(entryLevel === undefined ? {} : { entryLevel }),
        };
      } else if (this.violation === undefined) {
        if (this.recentEvents.length === RECENT) this.recentEvents.shift();
        this.recentEvents.push(e);
      }
    }
    if (JudgedRun.timeChecks) JudgedRun.cost.ms += performance.now() - t0;
  }

  /**
   * Notes the kernel calls about to run, per CPU (for the violation's `call`) and as the run's last.
   * @param tasks - the generators and their CPUs
   */
  private noteCalls(tasks: readonly { readonly cpu: CpuId; readonly gen: object }[]): void {
    this.opStarts = true;
    this.running = new Map();
    for (const t of tasks) {
      const c = this.calls.get(t.gen);
      if (c === undefined) continue;
      this.running.set(t.cpu, c.text);
      this.lastCall = `${c.text} on cpu${t.cpu}`;
      if (c.va !== undefined) this.lastCallVa = c.va;
    }
  }

  /**
   * Runs one kernel operation to completion on `cpu`, then judges its events.
   * @param label - what it is, for reports (e.g. `split_kernel_leaf_mapping(…)`)
   * @param gen - the operation
   * @param cpu - the CPU it runs on
   * @returns its result
   */
  run<T>(label: string, gen: KGen<T>, cpu: CpuId = 0): T {
    this.during = label;
    this.noteCalls([{ cpu, gen }]);
    try {
      const value = runToCompletion(this.m, cpu, gen);
      this.machineRules(label);
      return value;
    } catch (e) {
      this.feed(label);
      // A BUG() or panic() of the SUT is its failure, reported like a broken claim.
      if (JudgedRun.isKernelStop(e))
        throw new PropertyFailure(`${label} on cpu${cpu}: ${e instanceof KernelPanic ? 'panic' : 'BUG'}: ${e.message}`);
      if (e instanceof PropertyFailure) throw e;
      // Anything else out of the SUT broke its contract (impl/CONTRACT.md §3): a finding too.
      throw this.broken(e, label, cpu);
    } finally {
      this.feed(label);
    }
  }

  /**
   * Runs several operations interleaved at every primitive by `schedule`, then judges the events.
   * @param tasks - the operations and their CPUs
   * @param schedule - the scheduler's choices
   * @returns the interleaved run's result
   */
  interleave(tasks: readonly Task[], schedule: readonly number[]): ReturnType<typeof runInterleaved> {
    const label = tasks.map((t) => t.label ?? `task on cpu${t.cpu}`).join(' ∥ ');
    this.during = label;
    this.noteCalls(tasks);
    try {
      const r = runInterleaved(this.m, tasks, schedule);
      this.machineRules(label);
      return r;
    } catch (e) {
      this.feed(label);
      if (e instanceof PropertyFailure) throw e;
      // BUG() and panic() are task outcomes here; anything else out of a task broke the contract.
      throw this.broken(e, label, this.m.currentCpu());
    } finally {
      this.feed(label);
    }
  }

  /**
   * The translation of a VA range in the model's view of the tables.
   * @param from - first VA
   * @param to - end VA
   * @returns the maplets
   */
  interp(from: bigint, to: bigint): Maplet[] {
    const t0 = JudgedRun.timeChecks ? performance.now() : 0;
    const maplets = interp(this.model, from, to);
    if (JudgedRun.timeChecks) JudgedRun.cost.ms += performance.now() - t0;
    return maplets;
  }

  /** @returns the trace lines just before the violation (or the last ones fed), oldest first */
  get recent(): string[] {
    return this.recentEvents.map(eventToJson);
  }

  /** @returns WARN/BUG/panic, allocation and lock records of the run */
  get records(): readonly RunRecord[] {
    return this.m.records;
  }

  /** @returns the whole run as a `bbm-trace/1` trace */
  trace(): string {
    return this.m.toJsonl();
  }
}
