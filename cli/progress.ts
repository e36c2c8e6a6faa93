/**
 * Progress of a long `verify` run on stderr: a bar on a terminal, a plain line every ten seconds
 * otherwise (a CI log; the first after ten seconds, so a short run prints none), nothing with `--progress off` (or `BBM_PROGRESS=off`, which the test
 * setup sets). Each shows the jobs done of the plan, the findings so far, the time spent and the
 * estimate, and the job running now. On a terminal whose stdout is the same screen, the run's own
 * lines are printed above the bar, so the two never overwrite each other.
 *
 * Why cli-progress: it is the maintained, dependency-light progress bar most CLIs use (MIT), it
 * renders on a TTY and, with `noTTYOutput`/`notTTYSchedule`, writes plain lines at a fixed rate
 * where there is no terminal — both modes from one definition — and its MultiBar `log()` prints
 * above the bar. Listr2 and ora are task lists and spinners, not bars.
 *
 * Layer: cli.
 */
import cliProgress from 'cli-progress';
import { UsageError } from './usage.ts';

/** How progress is shown. */
export type ProgressMode = 'auto' | 'bar' | 'plain' | 'off';

/** The progress of a run. */
export interface Progress {
  /** The plan is known: `total` jobs. */
  start(total: number, first: string): void;
  /** A job ended; `next` is the one running now ('' at the end). */
  done(failed: boolean, next: string): void;
  /** Prints one of the run's own stdout lines (above the bar when they share a screen). */
  print(line: string, print: (line: string) => void): void;
  stop(): void;
}

/**
 * Checks a `--progress` value.
 * @param v - the value
 * @param what - the flag or variable
 * @returns the mode
 * @throws UsageError for another word
 */
export function progressMode(v: string, what: string): ProgressMode {
  if (v === 'auto' || v === 'bar' || v === 'plain' || v === 'off') return v;
  throw new UsageError(`${what} takes auto, bar, plain or off, got ${JSON.stringify(v)}`);
}

/** Seconds between two plain lines. */
export const PLAIN_EVERY_MS = 10_000;

/**
 * Makes the progress of a run.
 * @param mode - the mode (`auto`: a bar when the stream is a terminal, plain lines otherwise)
 * @param stream - where it goes (stderr)
 * @param sameScreen - the run's stdout is the same terminal (route its lines above the bar)
 * @returns the progress
 */
export function makeProgress(
  mode: ProgressMode,
  stream: NodeJS.WriteStream = process.stderr,
  sameScreen: boolean = process.stdout.isTTY === true,
): Progress {
  const tty = stream.isTTY === true;
  const kind = mode === 'auto' ? (tty ? 'bar' : 'plain') : mode;
  if (kind === 'off' || (kind === 'bar' && !tty))
    return { start: () => {}, done: () => {}, print: (l, p) => p(l), stop: () => {} };
  const options: cliProgress.Options = {
    stream,
    format:
      kind === 'bar'
        ? 'verify {bar} {value}/{total} jobs | {failed} failed | {duration_formatted} (eta {eta_formatted}) | {job}'
        : 'verify: {value}/{total} jobs done, {failed} failed, {duration_formatted} elapsed (eta {eta_formatted}); running {job}',
    hideCursor: kind === 'bar',
    clearOnComplete: true,
    noTTYOutput: kind === 'plain',
    notTTYSchedule: PLAIN_EVERY_MS,
    etaBuffer: 20,
    barsize: 24,
  };
  // A terminal: a MultiBar, whose log() prints the run's lines above the bar. Elsewhere a
  // SingleBar: one plain line per period (a MultiBar adds blank lines there).
  const bars = kind === 'bar' ? new cliProgress.MultiBar(options, cliProgress.Presets.shades_classic) : undefined;
  let bar: cliProgress.SingleBar | undefined;
  let failed = 0;
  let value = 0;
  let job = '';
  let timer: NodeJS.Timeout | undefined;
  return {
    start: (total, first) => {
      job = first;
      if (bars !== undefined) bar = bars.create(total, 0, { failed: 0, job: first });
      else {
        // Plain lines only for a long run: the first once a period has passed, so that a short
        // run (and a test's stderr) has none.
        timer = setTimeout(() => {
          bar = new cliProgress.SingleBar(options, cliProgress.Presets.shades_classic);
          bar.start(total, value, { failed, job });
        }, PLAIN_EVERY_MS);
        timer.unref();
      }
    },
    done: (f, next) => {
      if (f) failed++;
      value++;
      job = next === '' ? 'finishing' : next;
      bar?.update(value, { failed, job });
    },
    print: (line, print) => {
      if (bars !== undefined && sameScreen && bar !== undefined) bars.log(`${line}\n`);
      else print(line);
    },
    stop: () => {
      if (bars !== undefined) {
        // Flush the lines logged since the last redraw, then take the bar away.
        bars.update();
        bars.stop();
      } else {
        if (timer !== undefined) clearTimeout(timer);
        bar?.stop();
      }
    },
  };
}
