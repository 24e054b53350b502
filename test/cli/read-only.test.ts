import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program';
import { buildReport } from '../../src/report/build-report';
import { startDashboard } from '../../src/report/dashboard-server';
import { parseWindow } from '../../src/report/window';
import { useTestDatabase } from '../support/database';
import { captureOutput } from './support/output';
import { seedFleet } from './support/seed-fleet';

// What a user with only the built-in `read` role may run.
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
const database = useTestDatabase('read_only');
const READER = { user: `reader_${process.pid}`, password: 'reader-Pw-1' };
/** Undefined when the server refuses a user with a `read` role (FerretDB 1.24 has no roles). */
let readerUri: string | undefined;
let refusal = '';

beforeAll(async () => {
  await seedFleet(database.uri, database.db);
  try {
    await database.db.command({
      createUser: READER.user,
      pwd: READER.password,
      roles: [{ role: 'read', db: database.name }],
    });
    const url = new URL(database.uri);
    url.username = READER.user;
    url.password = READER.password;
    url.searchParams.set('authSource', database.name);
    readerUri = url.href;
  } catch (error) {
    if (!(error instanceof MongoServerError)) throw error;
    refusal = `${error.codeName}: ${error.message}`;
  }
});
afterAll(async () => {
  if (readerUri) await database.db.command({ dropUser: READER.user }).catch(() => undefined);
});

describe('report and dashboard need only read access', () => {
  it('the report sends nothing but read commands', async () => {
    const client = new MongoClient(database.uri, { monitorCommands: true });
    const commands = new Set<string>();
    client.on('commandStarted', (event) => commands.add(event.commandName));
    try {
      const report = await buildReport({
        db: client.db(database.name),
        collections: { errors: 'errors', audit: 'audit', metrics: 'metrics' },
        window: parseWindow('7d'),
        entity: 'questao:q-101',
      });
      expect(report.errors.groups.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
    expect(commands.has('aggregate') && commands.has('find')).toBe(true);
    expect([...commands].filter((name) => !READ_COMMANDS.has(name))).toEqual([]);
  });

  it('as a user with only the read role: report and dashboard work (or the server cannot express roles)', async () => {
    if (!readerUri) {
      // FerretDB 1.24: users exist only with --test-enable-new-auth, and without roles.
      expect(refusal).toMatch(/^(CommandNotFound|NotImplemented): /);
      return;
    }
    const output = captureOutput();
    expect(
      await runCli(['report', '--connection-string', readerUri, '--database', database.name], output, '0'),
    ).toBe(0);
    expect(output.out()).toContain('TypeError');
    const client = new MongoClient(readerUri);
    const dashboard = await startDashboard({
      db: client.db(database.name),
      collections: { errors: 'errors', audit: 'audit', metrics: 'metrics' },
      since: '24h',
      host: '127.0.0.1',
      port: 0,
      refreshSeconds: 30,
      maxTimeMS: 10_000,
      secrets: [READER.password],
    });
    try {
      const html = await (await fetch(dashboard.url)).text();
      expect(html).toContain('<span class="tipo">TypeError</span>');
      expect(html).not.toContain('id="banner"');
    } finally {
      await dashboard.close();
      await client.close();
    }
  });
});
