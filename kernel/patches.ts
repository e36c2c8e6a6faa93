/**
 * Seeded bugs and users' patches as what they naturally are for C: unified diffs. A patch is
 * applied with `git apply` to a temporary copy of a tree (the fixture or a kernel tree), which is
 * then compiled and checked like any tree. The seeded bugs of kernel/patches/ are those of the
 * catalogue (impl/mutants/catalogue.ts) whose bug lies in the C the harness runs; each file's
 * header names the catalogue entry, which holds its story and expected killer.
 *
 * Layer: kernel.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The folder of the seeded-bug patches. */
export const PATCH_DIR = join(here, 'patches');

/** A patch that does not apply (or is not a file). */
export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}

/** One seeded-bug patch. */
export interface KernelPatch {
  /** The catalogue id (the file name without `.patch`). */
  readonly id: string;
  /** The patch file. */
  readonly file: string;
  /** Its `Subject:` line. */
  readonly subject: string;
}

/**
 * The seeded-bug patches, by id.
 * @returns every `kernel/patches/*.patch`
 */
export function listKernelPatches(): KernelPatch[] {
  return readdirSync(PATCH_DIR)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((f) => {
      const file = join(PATCH_DIR, f);
      const subject = /^Subject: (.*)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
      return { id: basename(f, '.patch'), file, subject };
    });
}

/**
 * Copies a tree to a new temporary folder and applies patches to the copy, in order.
 * @param tree - the tree (never modified)
 * @param patches - unified diffs with paths relative to the tree's root (`a/arch/arm64/…`)
 * @returns the patched copy's root
 * @throws PatchError naming the patch and git's first error line
 */
export function applyPatches(tree: string, patches: readonly string[]): string {
  const copy = mkdtempSync(join(tmpdir(), 'bbm-tree-'));
  cpSync(resolve(tree), copy, { recursive: true });
  for (const p of patches) {
    const file = resolve(p);
    if (!existsSync(file)) throw new PatchError(`${p}: no such patch file`);
    try {
      execFileSync('git', ['apply', '--whitespace=nowarn', file], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const stderr = String((e as { stderr?: Buffer }).stderr ?? '').trim();
      throw new PatchError(`${p}: does not apply to ${tree}: ${stderr.split('\n')[0] ?? 'git apply failed'}`);
    }
  }
  return copy;
}
