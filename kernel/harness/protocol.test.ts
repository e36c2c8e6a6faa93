// The request protocol is written twice, in C (shim/bbm_primitives.h, harness/bbm_harness.c) and in
// TypeScript (protocol.ts): both must give every name the same number.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTEXTS, DSB_DOMAINS, GFPS, Op, Query, Req, TLBI_KINDS, VmField } from './protocol.ts';

const read = (rel: string): string => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
const header = read('../shim/bbm_primitives.h');
const harness = read('./bbm_harness.c');

/** The `NAME = number` members of a C enum with a given prefix. */
function cEnum(text: string, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(new RegExp(`\\b${prefix}([A-Za-z0-9_]+) = (\\d+)`, 'g')))
    out[m[1] ?? ''] = Number(m[2]);
  return out;
}

describe('harness protocol: C ≡ TypeScript', () => {
  it('requests', () => expect(cEnum(header, 'BBM_REQ_')).toEqual(Req));
  it('queries', () => expect(cEnum(header, 'BBM_Q_')).toEqual(Query));
  it('vmalloc area fields', () => expect(cEnum(header, 'BBM_VM_')).toEqual(VmField));
  it('operations', () =>
    expect(cEnum(harness, 'BBM_OP_')).toEqual(
      Object.fromEntries(Object.entries(Op).map(([k, v]) => [k.toUpperCase(), v])),
    ));
  it('DSB domains, gfp flags and contexts, in order', () => {
    const dsb = cEnum(header, 'BBM_DSB_');
    expect(DSB_DOMAINS.map((d) => dsb[d])).toEqual(DSB_DOMAINS.map((_d, i) => i));
    const gfp = cEnum(header, 'BBM_GFP_');
    expect(GFPS.map((g) => gfp[g.replace(/^GFP_/, '')])).toEqual(GFPS.map((_g, i) => i));
    const ctx = cEnum(header, 'BBM_CTX_');
    expect(CONTEXTS.map((c) => ctx[c])).toEqual(CONTEXTS.map((_c, i) => i));
    expect(Object.keys(dsb)).toHaveLength(DSB_DOMAINS.length);
    expect(Object.keys(gfp)).toHaveLength(GFPS.length);
    expect(Object.keys(ctx)).toHaveLength(CONTEXTS.length);
    const tlbi = cEnum(header, 'BBM_TLBI_');
    expect(TLBI_KINDS.map((k) => tlbi[k])).toEqual(TLBI_KINDS.map((_k, i) => i));
    expect(Object.keys(tlbi)).toHaveLength(TLBI_KINDS.length);
  });
});
