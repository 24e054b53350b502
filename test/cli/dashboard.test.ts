import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from '../../src/report/dashboard-server';
import type { Report } from '../../src/report/types';
import { eventually, useTestDatabase } from '../support/database';
import { ControlledServer, describeWithPrivateServer } from '../support/server';
import { seedFleet } from './support/seed-fleet';
import { seedGroupStates, type SeededStates } from './support/seed-states';

// Commands a read-only user may run; anything else would be a write or an admin command.
const READ_COMMANDS = new Set([
  'aggregate',
  'find',
  'getMore',
  'killCursors',
  'ping',
  'hello',
  'isMaster',
  'endSessions',
]);

describeWithPrivateServer('dashboard server', () => {
  const server = new ControlledServer('dashboard');
  let client: MongoClient;
  let dashboard: Dashboard;
  const commands = new Set<string>();

  beforeAll(async () => {
    const uri = server.start();
    const seedClient = new MongoClient(uri);
    await seedFleet(uri, seedClient.db('fleet'));
    await seedClient.close();
    client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, monitorCommands: true });
    client.on('commandStarted', (event) => commands.add(event.commandName));
    dashboard = await startDashboard({
      db: client.db('fleet'),
      collections: { errors: 'errors', audit: 'audit', metrics: 'metrics' },
      since: '24h',
      host: '127.0.0.1',
      port: 0,
      refreshSeconds: 1,
      maxTimeMS: 5000,
      secrets: [],
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    await client?.close();
    server.destroy();
  });

  it('listens on the address it is given and serves the report page', async () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(dashboard.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<span class="tipo">TypeError</span>');
    expect(html.match(/<svg class="chart"/g)).toHaveLength(3);
    expect(html).toContain('refreshed every 1 s');
  });

  it('serves the same report as JSON, and refuses writes and unknown paths', async () => {
    const json = (await (await fetch(new URL('report.json', dashboard.url))).json()) as {
      report: Report;
      error: unknown;
    };
    expect(json.error).toBeNull();
    expect(json.report.errors.groups[0]).toMatchObject({ tipo: 'TypeError', occurrences: 66, machines: 3 });
    expect((await fetch(dashboard.url, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await fetch(new URL('admin', dashboard.url))).status).toBe(404);
  });

  it("serves each listed group's page at /group/<id>, linked from its row; an unknown id is a 404 that says why", async () => {
    const json = (await (await fetch(new URL('report.json', dashboard.url))).json()) as { report: Report };
    const top = json.report.errors.groups[0]!;
    const index = await (await fetch(dashboard.url)).text();
    expect(index).toContain(`<a class="group-link" href="/group/${top.id}">`);
    const response = await fetch(new URL(`group/${top.id}`, dashboard.url));
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(`<section class="group" id="group-${top.id}">`);
    expect(page).toMatch(/<pre class="stack">TypeError: /);
    expect(page).toContain("script-src 'unsafe-inline'; connect-src 'self'");
    const missing = await fetch(new URL('group/000000000000', dashboard.url));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/^no error group 000000000000 among the \d+ listed in this window/);
  });

  it('only ever sends read commands to the database', async () => {
    await eventually(async () => commands.size > 0, 'some commands were sent');
    expect([...commands].filter((name) => !READ_COMMANDS.has(name))).toEqual([]);
  });

  it('shows an error banner over the last report while the database is down, and recovers when it is back', async () => {
    server.stop();
    let html = '';
    await eventually(
      async () => {
        html = await (await fetch(dashboard.url)).text();
        return html.includes('id="banner"');
      },
      'the banner appears',
      20_000,
    );
    expect(html).toMatch(
      /The database does not answer since .* UTC: Mongo\w*Error: .*Showing the report of .*; retrying every 1 s\./,
    );
    expect(html).toContain('<span class="tipo">TypeError</span>');
    const json = (await (await fetch(new URL('report.json', dashboard.url))).json()) as {
      error: { message: string };
    };
    expect(json.error.message).toMatch(/^Mongo\w*Error: /);

    server.start();
    await eventually(
      async () => !(await (await fetch(dashboard.url)).text()).includes('id="banner"'),
      'the banner goes away',
      30_000,
    );
  });
});

describe('dashboard --state, the command (dist/cli.mjs) in a process of its own', () => {
  const database = useTestDatabase('cli_dashboard_states');
  let seeded: SeededStates;
  beforeAll(async () => {
    seeded = await seedGroupStates(database.uri, database.name, database.db);
  });

  it('--state regressed: the page lists only the resolved-then-regressed group, its row and its page show regressed with both versions', async () => {
    const cli = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        cli,
        'dashboard',
        '--port',
        '0',
        '--state',
        'regressed',
        '--connection-string',
        database.uri,
        '--database',
        database.name,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      await eventually(async () => /on http:\/\/\S+\n/.test(stdout), `the dashboard started: ${stderr}`);
      const url = /on (http:\/\/\S+)\n/.exec(stdout)![1]!;
      const { report } = (await (await fetch(new URL('report.json', url))).json()) as { report: Report };
      expect(
        report.errors.groups.map((group) => ({
          app: group.app,
          fingerprint: 'fingerprint' in group.key ? group.key.fingerprint : undefined,
          state: group.state,
          resolvedIn: group.resolvedIn,
          regressedIn: group.regressedIn,
        })),
      ).toEqual([
        {
          app: 'shop',
          fingerprint: seeded.regressed,
          state: 'regressed',
          resolvedIn: '1.0.0',
          regressedIn: '1.1.0',
        },
      ]);
      const id = report.errors.groups[0]!.id;
      const badge =
        '<span class="badge state state-regressed" data-state="regressed">regressed in 1.1.0 (resolved in 1.0.0)</span>';
      const index = await (await fetch(url)).text();
      expect(index.match(/<tr id="row-/g)).toHaveLength(1);
      expect(index).toContain(`<tr id="row-${id}">`);
      expect(index).toContain(badge);
      expect(index).toContain('Listed: the 1 group(s) in state regressed (<code>--state</code>)');
      const page = await (await fetch(new URL(`group/${id}`, url))).text();
      expect(page).toContain(badge);
      expect(page).toContain('<dt>State</dt><dd>regressed in 1.1.0 (resolved in 1.0.0), at ');
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    expect(child.exitCode, stderr).toBe(0);
  });
});
