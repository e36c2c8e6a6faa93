/**
 * Colour for a terminal, and only there: on when the stream is a TTY and `NO_COLOR` is unset or
 * empty (https://no-color.org), never in a file, a pipe or CI logs. Four SGR styles are all a
 * report uses, so they are written here rather than pulled from a library.
 *
 * Layer: reports.
 */

/** The styles a report uses. */
export type Style = 'bold' | 'red' | 'green' | 'dim' | 'yellow';

const SGR: Readonly<Record<Style, [number, number]>> = {
  bold: [1, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  dim: [2, 22],
};

/** Paints text in a style, or leaves it as it is. */
export type Paint = (style: Style, text: string) => string;

/** No colour. */
export const plain: Paint = (_style, text) => text;

/** ANSI colour. */
export const ansi: Paint = (style, text) => {
  const [on, off] = SGR[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
};

/**
 * Whether to colour what goes to a stream.
 * @param stream - the stream (its `isTTY`)
 * @param env - the environment
 * @returns true on a TTY without NO_COLOR
 */
export function wantsColour(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const noColor = env['NO_COLOR'];
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}
