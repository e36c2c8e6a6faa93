/**
 * One primitive event as a line a kernel developer reads: the CPU, the instruction or kernel
 * primitive, and for a store the entry it goes to (its level's Linux name, index, table page and
 * VA) and the decoded value it writes.
 *
 *   cpu0  write  pmd[1] of 0xf000002000 (va 0xffff000000200000)  ← table → 0xf000005000
 *   cpu0  dsb ishst
 *   cpu0  tlbi vaale1is 0xffff000000200000
 *
 * Layer: reports (model types and pure formatting).
 */
import type { ModelEvent } from '../model/events.ts';
import type { MachineState } from '../model/step.ts';
import { splitDescriptor } from '../model/arch/descriptor.ts';
import { VA_TOP, describeDescriptor, hexOf, levelName } from './descriptorText.ts';

/**
 * Names the entry at `pa` in a state: `pmd[1] of 0xf000002000 (va 0xffff000000200000)`.
 * @param state - the model
 * @param pa - the entry's PA
 * @returns the name, or the bare PA when no table page holds it
 */
export function entryName(state: MachineState, pa: number): string {
  const page = state.mem.pageOf(pa);
  if (page === undefined) return `${hexOf(pa)} (not a table page)`;
  const index = (pa - page.pa) / 8;
  const span = state.geo.entrySpan[page.level] ?? 0;
  const va =
    page.reachable && !Number.isNaN(page.vaBase)
      ? ` (va ${hexOf(VA_TOP + BigInt(page.vaBase + index * span))})`
      : ' (unlinked)';
  return `${levelName(state.geo, page.level)}[${index}] of ${hexOf(page.pa)}${va}`;
}

/**
 * Formats an event against the state just before it.
 * @param state - the model before the event
 * @param e - the event
 * @returns one line
 */
export function eventText(state: MachineState, e: ModelEvent): string {
  switch (e.op) {
    case 'write': {
      const pa = Number(e.pa);
      const page = state.mem.pageOf(pa);
      const [lo, hi] = splitDescriptor(e.val);
      const value = page === undefined ? hexOf(e.val) : describeDescriptor(state.geo, lo, hi, page.level);
      return `cpu${e.cpu}  write  ${entryName(state, pa)}  ← ${value}`;
    }
    case 'dsb':
      return `cpu${e.cpu}  dsb ${e.dom}`;
    case 'isb':
      return `cpu${e.cpu}  isb`;
    case 'tlbi':
      return `cpu${e.cpu}  tlbi ${e.kind}${e.va === undefined ? '' : ` ${hexOf(e.va)}`}${e.size === undefined ? '' : ` size ${hexOf(e.size)}`}`;
    case 'alloc':
      return `alloc  table page ${hexOf(e.pa)} (${levelName(state.geo, e.level)}, level ${e.level})`;
    case 'free':
      return `free   table page ${hexOf(e.pa)}`;
    case 'online':
      return `cpu${e.cpu}  online (BBM level ${e.bbm}${e.noabort ? ', noabort' : ''})`;
    case 'walk':
      return `cpu${e.cpu}  walk ${hexOf(e.va)}`;
    case 'park':
      return `cpu${e.cpu}  park (reserved TTBR1: stops walking the kernel tables)`;
    case 'unpark':
      return `cpu${e.cpu}  unpark (walks the kernel tables again)`;
    case 'stop':
      return `cpu${e.cpu}  stop_machine() begins`;
    case 'resume':
      return `cpu${e.cpu}  stop_machine() ends`;
  }
}

/**
 * The kinds of a run of events, counted: `1024 write, 2 dsb, 1 tlbi`.
 * @param events - the events
 * @returns the summary
 */
export function eventCounts(events: readonly ModelEvent[]): string {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.op, (counts.get(e.op) ?? 0) + 1);
  return [...counts].map(([op, k]) => `${k} ${op}`).join(', ');
}
