/**
 * The argument checks of the test machine's primitives: what impl/CONTRACT.md §3 allows each
 * primitive to be given. A primitive called with anything else (a TLBI mnemonic that does not
 * exist, a VA operand on `TLBI VMALLE1IS`, a PA that is not a bigint, an unaligned entry address,
 * a `free` of a page that is not a table page) is a {@link ContractViolation}: the SUT broke the
 * contract, and the harness reports it as one finding naming the primitive, its arguments, and
 * the kernel function that called it — never as a `TypeError` of the suite.
 *
 * A store to an aligned PA that is simply not a table page is not a contract violation: it is a
 * store the kernel could really make (a wrong pfn, a stale pointer into a freed table), so the
 * machine records it as a `write` event and the model judges it (`write-to-non-table`,
 * model/SEMANTICS.md W0).
 *
 * Layer: impl/testing (never imports model/; the lists below restate the trace format's).
 */
import type { AllocContext, DsbDomain, Gfp, GranuleName, TlbiKind } from '../contract.ts';

/** A primitive was called in a way impl/CONTRACT.md §3 does not allow. */
export class ContractViolation extends Error {
  /**
   * @param primitive - the call as written, e.g. `tlbi('bogus')`
   * @param why - what is wrong with it
   */
  constructor(
    readonly primitive: string,
    readonly why: string,
  ) {
    super(`${primitive}: ${why} (impl/CONTRACT.md §3)`);
    this.name = 'ContractViolation';
    // The whole kernel call chain, not V8's default 10 frames: the report names the caller.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 80;
    Error.captureStackTrace(this, ContractViolation);
    Error.stackTraceLimit = limit;
  }
}

/** `DSB <dom>` domains of the contract (`dsb(ish)`, `dsb(ishst)`, … in arch/arm64/include/asm/barrier.h). */
export const DSB_DOMAINS: readonly DsbDomain[] = ['ish', 'ishst', 'nsh', 'nshst', 'sy'];

/** TLBI mnemonics by operand shape (Arm ARM D8.16; arch/arm64/include/asm/tlbflush.h `__tlbi()`). */
const TLBI_SHAPES: Readonly<Record<TlbiKind, 'va' | 'range' | 'none'>> = {
  vae1is: 'va',
  vale1is: 'va',
  vaae1is: 'va',
  vaale1is: 'va',
  vae1: 'va',
  vale1: 'va',
  vaae1: 'va',
  vaale1: 'va',
  rvae1is: 'range',
  rvaae1is: 'range',
  rvale1is: 'range',
  rvaale1is: 'range',
  vmalle1is: 'none',
  vmalle1: 'none',
};

/** Allocation flags of the contract. */
export const GFPS: readonly Gfp[] = ['GFP_PGTABLE_KERNEL', 'GFP_ATOMIC', 'GFP_KERNEL', 'MEMBLOCK'];
/** Allocation contexts of the contract. */
export const ALLOC_CONTEXTS: readonly AllocContext[] = ['process', 'atomic', 'stopped'];

/** Formats an argument as the SUT passed it (bigints in hex, strings quoted). */
export function showArg(a: unknown): string {
  if (typeof a === 'bigint') return `0x${a.toString(16)}n`;
  if (typeof a === 'string') return `'${a}'`;
  if (typeof a === 'function') return 'function';
  if (typeof a === 'object' && a !== null) return Array.isArray(a) ? 'an array' : 'an object';
  return String(a);
}

/** Formats a call, dropping trailing undefined arguments. */
export function showCall(name: string, args: readonly unknown[]): string {
  const given = [...args];
  while (given.length > 0 && given[given.length - 1] === undefined) given.pop();
  return `${name}(${given.map(showArg).join(', ')})`;
}

const PA_LIMIT = 1n << 48n;

/**
 * Checks a table-entry access (`readDesc(pa)`, `writeDesc(pa, val)`); the message is built only
 * on failure (this is the hot path of every run).
 * @param name - the primitive
 * @param pa - the entry's address
 * @param val - the stored value (`writeDesc` only)
 * @throws ContractViolation unless the PA is an 8-byte aligned bigint below 2^48 and the value a
 *   bigint in [0, 2^64)
 */
export function checkEntry(name: 'readDesc' | 'writeDesc', pa: unknown, val?: unknown): void {
  const args = name === 'readDesc' ? [pa] : [pa, val];
  if (typeof pa !== 'bigint')
    throw new ContractViolation(showCall(name, args), `the PA must be a bigint, got ${typeof pa}`);
  if (pa < 0n || pa >= PA_LIMIT)
    throw new ContractViolation(showCall(name, args), 'the PA is not below 2^48 (PA_BITS = 48)');
  if ((pa & 7n) !== 0n)
    throw new ContractViolation(showCall(name, args), 'a table entry is 8 bytes: the PA must be 8-byte aligned');
  if (name === 'readDesc') return;
  if (typeof val !== 'bigint')
    throw new ContractViolation(showCall(name, args), `the value must be a bigint, got ${typeof val}`);
  if (val < 0n || val >> 64n !== 0n)
    throw new ContractViolation(showCall(name, args), 'the value is not a 64-bit descriptor (0 ≤ val < 2^64)');
}

/**
 * Checks a `DSB` domain.
 * @param dom - the domain
 * @throws ContractViolation unless it is one of {@link DSB_DOMAINS}
 */
export function checkDsb(dom: unknown): asserts dom is DsbDomain {
  if (typeof dom !== 'string' || !DSB_DOMAINS.includes(dom as DsbDomain))
    throw new ContractViolation(showCall('dsb', [dom]), `not a DSB domain (one of ${DSB_DOMAINS.join(', ')})`);
}

const isTtbr1 = (va: unknown): boolean => typeof va === 'bigint' && va >> 48n === 0xffffn;

/**
 * Checks a TLBI: a known mnemonic with the operands its shape takes.
 * @param kind - the mnemonic
 * @param va - the VA operand (the VA itself, not VA >> 12)
 * @param size - the size operand of a range form
 * @throws ContractViolation naming what does not fit
 */
export function checkTlbi(kind: unknown, va: unknown, size: unknown): asserts kind is TlbiKind {
  const shape =
    typeof kind === 'string' && Object.hasOwn(TLBI_SHAPES, kind) ? TLBI_SHAPES[kind as TlbiKind] : undefined;
  if (
    shape === 'none'
      ? va === undefined && size === undefined
      : shape === 'va'
        ? isTtbr1(va) && size === undefined
        : shape === 'range' && isTtbr1(va) && typeof size === 'bigint' && size > 0n
  )
    return;
  const call = showCall('tlbi', [kind, va, size]);
  if (shape === undefined)
    throw new ContractViolation(call, `not a TLBI operation (one of ${Object.keys(TLBI_SHAPES).join(', ')})`);
  if (shape === 'none') throw new ContractViolation(call, `TLBI ${String(kind).toUpperCase()} takes no operand`);
  if (!isTtbr1(va))
    throw new ContractViolation(
      call,
      `TLBI ${String(kind).toUpperCase()} needs the VA (a bigint TTBR1 address 0xffff…, not VA >> 12)`,
    );
  if (shape === 'va' && size !== undefined)
    throw new ContractViolation(
      call,
      `TLBI ${String(kind).toUpperCase()} takes no size (only the range forms RVA* do)`,
    );
  throw new ContractViolation(
    call,
    `TLBI ${String(kind).toUpperCase()} needs a size: a bigint number of bytes above 0`,
  );
}

/**
 * Checks a table allocation's arguments.
 * @param granule - the machine's granule (which levels exist)
 * @param level - Arm level of the entries (PTE = 3)
 * @param gfp - flags
 * @param context - calling context
 * @throws ContractViolation naming the bad argument
 */
export function checkAlloc(granule: GranuleName, level: unknown, gfp: unknown, context: unknown): void {
  const call = (): string => showCall('allocTable', [level, gfp, context]);
  const first = granule === '64K' ? 1 : 0;
  if (typeof level !== 'number' || !Number.isInteger(level) || level < first || level > 3)
    throw new ContractViolation(
      call(),
      `the level must be ${first}..3 with the ${granule} granule (Arm numbering, PTE = 3)`,
    );
  if (!GFPS.includes(gfp as Gfp))
    throw new ContractViolation(call(), `not an allocation flag (one of ${GFPS.join(', ')})`);
  if (!ALLOC_CONTEXTS.includes(context as AllocContext))
    throw new ContractViolation(call(), `not an allocation context (one of ${ALLOC_CONTEXTS.join(', ')})`);
}

/**
 * Checks a TTBR1 VA (`walk`).
 * @param name - the primitive
 * @param va - the VA
 * @throws ContractViolation unless it is a bigint TTBR1 address
 */
export function checkVa(name: string, va: unknown): asserts va is bigint {
  if (!isTtbr1(va))
    throw new ContractViolation(showCall(name, [va]), 'the VA must be a bigint TTBR1 (kernel) address 0xffff…');
}

/**
 * Checks a string argument (`lock`, `unlock`, `warn`, `bug`, `panic`).
 * @param name - the primitive
 * @param s - the argument
 * @throws ContractViolation unless it is a string
 */
export function checkString(name: string, s: unknown): asserts s is string {
  if (typeof s !== 'string')
    throw new ContractViolation(showCall(name, [s]), `the argument must be a string, got ${typeof s}`);
}
