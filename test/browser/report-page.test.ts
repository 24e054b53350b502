import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program';
import { startDashboard } from '../../src/report/dashboard-server';
import { captureOutput } from '../cli/support/output';
import { seedFleet } from '../cli/support/seed-fleet';
import { blockNetwork, chartsOf, launchChromium } from '../support/chromium';
import { useTestDatabase } from '../support/database';

// The docs' screenshots are rewritten only on request (UPDATE_DOC_IMAGES=1): a test run must not
// change committed files.
const IMAGES = process.env.UPDATE_DOC_IMAGES
  ? join(import.meta.dirname, '..', '..', 'docs', 'images')
  : mkdtempSync(join(tmpdir(), 'report-images-'));
const CHART_TITLES = [
  'Error occurrences over time, largest groups',
  'Audit events per action',
  'Sessions per day',
];
const database = useTestDatabase('browser');
const dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
let chromium: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  mkdirSync(IMAGES, { recursive: true });
  await seedFleet(database.uri, database.db);
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the report page in a real browser (Debian chromium, headless, network blocked)', () => {
  it('report --html: the charts are drawn, the top group is shown, nothing is requested from the network', async () => {
    const file = join(dir, 'report.html');
    const output = captureOutput();
    const args = [
      'report',
      '--connection-string',
      database.uri,
      '--database',
      database.name,
      '--since',
      '7d',
    ];
    expect(await runCli([...args, '--html', file], output, '0')).toBe(0);

    const page = await chromium.context.newPage();
    const blocked = await blockNetwork(page, (url) => url.protocol === 'file:');
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href);

    const charts = await chartsOf(page);
    expect(charts.map((c) => c.title)).toEqual(CHART_TITLES);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.height).toBeGreaterThan(50);
      expect(chart.marks).toBeGreaterThan(0);
    }
    expect(await page.locator('#errors tbody tr').first().locator('.tipo').textContent()).toBe('TypeError');
    expect(blocked).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.screenshot({ path: join(IMAGES, 'report.png'), fullPage: true });
    await page.close();
  });

  it('dashboard: the live page draws the same charts, and after a refresh still does, from its own server only', async () => {
    const dashboard = await startDashboard({
      db: database.client.db(database.name),
      collections: { errors: 'errors', audit: 'audit', metrics: 'metrics' },
      since: '7d',
      host: '127.0.0.1',
      port: 0,
      refreshSeconds: 1,
      maxTimeMS: 10_000,
      secrets: [],
    });
    try {
      const origin = new URL(dashboard.url).origin;
      const page = await chromium.context.newPage();
      const blocked = await blockNetwork(page, (url) => url.origin === origin);
      const refreshed = page.waitForResponse((response) => response.url() === dashboard.url, {
        timeout: 10_000,
      });
      await page.goto(dashboard.url);
      await refreshed; // the page's own refresh, a second later
      await page.waitForTimeout(300);
      const charts = await chartsOf(page);
      expect(charts.map((c) => c.title)).toEqual(CHART_TITLES);
      for (const chart of charts) expect(chart.marks).toBeGreaterThan(0);
      expect(await page.locator('#errors tbody tr').first().locator('.tipo').textContent()).toBe('TypeError');
      expect(await page.locator('#banner').count()).toBe(0);
      expect(blocked).toEqual([]);
      await page.screenshot({ path: join(IMAGES, 'dashboard.png'), fullPage: false });
      await page.close();
    } finally {
      await dashboard.close();
    }
  });
});
