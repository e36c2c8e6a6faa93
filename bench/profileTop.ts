/**
 * The top functions of a V8 CPU profile (`node --cpu-prof`), by self time and by inclusive time:
 * how the profiles in bench/README.md were summarised.
 *
 * Usage: `npx tsx bench/profileTop.ts FILE.cpuprofile [N]` (N rows each, default 30). Profile a
 * bundle for real line numbers (tsx's output is one line per module), e.g.
 * `npx esbuild script.ts --bundle --platform=node --format=esm --outfile=/tmp/p.mjs` then
 * `node --cpu-prof --cpu-prof-dir=/tmp/prof /tmp/p.mjs`.
 *
 * Layer: bench (a developer's tool, never run by a test).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Profile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

/** A profile's time per function, in microseconds. */
export interface ProfileTotals {
  readonly totalUs: number;
  readonly self: ReadonlyMap<string, number>;
  readonly inclusive: ReadonlyMap<string, number>;
}

/**
 * Sums a profile's samples per function (name, file, line): self time where the sample was taken,
 * inclusive time for every distinct function on its stack.
 * @param json - the `.cpuprofile` text
 * @returns the totals
 * @throws ZodError when the text is not a V8 CPU profile
 */
export function profileTotals(json: string): ProfileTotals {
  const p = Profile.parse(JSON.parse(json));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (id: number): string => {
    const f = byId.get(id)?.callFrame;
    return f === undefined
      ? '?'
      : `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}`;
  };
  const perNode = new Map<number, number>();
  p.samples.forEach((id, i) => perNode.set(id, (perNode.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of perNode) {
    totalUs += us;
    self.set(name(id), (self.get(name(id)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = name(at);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  return { totalUs, self, inclusive };
}

function table(title: string, m: ReadonlyMap<string, number>, totalUs: number, n: number): string[] {
  const rows = [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    `${title} (of ${(totalUs / 1e6).toFixed(1)} s)`,
    ...rows.map(
      ([k, us]) => `${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(7)} s  ${k}`,
    ),
  ];
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const [file, rows] = process.argv.slice(2);
  const n = Number(rows ?? 30);
  if (file === undefined || !Number.isInteger(n) || n < 1) {
    console.error('usage: tsx bench/profileTop.ts FILE.cpuprofile [N]');
    process.exit(2);
  }
  try {
    const t = profileTotals(readFileSync(file, 'utf8'));
    console.log(
      [...table('self', t.self, t.totalUs, n), '', ...table('inclusive', t.inclusive, t.totalUs, n)].join('\n'),
    );
  } catch (e) {
    const why =
      e instanceof z.ZodError || e instanceof SyntaxError
        ? 'not a V8 CPU profile (the JSON of node --cpu-prof)'
        : e instanceof Error
          ? e.message
          : String(e);
    console.error(`profileTop: ${file}: ${why}`);
    process.exit(2);
  }
}
