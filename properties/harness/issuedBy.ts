/**
 * Which kernel function issued a primitive: read off the JavaScript stack at the moment the
 * primitive took effect. Every kernel function of the port (and of a plug-in) is a generator
 * that delegates with `yield*`, so the stack of a primitive's effect is the kernel's call chain,
 * innermost first — `dsb ← emit_pte_barriers ← set_pmd ← pmd_set_huge ← init_pmd …` — with the
 * names kept from the kernel (impl/README.md). No annotation is needed from the SUT.
 *
 * The stack is taken only for the event that breaks a rule (and for an exception), never on
 * the hot path.
 *
 * Layer: properties/harness.
 */
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const relative = (file: string): string => (file.startsWith(ROOT) ? file.slice(ROOT.length) : file);

/** Files of the checkout that are the suite's, not the SUT's: the test machine, the drivers, the judges. */
const SUITE =
  /^(?:impl\/testing\/|impl\/sched\.ts|impl\/contract\.ts|properties\/|model\/|cli\/|shrinks\/|reports\/|bin\/)/;

/** Whether a frame's file is the suite's (a test file's own SUT counts as a SUT). */
const suites = (file: string): boolean =>
  file.startsWith('node:') ||
  file.includes('/node_modules/') ||
  (file.startsWith(ROOT) && SUITE.test(relative(file)) && !/\.test\.ts$/.test(file));

/** How many kernel functions a chain names before `…`. */
const CHAIN = 8;

interface Frame {
  readonly fn: string | undefined;
  readonly file: string;
  readonly line: string;
}

function parseFrame(raw: string): Frame | undefined {
  const m = /^\s*at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/.exec(raw);
  if (m === null) return undefined;
  const file = (m[2] ?? '').replace(/^file:\/\//, '');
  const fn = m[1]?.replace(/^(?:async |Object\.|MemoryMachine\.|Generator\.)/, '');
  return { fn, file, line: m[3] ?? '' };
}

/**
 * The SUT's call chain in a stack trace.
 * @param stack - an `Error.stack`
 * @returns e.g. `set_pmd() ← pmd_set_huge() ← init_pmd() ← … (impl/shims/custom.ts:137)`, or
 *   undefined when no frame of the SUT is on it
 */
export function sutChain(stack: string | undefined): string | undefined {
  const frames = (stack ?? '')
    .split('\n')
    .slice(1)
    .map(parseFrame)
    .filter((f): f is Frame => f !== undefined && !/\.next$/.test(f.fn ?? ''));
  // The SUT's frames are those between the primitive (the test machine's) and the driver that
  // called the operation (impl/sched.ts).
  const start = frames.findIndex((f) => !suites(f.file));
  if (start < 0) return undefined;
  const end = frames.findIndex((f, i) => i > start && suites(f.file));
  const own = frames.slice(start, end < 0 ? undefined : end);
  const first = own[0];
  if (first === undefined) return undefined;
  const names = own.slice(0, CHAIN).map((f) => (f.fn === undefined ? `${relative(f.file)}:${f.line}` : `${f.fn}()`));
  return `${names.join(' ← ')}${own.length > CHAIN ? ' ← …' : ''} (${relative(first.file)}:${first.line})`;
}

/**
 * The SUT's call chain right now (called from inside a primitive).
 * @returns the chain, or undefined outside SUT code
 */
export function issuedHere(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 80;
  const here: { stack?: string } = {};
  Error.captureStackTrace(here);
  Error.stackTraceLimit = limit;
  return sutChain(here.stack);
}
