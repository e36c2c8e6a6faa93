/**
 * Family "invalid input" (`model/trace/README.md` "Output and exit codes"): malformed lines,
 * unknown ops, kinds and domains, bad hex, unaligned or out-of-range PAs, unknown CPUs, fields
 * missing or of the wrong type, bad headers. Each is one line `bbm-verify: line L: …`, exit 2.
 *
 * Layer: model/scenarios (generator only).
 */
import { cpu, Trace } from '../builder.ts';
import { encodeLeaf } from '../descriptors.ts';
import { LM, hex } from '../geometry.ts';
import { ASYM, L1_4K, PA0, ROOT } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('invalid-input');

/**
 * A short valid prefix: the L1 table allocated and linked from the root (events 1-3).
 * @param t - the trace
 * @returns the trace
 */
function invalidPrefix(t: Trace): Trace {
  t.alloc(L1_4K, 1);
  t.link(0, ROOT, 0, LM(PA0), L1_4K);
  t.dsb(0, 'ishst');
  return t;
}

/** L1[1], the entry for VA 0xffff000040000000. */
const L1ENT = 0x80001008n;
/** A 1 GiB kernel block at PA 0x40000000. */
const GOODVAL = hex(encodeLeaf(false, PA0));

/**
 * A header line with some fields overridden.
 * @param over - the fields to change
 * @returns the line
 */
const hdr = (over: Readonly<Record<string, unknown>>): string =>
  JSON.stringify({
    format: 'bbm-trace/1',
    granule: '4K',
    va_bits: 48,
    root: '0x80000000',
    preempt_rt: false,
    cpus: [cpu(0, 2, true), cpu(1, 0, false)],
    ...over,
  });

/** Where the bad line goes. */
interface InvalidOptions {
  /** A bad header instead of a bad event line. */
  readonly header?: string;
  /** Blank lines before the bad line. */
  readonly blankBefore?: number;
}

/**
 * Registers a bad-input scenario: the valid prefix, then `badLine` (or a bad header), then one DSB.
 * @param name - the scenario
 * @param desc - the README paragraph
 * @param badLine - the line that is bad input
 * @param o - a bad header, or blank lines before the bad line
 */
function invalid(name: string, desc: string, badLine: string, o: InvalidOptions = {}): void {
  scenario('invalid', name, desc, () => {
    const t = new Trace(o.header === undefined ? { cpus: ASYM } : { cpus: ASYM, header: o.header });
    if (o.header !== undefined) {
      t.errorHere();
      invalidPrefix(t);
      return t;
    }
    invalidPrefix(t);
    for (let i = 0; i < (o.blankBefore ?? 0); i++) t.blank();
    t.raw(badLine).errorHere();
    t.dsb(0, 'ish');
    return t;
  });
}

invalid(
  'malformed-json',
  'Line 5 is a truncated JSON object (closing brace missing).',
  `{"op":"write","cpu":0,"pa":"${hex(L1ENT)}","val":"${GOODVAL}"`,
);
invalid(
  'unknown-op',
  'Line 6, after a blank line, has `"op":"flush"`, which is not an op of the format (the blank line counts).',
  '{"op":"flush","cpu":0}',
  { blankBefore: 1 },
);
invalid(
  'unknown-tlbi-kind',
  "A TLBI of kind `alle1is` (an EL2 operation, not in the format's list).",
  '{"op":"tlbi","cpu":0,"kind":"alle1is"}',
);
invalid(
  'unknown-dsb-domain',
  'A `dsb` with domain `osh`, which the format does not define.',
  '{"op":"dsb","cpu":0,"dom":"osh"}',
);
invalid(
  'hex-17-digits',
  'A descriptor value of 17 hex digits (0x10068000040000701, more than 64 bits).',
  `{"op":"write","cpu":0,"pa":"${hex(L1ENT)}","val":"0x1${GOODVAL.slice(2).padStart(16, '0')}"}`,
);
invalid(
  'hex-without-prefix',
  'A descriptor value written without the `0x` prefix.',
  `{"op":"write","cpu":0,"pa":"${hex(L1ENT)}","val":"${GOODVAL.slice(2)}"}`,
);
invalid(
  'unaligned-write-pa',
  'A `write` to PA 0x8000100c, not 8-byte aligned.',
  `{"op":"write","cpu":0,"pa":"0x8000100c","val":"${GOODVAL}"}`,
);
invalid(
  'unaligned-alloc-pa',
  'An `alloc` of PA 0x80002800, not aligned to the 4 KiB page.',
  '{"op":"alloc","pa":"0x80002800","level":2}',
);
invalid(
  'pa-above-48-bits',
  'A `write` to PA 0x1000080001008 (49 bits; PAs are below 2^48).',
  `{"op":"write","cpu":0,"pa":"0x1000080001008","val":"${GOODVAL}"}`,
);
invalid(
  'unknown-cpu',
  'A `dsb` executed by CPU 5, which is neither in the header nor brought `online`.',
  '{"op":"dsb","cpu":5,"dom":"ish"}',
);
invalid('missing-field', 'A `write` without its `val` field.', `{"op":"write","cpu":0,"pa":"${hex(L1ENT)}"}`);
invalid(
  'wrong-field-type',
  'A `write` whose `cpu` is the string "0" instead of a number.',
  `{"op":"write","cpu":"0","pa":"${hex(L1ENT)}","val":"${GOODVAL}"}`,
);
invalid(
  'range-tlbi-missing-size',
  'A range TLBI `rvaale1is` with a `va` but no `size`.',
  '{"op":"tlbi","cpu":0,"kind":"rvaale1is","va":"0xffff000040000000"}',
);
invalid(
  'va-not-ttbr1',
  'A `tlbi vaale1is` of VA 0x40000000, a TTBR0 (user) address: VAs must be 0xffff....',
  '{"op":"tlbi","cpu":0,"kind":"vaale1is","va":"0x40000000"}',
);
invalid(
  'alloc-existing-table',
  'An `alloc` of the root page, which is already a table page.',
  '{"op":"alloc","pa":"0x80000000","level":0}',
);
invalid(
  'free-non-table',
  'A `free` of PA 0x80005000, which was never allocated as a table page.',
  '{"op":"free","pa":"0x80005000"}',
);
invalid('unpark-running-cpu', 'An `unpark` of CPU 1, which is running (never parked).', '{"op":"unpark","cpu":1}');
invalid('bad-header-format', 'The header says `"format":"bbm-trace/2"`.', '', {
  header: hdr({ format: 'bbm-trace/2' }),
});
invalid('bad-header-granule', 'The header says `"granule":"8K"`.', '', { header: hdr({ granule: '8K' }) });
invalid('bad-header-va-bits', 'The header says `"va_bits":39`; the format is defined for 48-bit VAs only.', '', {
  header: hdr({ va_bits: 39 }),
});
invalid('bad-header-bbm-level', 'A CPU of the header has `"bbm":4`.', '', {
  header: hdr({ cpus: [cpu(0, 4, true), cpu(1, 0, false)] }),
});
