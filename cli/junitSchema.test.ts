// The JUnit report is validated against an XML Schema by a real validator (libxml2's, as
// xmllint-wasm), not only checked for shape: cli/junit.xsd, the Surefire/Jenkins junit-10 form
// made stricter, for every status a property can end in and text that needs escaping — and the
// schema is shown to reject what a CI server would choke on.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { SUMMARY_ROWS } from './summaryRows.fixture.ts';
import type { Row } from './verifyReport.ts';
import { junitXml } from './verifySummary.ts';

const schema = readFileSync(fileURLToPath(new URL('junit.xsd', import.meta.url)), 'utf8');

async function errorsOf(xml: string): Promise<string[]> {
  const r = await validateXML({
    xml: { fileName: 'junit.xml', contents: xml },
    schema: { fileName: 'junit.xsd', contents: schema },
  });
  return r.errors.map((e) => e.rawMessage);
}

// The rows of every status, the failure's text with a quote, a control character and a CDATA end
// as well, and a property that had no input.
const rows: Row[] = [
  ...SUMMARY_ROWS.map((r) => (r.status === 'fail' ? { ...r, message: `${r.message ?? ''} "q" \u0001 ]]>` } : r)),
  { property: 'perm.exact', seed: 2, status: 'no-input', runs: 0, ms: 0, message: '--path 9 names no input' },
];

describe('the JUnit report against cli/junit.xsd', () => {
  it('is valid for every status, at one seed and at several', async () => {
    expect(
      await errorsOf(junitXml(rows, { json: undefined, junit: undefined, seeds: [1, 2], ms: 3030, sut: 'a&b.ts' })),
    ).toEqual([]);
    expect(
      await errorsOf(junitXml([], { json: undefined, junit: undefined, seeds: [7], ms: 0, sut: undefined })),
    ).toEqual([]);
  });

  it('rejects what a CI server would not read', async () => {
    const good = junitXml(rows.slice(0, 2), {
      json: undefined,
      junit: undefined,
      seeds: [1],
      ms: 3030,
      sut: undefined,
    });
    expect(
      (await errorsOf(good.replace(/(<testsuite name="[^"]*" tests="\d+") failures="\d+"/, '$1'))).join('\n'),
    ).toMatch(/The attribute 'failures' is required/);
    expect((await errorsOf(good.replace(/<testsuite name="[^"]*"/, '<testsuite'))).join('\n')).toMatch(
      /The attribute 'name' is required/,
    );
    expect((await errorsOf(good.replace('time="0.812"', 'time="0,812 s"'))).join('\n')).toMatch(/'time'/);
    expect((await errorsOf(good.replace('<failure ', '<failed '))).join('\n')).toMatch(/failed/);
    expect((await errorsOf(good.replace('tests="2"', 'tests="-1"'))).join('\n')).toMatch(/'tests'/);
  });
});
