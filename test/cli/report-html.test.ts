import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program';
import { useTestDatabase } from '../support/database';
import { captureOutput } from './support/output';
import { G1_MESSAGE, seedFleet } from './support/seed-fleet';

const database = useTestDatabase('cli_html');
const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let html: string;
beforeAll(async () => {
  await seedFleet(database.uri, database.db);
  // A hostile message: stored values are data, never markup.
  await database.db.collection('errors').insertOne({
    timestamp: new Date(),
    nivel: 'ERROR',
    maquina_id: 'ddddddddddddddd4',
    app_version: '1.1.0',
    erro: { tipo: 'Error', mensagem: '<script>alert(1)</script><img src="https://example.com/x.png">' },
  });
  const output = captureOutput();
  const file = join(dir, 'report.html');
  const code = await runCli(
    ['report', '--connection-string', database.uri, '--database', database.name, '--html', file],
    output,
    '0',
  );
  expect(output.err()).toBe('');
  expect(code).toBe(0);
  expect(output.out()).toMatch(/^Wrote .*report\.html \(\d+ KB\)\. Open it in a browser\.\n$/);
  html = readFileSync(file, 'utf8');
});

describe('report --html', () => {
  it('is one page with the three charts as inline SVG, the groups and their numbers', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(3);
    expect(html).toContain('<title>Error occurrences over time, largest groups</title>');
    expect(html).toContain('<title>Sessions per day</title>');
    expect(html).toContain('<title>Audit events per action</title>');
    expect(html).toContain('<span class="tipo">TypeError</span>');
    expect(html).toContain(G1_MESSAGE.replace(/'/g, '&#39;'));
    expect(html).toMatch(/<td class="num">66<\/td><td class="num">3<\/td><td>1\.0\.0, 1\.1\.0<\/td>/);
  });

  it('opens offline: no script, no external reference, and a policy that forbids any request', () => {
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
  });

  it('shows stored text as text: a message holding markup is escaped', () => {
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=&quot;https://example.com/x.png&quot;&gt;',
    );
  });

  it("has a section per listed group, linked from the group's row, with its latest stack trace and the resolve and ignore commands", () => {
    const rows = [
      ...html.matchAll(/<tr id="row-([0-9a-f]{12})">.*?<a class="group-link" href="#group-([0-9a-f]{12})">/g),
    ];
    expect(rows.length).toBe(4);
    for (const [, row, target] of rows) expect(target).toBe(row);
    const sections = [...html.matchAll(/<section class="group" id="group-([0-9a-f]{12})">/g)].map(
      (m) => m[1],
    );
    expect(sections).toEqual(rows.map((m) => m[1]));
    const g1 = html.slice(
      html.indexOf('<section class="group"'),
      html.indexOf('</section>', html.indexOf('<section class="group"')),
    );
    expect(g1).toMatch(
      /<pre class="stack">TypeError: Cannot read properties of undefined \(reading &#39;titulo&#39;\)\n\s+at abrirQuestao /,
    );
    expect(g1).toMatch(
      /<pre class="commands"><code>opentelemetry-exporter-mongodb resolve [0-9a-f]+ --app unknown_service\nopentelemetry-exporter-mongodb ignore [0-9a-f]+ --app unknown_service<\/code><\/pre>/,
    );
    // A group without a fingerprint (the hand-written hostile document) cannot be resolved by one.
    expect(html).toContain('This group has no fingerprint');
  });

  it('prints sensibly: print rules hide nothing of the report and keep sections whole', () => {
    expect(html).toMatch(/@media print \{[^@]*section \{ page-break-inside: avoid; \}/);
  });
});
