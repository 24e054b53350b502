import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SeverityNumber } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { MongoClient } from 'mongodb';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorReporter, MongoBatchLogRecordProcessor, MongoLogRecordExporter } from '../../src/index';
import { runCli } from '../../src/cli/program';
import { startDashboard } from '../../src/report/dashboard-server';
import { captureOutput } from '../cli/support/output';
import { seedFleet } from '../cli/support/seed-fleet';
import { blockNetwork, chartsOf, launchChromium } from '../support/chromium';
import { useTestDatabase } from '../support/database';
import { closedPort } from '../support/network';

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

/** Two groups reported equally often at the same time: their chart series have equal counts. */
const EQUAL_A = 'salvar falhou: questão sem enunciado';
const EQUAL_B = 'exportar falhou: lista vazia';
const TRAIL = ['lista 7 aberta', 'questão 3 editada'];

/** An error as the editor app would throw it: its stack names the app's files, not this machine's. */
function appError(message: string, where: string, line: number): RangeError {
  const error = new RangeError(message);
  error.stack =
    `RangeError: ${message}\n    at ${where} (/opt/editor/src/${where}.ts:${line}:9)\n` +
    '    at async main (/opt/editor/src/main.ts:12:3)';
  return error;
}
function salvarQuestao(): never {
  throw appError(EQUAL_A, 'salvarQuestao', 40);
}
function exportarLista(): never {
  throw appError(EQUAL_B, 'exportarLista', 18);
}

/**
 * Beside the fleet: an app whose two INFO lines (below the remote level, so only in the trail)
 * come before two bugs reported three times each, now. The package's own processor captures the
 * trail at emit.
 */
async function seedEqualGroupsWithTrail(): Promise<void> {
  const loggerProvider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'editor', 'app.installation.id': 'b0b0b0b0b0b0b0b0' }),
    processors: [
      new MongoBatchLogRecordProcessor({
        exporter: new MongoLogRecordExporter({
          connectionString: database.uri,
          database: database.name,
          spoolDir: false,
        }),
      }),
    ],
  });
  const errors = new ErrorReporter({ loggerProvider });
  const logger = loggerProvider.getLogger('app.editor');
  for (const line of TRAIL)
    logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: line });
  for (let i = 0; i < 3; i++) {
    for (const bug of [salvarQuestao, exportarLista]) {
      try {
        bug();
      } catch (error) {
        errors.report(error);
      }
    }
  }
  await loggerProvider.shutdown();
}

/** The dashboard over the seeded database, on a free local port, refreshing every `refreshSeconds`. */
function dashboardOverTheFleet(refreshSeconds: number) {
  return startDashboard({
    db: database.client.db(database.name),
    collections: { errors: 'errors', audit: 'audit', metrics: 'metrics' },
    since: '7d',
    host: '127.0.0.1',
    port: 0,
    refreshSeconds,
    maxTimeMS: 10_000,
    secrets: [],
  });
}

beforeAll(async () => {
  mkdirSync(IMAGES, { recursive: true });
  await seedFleet(database.uri, database.db);
  await seedEqualGroupsWithTrail();
  chromium = await launchChromium();
});

/**
 * For each series of the error chart whose legend names `label`: whether the element at one of
 * its drawn points (in screen coordinates) belongs to that series. A series hidden under another
 * one is answered by the other's line or marker.
 */
async function seriesOnTop(page: Page, labels: string[]): Promise<Record<string, boolean>> {
  return page.$eval(
    'body',
    (body, wanted) => {
      const doc = body.ownerDocument;
      const chart = [...doc.querySelectorAll('svg.chart')].find(
        (svg) => svg.querySelector('title')?.textContent === 'Error occurrences over time, largest groups',
      )!;
      const legend = [...chart.parentElement!.querySelectorAll('.legend li')];
      const result: Record<string, boolean> = {};
      for (const label of wanted) {
        const index = legend.find((li) => li.textContent?.startsWith(label))?.getAttribute('data-series');
        const mark = chart.querySelector(`.mark[data-series="${index}"]`);
        if (index === undefined || index === null || !mark) {
          result[label] = false;
          continue;
        }
        // elementFromPoint sees only the viewport.
        mark.scrollIntoView({ block: 'center' });
        const box = mark.getBoundingClientRect();
        const hit = doc.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        result[label] = hit?.closest('[data-series]')?.getAttribute('data-series') === index;
      }
      return result;
    },
    labels,
  );
}

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

    const charts = await chartsOf(page, 'section:not(.group) > svg.chart, .grid2 svg.chart');
    expect(charts.map((c) => c.title)).toEqual(CHART_TITLES);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.height).toBeGreaterThan(50);
      expect(chart.marks).toBeGreaterThan(0);
    }
    expect(await page.locator('#errors tbody tr').first().locator('.tipo').textContent()).toBe('TypeError');
    expect(blocked).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    // The report down to its first group section: the group pages have their own picture.
    const groupsTop = await page
      .locator('section.group')
      .first()
      .evaluate((el) => el.getBoundingClientRect().top + el.ownerDocument.defaultView!.scrollY);
    await page.screenshot({
      path: join(IMAGES, 'report.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: page.viewportSize()!.width, height: groupsTop },
    });
    await page.close();
  });

  it('dashboard: the live page draws the same charts, and after a refresh still does, from its own server only', async () => {
    const dashboard = await dashboardOverTheFleet(1);
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

  it("report --html: two groups with equal counts are both visible in the chart (each on top at one of its points), and each legend sample has its line's colour and dash, all distinct", async () => {
    const file = join(dir, 'equal.html');
    const args = [
      'report',
      '--connection-string',
      database.uri,
      '--database',
      database.name,
      '--since',
      '7d',
    ];
    expect(await runCli([...args, '--html', file], captureOutput(), '0')).toBe(0);
    const page = await chromium.context.newPage();
    await blockNetwork(page, (url) => url.protocol === 'file:');
    await page.goto(pathToFileURL(file).href);
    const labels = [`editor: RangeError: ${EQUAL_A} at `, `editor: RangeError: ${EQUAL_B} at `];
    expect(await seriesOnTop(page, labels)).toEqual({ [labels[0]!]: true, [labels[1]!]: true });
    // Each legend entry's sample has its series' colour and dash.
    const styles = await page.$$eval('#errors svg.chart polyline.series', (lines) =>
      lines.map((l) => `${l.getAttribute('stroke')} ${l.getAttribute('stroke-dasharray') ?? ''}`),
    );
    const keys = await page.$$eval('#errors .legend svg.key line', (lines) =>
      lines.map((l) => `${l.getAttribute('stroke')} ${l.getAttribute('stroke-dasharray') ?? ''}`),
    );
    expect(keys).toEqual(styles);
    expect(new Set(styles).size).toBe(styles.length);
    await page.close();
  });

  it("dashboard: a group's page, linked from its row, shows the latest stack trace, the trail and the resolve command", async () => {
    const dashboard = await dashboardOverTheFleet(30);
    try {
      const origin = new URL(dashboard.url).origin;
      const page = await chromium.context.newPage();
      const blocked = await blockNetwork(page, (url) => url.origin === origin);
      await page.goto(dashboard.url);
      const row = page.locator('#errors tbody tr', { hasText: EQUAL_A });
      await row.locator('a.group-link').click();
      await page.waitForURL(/\/group\/[0-9a-f]{12}$/);
      const group = page.locator('section.group');
      expect(await group.locator('pre.stack').textContent()).toMatch(
        new RegExp(`^RangeError: ${EQUAL_A}\\n\\s+at salvarQuestao `),
      );
      expect(await group.locator('table.trail tbody td:nth-child(4)').allTextContents()).toEqual(TRAIL);
      expect(await group.locator('pre.commands').textContent()).toMatch(
        /^opentelemetry-exporter-mongodb resolve [0-9a-f]+ --app editor\n/,
      );
      expect(blocked).toEqual([]);
      await page.screenshot({ path: join(IMAGES, 'group.png'), fullPage: true });
      await page.close();
    } finally {
      await dashboard.close();
    }
  });

  it('dashboard with the database down from the start: the page says the database is unreachable, not that nothing was stored', async () => {
    const port = await closedPort();
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 300 });
    const dashboard = await startDashboard({
      db: client.db('down'),
      collections: { errors: 'errors', audit: 'audit', metrics: 'metrics' },
      since: '24h',
      host: '127.0.0.1',
      port: 0,
      refreshSeconds: 30,
      maxTimeMS: 1_000,
      secrets: [],
    });
    try {
      const page = await chromium.context.newPage();
      await page.goto(dashboard.url);
      expect(await page.locator('#unreachable h2').textContent()).toBe('Database unreachable');
      expect(await page.locator('main').textContent()).not.toContain('Nothing to report');
      expect(await page.locator('#banner').textContent()).toMatch(/^The database does not answer since /);
      await page.close();
    } finally {
      await dashboard.close();
      await client.close();
    }
  });
});
