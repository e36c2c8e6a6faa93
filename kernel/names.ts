/**
 * The "names found" report: which of the functions the harness runs, and which of their
 * same-file closure, a tree defines, and which kernel's spelling that makes it (kernel/spelling.ts)
 * — before anything is compiled. `npx tsx kernel/names.ts
 * [TREE]` (default: the fixture; `KERNEL_SRC` if set). Exit 0 when every root is found, 2 (one
 * line) when the tree has no arch/arm64/mm/mmu.c, lacks a root, or is of no spelling the harness
 * knows.
 *
 * Layer: kernel.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_TREE, ROOTS, SHIM_NAMES, TREE_FILES } from './build.ts';
import { extractByName } from './extract.ts';
import { spellingOf, SpellingError } from './spelling.ts';

/**
 * The report's lines for a tree.
 * @param tree - the tree's root
 * @returns the lines, and whether every root was found
 */
export function namesReport(tree: string): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  let spelling = '';
  for (const file of TREE_FILES) {
    const path = join(tree, file);
    if (!existsSync(path)) return { lines: [`names: ${path}: no such file (is ${tree} a tree?)`], ok: false };
    const e = extractByName(readFileSync(path, 'utf8'), file, ROOTS[file], SHIM_NAMES);
    if (e.missing.length > 0)
      return {
        lines: [`names: ${path}: ${e.missing.join(', ')} not found (the harness needs ${ROOTS[file].join(', ')})`],
        ok: false,
      };
    if (file === 'arch/arm64/mm/mmu.c') {
      try {
        const sp = spellingOf(
          path,
          e.items.map((i) => i.name),
        );
        const marker = sp.markers.find((m) => e.items.some((i) => i.name === m)) ?? '';
        spelling = `spelling: ${sp.name} (${marker} found): runs variants ${sp.variants.join(', ')}`;
      } catch (x) {
        if (x instanceof SpellingError) return { lines: [`names: ${x.message}`], ok: false };
        throw x;
      }
    }
    for (const i of e.items)
      lines.push(
        `found  ${i.name.padEnd(38)} ${`${file}:${i.line}`.padEnd(26)} ${i.kind}${ROOTS[file].includes(i.name) ? ' (root)' : ''}`,
      );
  }
  lines.push(spelling);
  lines.push(`stubbed by the shim, never taken from the tree: ${SHIM_NAMES.join(', ')}`);
  return { lines, ok: true };
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const tree = process.argv[2] ?? process.env['KERNEL_SRC'] ?? FIXTURE_TREE;
  const { lines, ok } = namesReport(tree);
  for (const l of lines) (ok ? process.stdout : process.stderr).write(`${l}\n`);
  process.exitCode = ok ? 0 : 2;
}
