import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium, installed by scripts/test.sh (`apt-get install -y chromium`) when missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Headless, with no background traffic of its own, in a new empty profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run npm test (scripts/test.sh installs it) or apt-get install -y chromium`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Any name resolves to nothing: a request that escaped the checks below could not leave.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Lets requests to `allowed` origins through and records (and aborts) every other one. */
export async function blockNetwork(page: Page, allowed: (url: URL) => boolean): Promise<string[]> {
  const blocked: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (allowed(url)) return route.continue();
    blocked.push(url.href);
    return route.abort();
  });
  return blocked;
}

/** Size and number of drawn marks of every chart on the page. */
export function chartsOf(
  page: Page,
  selector = 'svg.chart',
): Promise<{ title: string; width: number; height: number; marks: number }[]> {
  return page.$$eval(selector, (charts) =>
    charts.map((chart) => {
      const box = chart.getBoundingClientRect();
      const marks = chart.querySelectorAll('polyline.series, rect.bar');
      let drawn = 0;
      for (const mark of marks) {
        const b = (mark as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        if (b.width > 0 || b.height > 0) drawn++;
      }
      return {
        title: chart.querySelector('title')?.textContent ?? '',
        width: box.width,
        height: box.height,
        marks: drawn,
      };
    }),
  );
}
