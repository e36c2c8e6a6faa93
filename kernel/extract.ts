/**
 * Extraction by name, as the kernel's tools/testing/vma harness does by hand: from one C file of a
 * tree, the named functions and their same-file closure (every top-level function, variable,
 * prototype or macro of that file that an extracted item names, transitively), emitted in file
 * order, each after a `#line` pointing back at the tree's file, so that compiler errors and
 * `__FILE__` name the user's source. Includes are dropped (the shim provides the kernel's
 * headers); names the shim STUBS are never taken from the file.
 *
 * The C is split at top level by a small scanner that knows comments, string and character
 * literals, preprocessor lines (with continuations) and bracket depth — enough for kernel style,
 * where every top-level item ends at a `;` or at the `}` closing a function body.
 *
 * Layer: kernel.
 */

/** One top-level item of a C file. */
export interface CItem {
  /** The name it defines ('' for what defines none: includes, conditionals, stray lines). */
  readonly name: string;
  /** Other names it defines (an enum's enumerators, a typedef's name beside its tag). */
  readonly aliases?: readonly string[];
  readonly kind: 'function' | 'declaration' | 'define' | 'conditional' | 'include' | 'other';
  /** 1-based line of its first character. */
  readonly line: number;
  /** Its text, verbatim. */
  readonly text: string;
}

/** What an extraction found. */
export interface Extraction {
  /** The extracted unit, ready to compile after the shim. */
  readonly source: string;
  /** The items taken, in file order. */
  readonly items: readonly CItem[];
  /** Names asked for that the file does not define. */
  readonly missing: readonly string[];
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * Splits C source into top-level items.
 * @param text - the file
 * @returns its items, in order
 */
export function splitTopLevel(text: string): CItem[] {
  const items: CItem[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  const advance = (to: number): void => {
    for (; i < to; i++) if (text[i] === '\n') line++;
  };
  while (i < n) {
    // Skip blanks and comments between items.
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      advance(i + 1);
      continue;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      advance(end < 0 ? n : end + 2);
      continue;
    }
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      advance(end < 0 ? n : end);
      continue;
    }
    const start = i;
    const startLine = line;
    if (c === '#') {
      let end = i;
      for (;;) {
        const nl = text.indexOf('\n', end);
        if (nl < 0) {
          end = n;
          break;
        }
        if (text[nl - 1] === '\\') end = nl + 1;
        else {
          end = nl;
          break;
        }
      }
      advance(end);
      items.push(ppItem(text.slice(start, end), startLine));
      continue;
    }
    // A C item: up to a `;` at depth 0, or the `}` closing a function body.
    let depth = 0;
    let sawParenBeforeBrace = false;
    let sawAssign = false;
    let end = -1;
    let j = i;
    while (j < n && end < 0) {
      const d = text[j];
      if (text.startsWith('/*', j)) {
        const e = text.indexOf('*/', j + 2);
        j = e < 0 ? n : e + 2;
        continue;
      }
      if (text.startsWith('//', j)) {
        const e = text.indexOf('\n', j);
        j = e < 0 ? n : e;
        continue;
      }
      if (d === '"' || d === "'") {
        j++;
        while (j < n && text[j] !== d) j += text[j] === '\\' ? 2 : 1;
        j++;
        continue;
      }
      if (d === '(' || d === '[' || d === '{') {
        if (
          d === '{' &&
          depth === 0 &&
          sawParenBeforeBrace &&
          !sawAssign &&
          !/^\s*(struct|union|enum)\b/.test(text.slice(i, j))
        )
          depth = depth + 1 + 1000; // a function body: the item ends when it closes
        else depth++;
        if (d === '(' && depth === 1) sawParenBeforeBrace = true;
      } else if (d === ')' || d === ']' || d === '}') {
        depth--;
        if (d === '}' && depth === 1000) end = j + 1;
        if (depth >= 1000) {
          /* inside a function body */
        }
      } else if (d === '=' && depth === 0) sawAssign = true;
      else if (d === ';' && depth === 0) end = j + 1;
      j++;
    }
    if (end < 0) end = n;
    advance(end);
    const body = text.slice(start, end);
    items.push(cItem(body, startLine));
  }
  return items;
}

function ppItem(text: string, line: number): CItem {
  const m = /^#\s*(\w+)\s*([A-Za-z_]\w*)?/.exec(text);
  const directive = m?.[1] ?? '';
  if (directive === 'define') return { name: m?.[2] ?? '', kind: 'define', line, text };
  if (directive === 'include') return { name: '', kind: 'include', line, text };
  if (/^(if|ifdef|ifndef|elif|else|endif)$/.test(directive)) return { name: '', kind: 'conditional', line, text };
  return { name: '', kind: 'other', line, text };
}

function stripNoise(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/'(?:[^'\\]|\\.)*'/g, "''");
}

function cItem(text: string, line: number): CItem {
  const code = stripNoise(text);
  const brace = code.indexOf('{');
  const head = brace < 0 ? code : code.slice(0, brace);
  const isFunction = code.trimEnd().endsWith('}') && /\)\s*(?:__\w+(?:\([^)]*\))?\s*)*$/.test(head.trimEnd());
  if (isFunction) {
    const m = /([A-Za-z_]\w*)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*(?:__\w+(?:\([^)]*\))?\s*)*$/.exec(head.trimEnd());
    return { name: m?.[1] ?? '', kind: 'function', line, text };
  }
  // A type: `struct|union|enum tag { … } [declarators];` (an enum also defines its enumerators).
  const type = /^\s*(typedef\s+)?(struct|union|enum)\s+([A-Za-z_]\w*)?\s*\{/.exec(code);
  if (type !== null) {
    const close = code.lastIndexOf('}');
    const after = code.slice(close + 1).match(IDENT) ?? [];
    const inner = code.slice(code.indexOf('{') + 1, close);
    const enumerators =
      type[2] === 'enum' ? [...inner.matchAll(/([A-Za-z_]\w*)\s*(?:=[^,]*)?(?:,|$)/g)].map((m) => m[1] ?? '') : [];
    const name = type[3] ?? after[0] ?? '';
    return { name, aliases: [...after, ...enumerators].filter((a) => a !== name), kind: 'declaration', line, text };
  }
  // A declaration: `DEFINE_X(name, …);`, a prototype `… name(…);`, or `type name … [= …];`.
  const macro = /^\s*(?:static\s+)?[A-Z][A-Z0-9_]*\(\s*([A-Za-z_]\w*)/.exec(code);
  if (macro !== null) return { name: macro[1] ?? '', kind: 'declaration', line, text };
  const plain = code.replace(ATTRIBUTES, ' ');
  const eq = plain.search(/[=;[]/);
  const decl = (eq < 0 ? plain : plain.slice(0, eq)).trimEnd();
  const proto = decl.endsWith(')') ? nameBeforeParens(decl) : undefined;
  if (proto !== undefined) return { name: proto, kind: 'declaration', line, text };
  const names = decl.match(IDENT) ?? [];
  return { name: names.at(-1) ?? '', kind: 'declaration', line, text };
}

/** Kernel attributes that sit beside a declared name (`__ro_after_init`, `__section(…)`, …). */
const ATTRIBUTES =
  /\b(?:__ro_after_init|__initdata|__initconst|__read_mostly|__page_aligned_bss|__page_aligned_data|__maybe_unused|__used|__weak|__init|__exit|__always_inline|__noreturn|__cacheline_aligned|__section|__aligned|__alias|__attribute__)\b(?:\s*\((?:[^()]|\([^()]*\))*\))?/g;

/**
 * The identifier before the last balanced parenthesised group of a declarator (`name(…)`).
 * @param decl - a declaration ending in `)`
 * @returns the name, or undefined when that group follows no identifier (a cast, a pointer)
 */
function nameBeforeParens(decl: string): string | undefined {
  let depth = 0;
  for (let k = decl.length - 1; k >= 0; k--) {
    const ch = decl[k];
    if (ch === ')') depth++;
    else if (ch === '(' && --depth === 0) return /([A-Za-z_]\w*)\s*$/.exec(decl.slice(0, k))?.[1];
  }
  return undefined;
}

/**
 * Extracts named functions and their same-file closure.
 * @param text - the file
 * @param file - its path as `#line` should name it (relative to the tree's root)
 * @param roots - the names to extract
 * @param stubbed - names the shim provides: never taken from the file
 * @returns the unit, the items taken and the names missing
 */
export function extractByName(
  text: string,
  file: string,
  roots: readonly string[],
  stubbed: readonly string[] = [],
): Extraction {
  const items = splitTopLevel(text);
  const byName = new Map<string, CItem[]>();
  for (const it of items)
    for (const name of [it.name, ...(it.aliases ?? [])]) {
      if (name === '' || stubbed.includes(name)) continue;
      const list = byName.get(name) ?? [];
      list.push(it);
      byName.set(name, list);
    }
  const taken = new Set<CItem>();
  const missing = roots.filter((r) => !byName.has(r));
  const queue = roots.filter((r) => byName.has(r));
  const seen = new Set(queue);
  while (queue.length > 0) {
    const name = queue.shift() ?? '';
    for (const it of byName.get(name) ?? []) {
      if (taken.has(it)) continue;
      taken.add(it);
      for (const id of stripNoise(it.text).match(IDENT) ?? [])
        if (!seen.has(id) && byName.has(id)) {
          seen.add(id);
          queue.push(id);
        }
    }
  }
  const out = items.filter((it) => taken.has(it) || it.kind === 'conditional');
  const source = out.map((it) => `#line ${it.line} "${file}"\n${it.text}\n`).join('');
  return { source, items: out.filter((it) => it.kind !== 'conditional'), missing };
}
