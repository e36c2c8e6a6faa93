/**
 * The search's progress on stderr: on a terminal a cli-progress bar (states done out of done plus
 * queued, which grows as the search finds new states), elsewhere a plain line every 5 seconds.
 * cli-progress is the bar `bbm-verify verify` already uses (cli/progress.ts), so there is one
 * progress library in the suite.
 *
 * Layer: explore.
 */
import cliProgress from 'cli-progress';
import type { SearchStats } from './search.ts';
import { countsLine } from './report.ts';

/** What the CLI calls. */
export interface ExploreProgress {
  update(stats: Readonly<SearchStats>): void;
  stop(): void;
}

/** Seconds between two plain lines. */
export const PLAIN_EVERY_MS = 5_000;

/**
 * Makes the progress.
 * @param mode - `auto` (a bar on a terminal, else plain), `bar`, `plain` or `off`
 * @param stream - where it goes
 * @returns the progress
 */
export function exploreProgress(mode: string, stream: NodeJS.WriteStream = process.stderr): ExploreProgress {
  const tty = stream.isTTY === true;
  const kind = mode === 'auto' ? (tty ? 'bar' : 'plain') : mode;
  if (kind === 'bar' && tty) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'explore {bar} {value}/{total} | {distinct} distinct | depth {depth} | {duration_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (s) => {
        const total = s.generated + s.queue;
        if (!started) {
          bar.start(total, s.generated, { distinct: s.distinct, depth: s.depth });
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(s.generated, { distinct: s.distinct, depth: s.depth });
        }
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  if (kind === 'plain') {
    let lastAt = performance.now();
    return {
      update: (s) => {
        const now = performance.now();
        if (now - lastAt < PLAIN_EVERY_MS) return;
        lastAt = now;
        stream.write(`explore: ${countsLine(s)}\n`);
      },
      stop: () => {},
    };
  }
  return { update: () => {}, stop: () => {} };
}
