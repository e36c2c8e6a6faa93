// The HTML report in a real browser: headless Chromium (Debian's `chromium`, driven by
// playwright-core; .ci/run installs it when it can) opens docs/examples' reports from disk, and
// the test checks that the page-table pictures are drawn with the failing entry outlined and
// visible, that the stale TLB entries are drawn, that the failing event is marked, and that the
// page loads nothing from anywhere (one self-contained file); it saves screenshots to
// reports/out/ (html-report.png, html-report-tables.png) for a person to look at. Where no
// browser can be found or installed the test is skipped and says so.
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

/** The browser: `CHROMIUM` from the environment, or Debian's. */
const browserPath = [process.env['CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => p !== undefined && p !== '' && existsSync(p),
);

const title =
  browserPath === undefined
    ? 'skipped: no browser (apt-get install -y chromium, or set CHROMIUM)'
    : 'draws the tables, the failing entry, the stale TLB entries and the failing event';

describe('HTML report in headless Chromium', () => {
  it.skipIf(browserPath === undefined)(
    title,
    async () => {
      const browser = await chromium.launch({
        executablePath: browserPath ?? '',
        // Root on a CI machine: Chromium's sandbox needs a user namespace it may not have.
        args: ['--no-sandbox'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const fetched: string[] = [];
        page.on('request', (r) => fetched.push(r.url()));
        const file = pathToFileURL(resolve('docs/examples/split-pmd-no-dsb.html')).href;
        await page.goto(file);
        // One file: nothing but the page itself is fetched.
        expect(fetched).toEqual([file]);
        // Before and after, each with the failing entry outlined and on screen.
        expect(await page.locator('svg.tables').count()).toBe(2);
        const failing = page.locator('svg.tables [data-role="failing-entry"] > rect:not(.unseen)');
        expect(await failing.count()).toBe(2);
        for (const box of await failing.all()) {
          const b = await box.boundingBox();
          expect(b?.width ?? 0).toBeGreaterThan(3);
          expect(await box.getAttribute('stroke')).toBe('#d00000');
        }
        // The old 2M block the CPU may still hold, beside the new table.
        expect(await page.locator('svg.tables g.stale').count()).toBeGreaterThan(0);
        expect(await page.locator('svg.tables g.stale title').first().textContent()).toMatch(
          /stale 2M block → 0x40200000/,
        );
        // The failing event, marked in the event list.
        const row = page.locator('#failing-event');
        await row.scrollIntoViewIfNeeded();
        expect(await row.isVisible()).toBe(true);
        expect(await row.textContent()).toMatch(/^! 1177cpu0 {2}write {2}pmd\[1\] of 0xf000002000/);
        mkdirSync('reports/out', { recursive: true });
        await page.locator('figure').first().screenshot({ path: 'reports/out/html-report-tables.png' });
        await page.screenshot({ path: 'reports/out/html-report.png', fullPage: true });
        // A failure whose entry is one 4K page in a 2M window: the zoom row shows it.
        await page.goto(pathToFileURL(resolve('docs/examples/flush-one-page-short.html')).href);
        const zoomed = page.locator('svg.tables [data-role="failing-entry"] > rect:not(.unseen)');
        const widths = await Promise.all((await zoomed.all()).map(async (r) => (await r.boundingBox())?.width ?? 0));
        expect(Math.max(...widths)).toBeGreaterThan(30);
      } finally {
        await browser.close();
      }
    },
    90_000,
  );
});
