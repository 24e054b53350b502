import { randomBytes } from 'node:crypto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program';
import { MetricsCollector, MongoMetricExporter } from '../../src/index';
import { SessionRegistry, withSessionRegistry } from '../../src/resource/session';
import { testServerUri } from '../support/database';
import { closedPort } from '../support/network';
import { captureOutput } from './support/output';
import { startReceiver } from './support/receiver';
import { DAY, fingerprintOf, HOUR, MINUTE, storeErrors } from './support/seed-groups';
import { MongoClient, type Db } from 'mongodb';

// Each test watches a database of its own: watch alerts on every group it sees.
const client = new MongoClient(testServerUri(), { serverSelectionTimeoutMS: 5000 });
const databases: string[] = [];
const receivers: { close(): Promise<void> }[] = [];

function freshDatabase(): { name: string; db: Db } {
  const name = `test_cli_watch_${randomBytes(4).toString('hex')}`;
  databases.push(name);
  return { name, db: client.db(name) };
}

afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});
afterAll(async () => {
  for (const name of databases)
    await client
      .db(name)
      .dropDatabase()
      .catch(() => undefined);
  await client.close();
});

async function receiver(statuses?: number[]) {
  const started = await startReceiver(statuses);
  receivers.push(started);
  return started;
}

async function cli(database: string, ...args: string[]) {
  const output = captureOutput();
  const code = await runCli(
    [...args, '--connection-string', testServerUri(), '--database', database],
    output,
    '0.0.0',
  );
  return { code, out: output.out(), err: output.err() };
}

const ago = (ms: number) => new Date(Date.now() - ms);
const store = (database: string, app: string, version: string, group: string, at: Date) =>
  storeErrors(testServerUri(), database, { app, version }, [{ group, at }]);

describe('watch --once', () => {
  it('sends one alert per change of state, nothing again after a restart, and exactly one more for a new regression', async () => {
    const { name, db } = freshDatabase();
    const hook = await receiver();
    await store(name, 'shop', '1.0.0', 'brand-new', ago(10 * MINUTE));
    await store(name, 'shop', '1.0.0', 'fixed', ago(3 * DAY));
    await store(name, 'shop', '1.0.0', 'fixed', ago(2 * HOUR));
    const fixed = await fingerprintOf(db, 'fixed');
    expect((await cli(name, 'resolve', fixed)).code).toBe(0);

    const first = await cli(name, 'watch', '--once', '--webhook', `${hook.url}/hooks/generic`);
    expect(first.code, first.err).toBe(0);
    expect(hook.received.map((r) => r.body)).toEqual([
      expect.objectContaining({
        source: 'opentelemetry-exporter-mongodb',
        kind: 'new',
        app: 'shop',
        fingerprint: await fingerprintOf(db, 'brand-new'),
        version: '1.0.0',
      }),
    ]);
    expect(hook.received[0]!.contentType).toBe('application/json');
    expect(first.out).toMatch(/new: shop: new error group [0-9a-f]{16}: .*falha do grupo brand-new/);

    // A restart: the ledger in MongoDB says what was sent.
    const second = await cli(name, 'watch', '--once', '--webhook', `${hook.url}/hooks/generic`);
    expect(second.code, second.err).toBe(0);
    expect(hook.received).toHaveLength(1);
    expect(second.out).toBe('');

    await new Promise((resolve) => setTimeout(resolve, 5));
    await store(name, 'shop', '1.0.0', 'fixed', new Date());
    const third = await cli(name, 'watch', '--once', '--webhook', `${hook.url}/hooks/generic`);
    expect(third.code, third.err).toBe(0);
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]!.body).toMatchObject({ kind: 'regressed', fingerprint: fixed, version: '1.0.0' });

    await cli(name, 'watch', '--once', '--webhook', `${hook.url}/hooks/generic`);
    expect(hook.received).toHaveLength(2);
    expect(
      await db
        .collection('alerts_sent')
        .countDocuments({ 'alerta.entregue': true, destino: `${hook.url}/****` }),
    ).toBe(2);
    const keys = (await db.collection('alerts_sent').listIndexes().toArray()).map((i) => i.key);
    expect(keys).toEqual([{ _id: 1 }, { destino_id: 1 }]);
  });

  it('a receiver answering 500 twice then 200: delivered once after 2 retries, counted on stderr and in the ledger', async () => {
    const { name, db } = freshDatabase();
    const hook = await receiver([500, 500, 200]);
    await store(name, 'shop', '1.0.0', 'flaky', ago(MINUTE));
    const args = ['watch', '--once', '--webhook', hook.url, '--retry-backoff-ms', '20'];
    const result = await cli(name, ...args);
    expect(result.code, result.err).toBe(0);
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(result.err).toContain('1 poll(s), 2 alert(s) delivered, 0 failed, 2 retries');
    const record = await db.collection('alerts_sent').findOne({ destino: `${hook.url}/` });
    expect(record?.alerta).toMatchObject({ entregue: true, tentativas: 3, status: 200 });

    await cli(name, ...args);
    expect(hook.received).toHaveLength(3);
  });

  it('a 4xx is not retried: one request, counted as failed, recorded, and not sent again', async () => {
    const { name } = freshDatabase();
    const hook = await receiver([400]);
    await store(name, 'shop', '1.0.0', 'refused', ago(MINUTE));
    const first = await cli(name, 'watch', '--once', '--webhook', hook.url, '--retry-backoff-ms', '20');
    expect(first.code).toBe(0);
    expect(hook.received).toHaveLength(1);
    expect(first.err).toContain('failed after 1 attempt(s): HTTP 400 (not retried');
    expect(first.err).toContain('1 alert(s) delivered, 1 failed, 0 retries');
    await cli(name, 'watch', '--once', '--webhook', hook.url);
    expect(hook.received).toHaveLength(1);
  });

  it('an unreachable webhook does not crash watch: retried, reported, and not recorded, so the next poll sends it again', async () => {
    const { name, db } = freshDatabase();
    await store(name, 'shop', '1.0.0', 'offline', ago(MINUTE));
    const url = `http://127.0.0.1:${await closedPort()}/hook`;
    const args = ['watch', '--once', '--webhook', url, '--webhook-retries', '1', '--retry-backoff-ms', '20'];
    const result = await cli(name, ...args);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(
      /alert to http:\/\/127\.0\.0\.1:\d+\/\*\*\*\* failed after 2 attempt\(s\): .*ECONNREFUSED.*sent again at the next poll/,
    );
    expect(result.err).toContain('1 alert(s) delivered, 1 failed, 1 retry');
    expect(await db.collection('alerts_sent').countDocuments({ destino: { $ne: 'stdout' } })).toBe(0);
    expect((await cli(name, ...args)).err).toContain('1 failed');
  });

  it("--slack-webhook: Slack's { text, blocks } body, mrkdwn escaped, and the webhook's secret path never printed", async () => {
    const { name, db } = freshDatabase();
    const hook = await receiver([503]);
    await store(name, 'shop <beta>', '1.0.0', 'slack', ago(MINUTE));
    const secretPath = '/services/T0001/B0002/s3cr3tT0ken';
    const result = await cli(
      name,
      'watch',
      '--once',
      '--slack-webhook',
      `${hook.url}${secretPath}`,
      '--webhook-retries',
      '0',
    );
    expect(result.code).toBe(0);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.path).toBe(secretPath);
    const fingerprint = await fingerprintOf(db, 'slack');
    expect(hook.received[0]!.body).toEqual({
      text: `New error group: shop &lt;beta&gt;: new error group ${fingerprint}: (no type): falha do grupo slack (1 occurrences)`,
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `*New error group*\nshop &lt;beta&gt;: new error group ${fingerprint}: (no type): falha do grupo slack (1 occurrences)`,
          },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: `app: shop &lt;beta&gt; · version: 1.0.0 · fingerprint: \`${fingerprint}\``,
            },
          ],
        },
      ],
    });
    expect(result.err).toContain(`alert to ${hook.url}/**** failed`);
    expect(result.err + result.out).not.toContain('s3cr3tT0ken');
    const stored = JSON.stringify(await db.collection('alerts_sent').find().toArray());
    expect(stored).not.toContain('s3cr3tT0ken');
  });

  it('--crash-free-below 99: one alert for the version whose sessions crashed (sessao.encerramento or an unhandled error with its sessao_id)', async () => {
    const { name, db } = freshDatabase();
    const hook = await receiver();
    const sessions = await storeSessions(name, { app: 'shop', version: '2.0.0' }, 4);
    await storeSessions(name, { app: 'shop', version: '1.9.0' }, 2);
    // The sessions above are the package's own (sessao_id, encerramento 'normal'). Two of them are
    // made crashed by hand, one each way: a crash ending is written by the process hooks of a
    // process that dies (test/fixtures/health-app.ts does that for release health), and an
    // unhandled error is given the session's id. watch counts them as release health does.
    await db
      .collection('metrics')
      .updateOne({ _id: sessions[0] as never }, { $set: { 'sessao.encerramento': 'crash' } });
    await storeErrors(testServerUri(), name, { app: 'shop', version: '2.0.0' }, [
      { group: 'crash', at: ago(MINUTE), unhandled: true },
    ]);
    await db.collection('errors').updateOne({ nao_tratada: true }, { $set: { sessao_id: sessions[1] } });

    const result = await cli(name, 'watch', '--once', '--crash-free-below', '99', '--webhook', hook.url);
    expect(result.code, result.err).toBe(0);
    const crashFree = hook.received
      .map((r) => r.body as Record<string, unknown>)
      .filter((b) => b.kind === 'crash_free_below');
    expect(crashFree).toEqual([
      expect.objectContaining({
        app: 'shop',
        version: '2.0.0',
        details: expect.objectContaining({
          sessions: 4,
          crashed: 2,
          crashFreePercent: 50,
          thresholdPercent: 99,
        }),
      }),
    ]);
    await cli(name, 'watch', '--once', '--crash-free-below', '99', '--webhook', hook.url);
    expect(
      hook.received.filter((r) => (r.body as { kind: string }).kind === 'crash_free_below'),
    ).toHaveLength(1);
  });

  it('an escalating group (first seen days ago, 12 in the last hour against 7 in the week) alerts once as escalating', async () => {
    const { name, db } = freshDatabase();
    const hook = await receiver();
    const source = { app: 'shop', version: '1.0.0' };
    const week = Array.from({ length: 7 }, (_, i) => ({ group: 'hot', at: ago((7 - i) * DAY) }));
    await storeErrors(testServerUri(), name, source, week);
    const hour = Array.from({ length: 12 }, (_, i) => ({ group: 'hot', at: ago(30 * MINUTE - i * 1000) }));
    await storeErrors(testServerUri(), name, source, hour);
    await cli(name, 'watch', '--once', '--webhook', hook.url);
    await cli(name, 'watch', '--once', '--webhook', hook.url);
    expect(hook.received.map((r) => r.body)).toEqual([
      expect.objectContaining({
        kind: 'escalating',
        fingerprint: await fingerprintOf(db, 'hot'),
        details: expect.objectContaining({ lastHour: 12, previousSevenDays: 7 }),
      }),
    ]);
  });

  it('refuses a webhook that is not a URL without printing it', async () => {
    const { name } = freshDatabase();
    const result = await cli(name, 'watch', '--once', '--slack-webhook', 'hooks.slack.com secret-value');
    expect(result.code).toBe(1);
    expect(result.err).toContain('--slack-webhook: not a URL (value not shown');
    expect(result.err).not.toContain('secret-value');
  });
});

/** `count` ended sessions of one app version, stored by MongoMetricExporter; their ids. */
async function storeSessions(database: string, source: { app: string; version: string }, count: number) {
  const registry = new SessionRegistry();
  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': source.app, 'service.version': source.version }),
    readers: [
      new PeriodicExportingMetricReader({
        exporter: withSessionRegistry(
          registry,
          () => new MongoMetricExporter({ connectionString: testServerUri(), database, spoolDir: false }),
        ),
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
  const collector = withSessionRegistry(registry, () => new MetricsCollector({ meterProvider }));
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    collector.startSession();
    collector.increment('aberturas');
    ids.push(collector.sessionId!);
    await collector.endSession();
  }
  await meterProvider.shutdown();
  return ids;
}
