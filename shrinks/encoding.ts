/**
 * The value language of the corpus: a property input as plain JSON. Bigints become
 * `{"$bigint": "0x…"}`, kernel commands `{"$command": …}` (their `toData()`), command sequences
 * `{"$commands": […]}` (decoded as a `CommandList`, so that a saved sequence run again encodes back
 * the same). Values, not seeds: a seed and path go stale as soon as a
 * generator changes, a value keeps meaning the same case.
 *
 * Layer: shrinks.
 */
import { commandFromData } from '../properties/commands/commands.ts';
import { CommandList } from '../properties/commands/commandList.ts';
import type { CommandData, KernelCommand } from '../properties/commands/systemModel.ts';

/**
 * Encodes a property input as JSON-able data.
 * @param v - the value
 * @returns plain data
 */
export function encodeValue(v: unknown): unknown {
  if (typeof v === 'bigint') return { $bigint: (v < 0n ? '-0x' : '0x') + (v < 0n ? -v : v).toString(16) };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (typeof v === 'object' && v !== null) {
    const withData = v as { toData?: () => CommandData };
    if (typeof withData.toData === 'function') return { $command: encodeValue(withData.toData()) };
    if (Symbol.iterator in v) {
      // fast-check's command sequences iterate wrappers `{ cmd, hasRan }`: keep the commands.
      const cmds = [...(v as Iterable<unknown>)].map((x) =>
        typeof x === 'object' && x !== null && 'cmd' in x ? x.cmd : x,
      );
      return { $commands: cmds.map(encodeValue) };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeValue(x)]));
  }
  return v;
}

/**
 * Decodes `encodeValue`'s data (checked first by the property's input schema,
 * `shrinks/inputSchemas.ts`).
 * @param d - plain data
 * @returns the value
 */
export function decodeValue(d: unknown): unknown {
  if (Array.isArray(d)) return d.map(decodeValue);
  if (typeof d === 'object' && d !== null) {
    const o = d as Record<string, unknown>;
    const big = o['$bigint'];
    if (typeof big === 'string') return big.startsWith('-') ? -BigInt(big.slice(1)) : BigInt(big);
    if ('$command' in o) return commandFromData(decodeValue(o['$command']) as CommandData);
    if (Array.isArray(o['$commands'])) return new CommandList(o['$commands'].map(decodeValue) as KernelCommand[]);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeValue(x)]));
  }
  return d;
}
