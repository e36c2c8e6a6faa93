/**
 * The measures of a counterexample — kernel operations, CPUs, preemptions — and its one-step
 * reductions: drop one operation (a step, or a split of a sequence of splits), keep one half of an
 * interleaved pair, drop one secondary CPU of a kind another CPU has, drop one burst of a schedule. The reductions are both the domain
 * shrinker (domainShrink.ts) and the moves of the shrink-quality search (quality.ts).
 *
 * Sizes are read from the encoded value (shrinks/encoding.ts), so that every property input is
 * measured the same way:
 * - operations: the kernel calls after boot and in the early windows (an interleaved pair is two);
 *   a property whose input is one call (a split, a permission change) counts one, a sequence of
 *   splits (`split.*`: the first and each of `more`) one a split, `perm.valid-roundtrip` two
 *   (`set_memory_valid(…, false)`, then `(…, true)`), a boot or a repaint none;
 * - CPUs: the configuration's;
 * - preemptions: the switches between tasks in the burst schedules (a pair's, and the
 *   finalisation's inside stop_machine()): consecutive bursts that pick different tasks.
 *
 * Layer: shrinks.
 */

/** The size of one counterexample. */
export interface CaseSize {
  readonly ops: number;
  readonly cpus: number;
  readonly preemptions: number;
}

type Data = Record<string, unknown>;
type Burst = { pick: number; steps: number };
type Step = { kind: 'op' | 'pair'; a?: unknown; b?: unknown; schedule?: Burst[]; cpu?: number; op?: unknown };

const isObject = (v: unknown): v is Data => typeof v === 'object' && v !== null && !Array.isArray(v);
const WINDOWS = ['preMemInit', 'alone', 'preFinal'] as const;

/** The operation lists of an encoded input, as (get, set) pairs over a copy. */
function lists(d: Data): { name: string; items: Step[]; rebuild: (items: Step[]) => Data }[] {
  const out: { name: string; items: Step[]; rebuild: (items: Step[]) => Data }[] = [];
  for (const w of WINDOWS)
    if (Array.isArray(d[w])) out.push({ name: w, items: d[w] as Step[], rebuild: (items) => ({ ...d, [w]: items }) });
  const steps = d['steps'];
  if (Array.isArray(steps))
    out.push({ name: 'steps', items: steps as Step[], rebuild: (items) => ({ ...d, steps: items }) });
  else if (isObject(steps) && Array.isArray(steps['$commands'])) {
    const cmds = steps['$commands'] as { $command: Step }[];
    out.push({
      name: 'steps',
      items: cmds.map((c) => c.$command),
      rebuild: (items) => ({ ...d, steps: { $commands: items.map(($command) => ({ $command })) } }),
    });
  }
  return out;
}

const configOf = (d: Data): Data | undefined =>
  'granule' in d ? d : isObject(d['config']) ? (d['config'] as Data) : undefined;

/** Task switches of a burst schedule among `tasks` tasks. */
function switches(schedule: readonly Burst[], tasks: number): number {
  let n = 0;
  const live = schedule.filter((b) => b.steps > 0);
  for (let i = 1; i < live.length; i++) if ((live[i]?.pick ?? 0) % tasks !== (live[i - 1]?.pick ?? 0) % tasks) n++;
  return n;
}

/**
 * The size of an encoded property input.
 * @param propertyId - the property (its input's shape)
 * @param input - the encoded input
 * @returns operations, CPUs and preemptions
 */
export function caseSize(propertyId: string, input: unknown): CaseSize {
  const d = isObject(input) ? input : {};
  const cpus = Array.isArray(configOf(d)?.['cpus']) ? (configOf(d)?.['cpus'] as unknown[]).length : 1;
  const ls = lists(d);
  let ops: number;
  let preemptions = 0;
  if (ls.length > 0) {
    ops = ls.reduce((a, l) => a + l.items.reduce((b, s) => b + (s.kind === 'pair' ? 2 : 1), 0), 0);
    for (const l of ls) for (const s of l.items) if (s.kind === 'pair') preemptions += switches(s.schedule ?? [], 2);
  } else if ('granule' in d) ops = 0;
  else if (propertyId === 'perm.exact' && d['roFirst'] === true) ops = 2;
  else if (propertyId === 'perm.valid-roundtrip') ops = 2;
  else ops = Array.isArray(d['more']) ? 1 + d['more'].length : 1;
  if (Array.isArray(d['finalSchedule'])) preemptions += switches(d['finalSchedule'] as Burst[], cpus);
  return { ops, cpus, preemptions };
}

/**
 * The one-step reductions of an encoded input: each has one operation, CPU or burst fewer.
 * @param input - the encoded input
 * @returns the smaller inputs (encoded)
 */
export function reductions(input: unknown): unknown[] {
  if (!isObject(input)) return [];
  const d = input;
  const out: unknown[] = [];
  for (const l of lists(d))
    l.items.forEach((s, i) => {
      const without = [...l.items.slice(0, i), ...l.items.slice(i + 1)];
      out.push(l.rebuild(without));
      if (s.kind === 'pair') {
        // One half of the pair, on the first online CPU; or the pair with one burst fewer.
        for (const op of [s.a, s.b])
          out.push(l.rebuild([...l.items.slice(0, i), { kind: 'op', op, cpu: 0 }, ...l.items.slice(i + 1)]));
        (s.schedule ?? []).forEach((_b, j) => {
          const schedule = [...(s.schedule ?? []).slice(0, j), ...(s.schedule ?? []).slice(j + 1)];
          out.push(l.rebuild([...l.items.slice(0, i), { ...s, schedule }, ...l.items.slice(i + 1)]));
        });
      }
    });
  // A sequence of splits (split.*: the first range, then each of `more`): one split fewer — any of
  // `more`, or the first, whose place the next one takes.
  const more = d['more'];
  if (Array.isArray(more) && more.length > 0) {
    more.forEach((_m, j) => out.push({ ...d, more: [...more.slice(0, j), ...more.slice(j + 1)] }));
    const [next, ...rest] = more as unknown[];
    if (isObject(next)) out.push({ ...d, ...next, more: rest });
  }
  const fin = d['finalSchedule'];
  if (Array.isArray(fin))
    fin.forEach((_b, j) => out.push({ ...d, finalSchedule: [...fin.slice(0, j), ...fin.slice(j + 1)] }));
  const config = configOf(d);
  const cpus = Array.isArray(config?.['cpus']) ? (config?.['cpus'] as Data[]) : [];
  // A secondary goes only when another CPU of its kind (BBM level, noabort) stays: what a
  // generator requires of the CPUs (a secondary without noabort, all noabort) holds of the
  // smaller case too.
  const kind = (c: Data | undefined): string => `${String(c?.['bbm'])}/${String(c?.['noabort'])}`;
  for (let k = 1; k < cpus.length; k++) {
    if (!cpus.some((c, i) => i !== k && kind(c) === kind(cpus[k]))) continue;
    const kept = cpus.filter((_c, i) => i !== k).map((c, i) => ({ ...c, id: i }));
    const c2 = { ...config, cpus: kept };
    const withConfig = 'granule' in d ? c2 : { ...d, config: c2 };
    // lateMask bit i is cpu i+1: drop bit k-1, shift the higher ones down.
    const mask = typeof d['lateMask'] === 'number' ? d['lateMask'] : undefined;
    const low = mask === undefined ? 0 : mask & ((1 << (k - 1)) - 1);
    const high = mask === undefined ? 0 : (mask >> k) << (k - 1);
    out.push(mask === undefined ? withConfig : { ...withConfig, lateMask: low | high });
  }
  return out;
}
