/**
 * Lines of a text stream with a bound on their length: a file that is not a trace (a 700 MB
 * line without a newline) is one clear error, not `RangeError: Invalid string length`. Line
 * breaks are `\n`, `\r\n` and `\r`, as `node:readline` reads them.
 *
 * Layer: cli.
 */

/** The longest line accepted: a `bbm-trace/1` line is one JSON event, well under a kilobyte. */
export const MAX_LINE = 1 << 20;

/** A line longer than {@link MAX_LINE}. */
export class LineTooLongError extends Error {
  /** @param line - its 1-based number */
  constructor(readonly line: number) {
    super(`line ${line} is longer than ${MAX_LINE / (1 << 20)} MiB without a line break: not a bbm-trace/1 file`);
    this.name = 'LineTooLongError';
  }
}

/**
 * Splits a stream into lines.
 * @param input - a stream of text (or UTF-8 bytes)
 * @param max - the longest line accepted
 * @yields each line without its break
 * @throws LineTooLongError on a line longer than `max`
 */
export async function* boundedLines(
  input: AsyncIterable<string | Buffer>,
  max: number = MAX_LINE,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let line = 0;
  const brk = /\r\n|\n|\r/g;
  for await (const chunk of input) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let from = 0;
    brk.lastIndex = 0;
    for (let m = brk.exec(buf); m !== null; m = brk.exec(buf)) {
      // A `\r` at the end of the chunk may be the first half of `\r\n`: wait for more.
      if (m[0] === '\r' && m.index === buf.length - 1) break;
      line++;
      if (m.index - from > max) throw new LineTooLongError(line);
      yield buf.slice(from, m.index);
      from = brk.lastIndex;
    }
    buf = buf.slice(from);
    if (buf.length > max + 1) throw new LineTooLongError(line + 1);
  }
  buf += decoder.decode();
  if (buf.endsWith('\r')) buf = buf.slice(0, -1);
  if (buf.length > max) throw new LineTooLongError(line + 1);
  if (buf !== '') yield buf;
}
