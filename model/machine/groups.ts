/**
 * Contiguous groups as sets (SEMANTICS.md W7, C3): the check of every group of a subtree that
 * becomes walkable, and the registry of groups that are in a transient state — permissions that
 * differ between members (a repaint in progress, judged when a flush completes and at the end of
 * the trace) and live Contiguous/non-Contiguous mixes (judged when a CPU without noabort starts
 * walking).
 *
 * @see Arm ARM DDI 0487 M.b D8.7.1 RNGLXZ, RJQQTC; arch/arm64/mm/pageattr.c: update_range_prot()
 * Layer: model/machine.
 */
import type { TablePage } from '../arch/memory.ts';
import type { GroupVerdict } from '../bbm/contiguous.ts';
import { checkContiguousGroup } from '../bbm/contiguous.ts';
import type { MachineState } from './state.ts';
import { forEachChildTable } from './subtree.ts';

/** The registry key of a group: the PA of its first entry. */
export function groupKey(page: TablePage, start: number): number {
  return page.pa + 8 * start;
}

/**
 * Records the transient state of the group holding `page[index]` after a store to it.
 * @param state - the machine
 * @param page - the table page
 * @param index - an entry of the group
 * @param verdict - the group's verdict
 * @param writer - slot of the storing CPU
 */
export function noteGroup(
  state: MachineState,
  page: TablePage,
  index: number,
  verdict: GroupVerdict,
  writer: number,
): void {
  const n = state.geo.contEntries[page.level] ?? 1;
  const start = index - (index % n);
  const key = groupKey(page, start);
  if (verdict.problem === undefined && verdict.mixedPermissions) state.mixedGroups.set(key, { page, start, writer });
  else state.mixedGroups.delete(key);
  if (verdict.mixed) state.contMixes.set(key, { page, start });
  else state.contMixes.delete(key);
  if (verdict.problem !== undefined) state.badGroups.set(key, { page, start });
  else state.badGroups.delete(key);
}

/**
 * Checks, and registers, every contiguous group of a subtree that becomes walkable.
 * @param state - the machine
 * @param table - the subtree's root
 * @param mixAllowed - whether every observer has noabort
 * @param writer - slot of the linking CPU
 * @returns the first misprogrammed group, described
 */
export function checkGroupsBelow(
  state: MachineState,
  table: TablePage,
  mixAllowed: boolean,
  writer: number,
): string | undefined {
  const n = state.geo.contEntries[table.level] ?? 0;
  let found: string | undefined;
  for (let start = 0; n > 0 && start < table.lo.length; start += n) {
    if ((table.groups.cont[start / n] ?? 0) === 0 && !state.isRegistered(table, start)) continue;
    const group = checkContiguousGroup(state.geo, table, start, mixAllowed);
    noteGroup(state, table, start, group, writer);
    if (group.problem !== undefined)
      found ??= `table 0x${table.pa.toString(16)}, group at entry ${start}: ${group.problem}`;
  }
  forEachChildTable(state, table, (child) => {
    const below = checkGroupsBelow(state, child, mixAllowed, writer);
    found ??= below;
  });
  return found;
}

/** A group still repainted in part when it is judged (C3). */
export interface PartialRepaint {
  readonly page: TablePage;
  readonly start: number;
}

/**
 * The first registered group whose members still differ in permissions and that `judged`
 * selects, among the groups some running CPU may walk (C3).
 * @param state - the machine
 * @param judged - which groups this moment judges (by first VA, span and last writer)
 * @returns the group, or undefined
 */
export function partialRepaint(
  state: MachineState,
  judged: (va: number, span: number, writer: number) => boolean,
): PartialRepaint | undefined {
  for (const [key, g] of state.mixedGroups) {
    if (state.mem.pageOf(g.page.pa) !== g.page) {
      state.mixedGroups.delete(key);
      continue;
    }
    const verdict = checkContiguousGroup(state.geo, g.page, g.start, true);
    if (!verdict.mixedPermissions) {
      state.mixedGroups.delete(key);
      continue;
    }
    if (state.observers(g.page) === 0) continue;
    const size = state.geo.entrySpan[g.page.level] ?? 0;
    const span = size * (state.geo.contEntries[g.page.level] ?? 1);
    if (judged(g.page.vaBase + g.start * size, span, g.writer)) return { page: g.page, start: g.start };
  }
  return undefined;
}

/**
 * Forgets the groups of a table page that is freed.
 * @param state - the machine
 * @param page - the page
 */
export function forgetGroups(state: MachineState, page: TablePage): void {
  for (const [key, g] of state.mixedGroups) if (g.page === page) state.mixedGroups.delete(key);
  for (const [key, g] of state.contMixes) if (g.page === page) state.contMixes.delete(key);
  for (const [key, g] of state.badGroups) if (g.page === page) state.badGroups.delete(key);
}
