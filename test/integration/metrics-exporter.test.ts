import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { MetricsCollector, MongoMetricExporter } from '../../src/index';
import { SessionRegistry, withSessionRegistry } from '../../src/resource/session';
import { METRICS_TEST_RESOURCE, meterPipeline } from '../fixtures/metrics-reader';
import { eventually, useTestDatabase } from '../support/database';
import { captureDiag } from '../support/diag';
import { closedPort } from '../support/network';

const database = useTestDatabase('metrics');
const diagOutput = captureDiag();

function newExporter(
  collection: string,
  sessions: SessionRegistry,
  options: ConstructorParameters<typeof MongoMetricExporter>[0] = {},
) {
  return withSessionRegistry(
    sessions,
    () =>
      new MongoMetricExporter({
        connectionString: database.uri,
        database: database.name,
        collections: { metrics: collection },
        ...options,
      }),
  );
}

/** The application's side: a MeterProvider exporting every `intervalMs` to `exporter`, and a collector on it. */
function application(exporter: MongoMetricExporter, sessions: SessionRegistry, intervalMs = 60_000) {
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: intervalMs,
    exportTimeoutMillis: Math.min(intervalMs, 10_000),
  });
  const provider = new MeterProvider({ resource: METRICS_TEST_RESOURCE, readers: [reader] });
  return {
    provider,
    collector: withSessionRegistry(sessions, () => new MetricsCollector({ meterProvider: provider })),
  };
}

function exportOnce(exporter: MongoMetricExporter, metrics: Parameters<MongoMetricExporter['export']>[0]) {
  return new Promise<{ result: ExportResult; calls: number }>((resolve) => {
    let calls = 0;
    exporter.export(metrics, (result) => {
      calls++;
      setTimeout(() => resolve({ result, calls }), 50);
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MongoMetricExporter against a real server', () => {
  it('keeps the session document current at each periodic export and finishes it at shutdown', async () => {
    const collection = database.db.collection('periodic');
    const sessions = new SessionRegistry();
    const exporter = newExporter('periodic', sessions);
    const { provider, collector } = application(exporter, sessions, 200);

    collector.startSession();
    const id = collector.sessionId!;
    collector.increment('questoes_criadas', 3);
    collector.timeOperation('salvar', () => undefined);
    await collector.timeOperation('exportar_pdf', () => sleep(30));
    await eventually(
      async () => (await collection.findOne({ _id: id as never }))?.contadores?.questoes_criadas === 3,
      'the first periodic export stores the session',
    );
    const running = await collection.findOne({ _id: id as never });
    expect(running).toMatchObject({
      tipo: 'SESSAO',
      maquina_id: '0123456789abcdef',
      app_version: '9.9.9',
      sessao: { ativa: true },
      contadores: { questoes_criadas: 3 },
    });
    expect(running?.timings.salvar.count).toBe(1);
    expect(running?.timings.exportar_pdf.min_ms).toBeGreaterThanOrEqual(25);

    collector.increment('questoes_criadas', 2);
    collector.increment('listas_exportadas');
    await provider.shutdown();

    const final = await collection.findOne({ _id: id as never });
    expect(final).toMatchObject({
      sessao: { ativa: false },
      contadores: { questoes_criadas: 5, listas_exportadas: 1 },
    });
    expect(final?.sessao.fim.getTime()).toBeGreaterThanOrEqual(running?.sessao.fim.getTime());
    expect(await collection.countDocuments()).toBe(1);
    expect(
      await collection.countDocuments({
        timestamp: { $type: 'date' },
        'sessao.inicio': { $type: 'date' },
        'sessao.fim': { $type: 'date' },
        'sessao.duracao_segundos': { $type: 'int' },
      }),
    ).toBe(1);
    expect(exporter.getStats()).toMatchObject({ failed: 0 });
  });

  it('updates one document on each export, never adding a second one', async () => {
    const collection = database.db.collection('two_exports');
    const sessions = new SessionRegistry();
    const exporter = newExporter('two_exports', sessions);
    const pipeline = meterPipeline();
    const counter = pipeline.meter.createCounter('http.requests');

    counter.add(2, { 'http.route': '/questoes' });
    counter.add(1);
    expect((await exportOnce(exporter, await pipeline.collect())).result.code).toBe(ExportResultCode.SUCCESS);
    counter.add(3, { 'http.route': '/questoes' });
    counter.add(1);
    expect((await exportOnce(exporter, await pipeline.collect())).result.code).toBe(ExportResultCode.SUCCESS);

    const documents = await collection.find().toArray();
    expect(documents).toHaveLength(1);
    expect(documents[0]?._id).toBe(sessions.peek()?.id);
    expect(documents[0]?.contadores).toEqual({ http: { requests: 2 } });
    expect(documents[0]?.contadores_por_atributo).toEqual({
      http: { requests: [{ atributos: { http: { route: '/questoes' } }, valor: 5 }] },
    });
    expect(exporter.getStats()).toMatchObject({ written: 2, failed: 0 });
    await exporter.shutdown();
    await pipeline.provider.shutdown();
  });

  it('gives a new session after endSession() its own document, counting from zero', async () => {
    const collection = database.db.collection('two_sessions');
    const sessions = new SessionRegistry();
    const exporter = newExporter('two_sessions', sessions);
    const { provider, collector } = application(exporter, sessions);

    collector.startSession();
    const first = collector.sessionId;
    collector.increment('cliques', 4);
    collector.recordTiming('abrir', 80);
    expect(await collector.endSession()).toBe(true);

    collector.startSession();
    const second = collector.sessionId;
    collector.increment('cliques', 1);
    collector.recordTiming('abrir', 5);
    expect(await collector.endSession()).toBe(true);

    expect(second).not.toBe(first);
    const [a, b] = await Promise.all([
      collection.findOne({ _id: first as never }),
      collection.findOne({ _id: second as never }),
    ]);
    expect(a).toMatchObject({ sessao: { ativa: false }, contadores: { cliques: 4 } });
    expect(a?.timings.abrir).toMatchObject({ count: 1, min_ms: 80, max_ms: 80 });
    expect(b).toMatchObject({ sessao: { ativa: false }, contadores: { cliques: 1 } });
    expect(b?.timings.abrir).toMatchObject({ count: 1, min_ms: 5, max_ms: 5 });
    expect(b?.sessao.inicio.getTime()).toBeGreaterThanOrEqual(a?.sessao.fim.getTime());
    expect(await collection.countDocuments()).toBe(2);
    await provider.shutdown();
    expect(await collection.countDocuments()).toBe(2); // nothing recorded after the second end
  });

  it('keeps the counts up to the last export when the process is killed with SIGKILL', async () => {
    const collection = database.db.collection('killed');
    const child = spawn(process.execPath, ['test/fixtures/metrics-sigkill.ts', database.name, 'killed'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const [line] = (await Promise.race([
      once(lines, 'line'),
      once(child, 'exit').then(() => {
        throw new Error(`the child exited early: ${stderr}`);
      }),
    ])) as [string];
    const { session } = JSON.parse(line) as { session: string };
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');

    const document = await collection.findOne({ _id: session as never });
    expect(document).toMatchObject({ tipo: 'SESSAO', sessao: { ativa: true }, contadores: { antes: 7 } });
    expect(document?.contadores.depois).toBeUndefined();
    expect(document?.timings.operacao).toMatchObject({ count: 1, min_ms: 12.5 });
    expect(await collection.countDocuments()).toBe(1);
  });

  it('creates the plan indexes on metrics', async () => {
    const sessions = new SessionRegistry();
    const exporter = newExporter('metrics', sessions);
    const pipeline = meterPipeline();
    pipeline.meter.createCounter('x').add(1);
    expect((await exportOnce(exporter, await pipeline.collect())).result.code).toBe(ExportResultCode.SUCCESS);
    const keys = (await database.db.collection('metrics').listIndexes().toArray()).map((index) => index.key);
    expect(keys).toEqual(expect.arrayContaining([{ timestamp: -1 }, { maquina_id: 1, timestamp: -1 }]));
    await exporter.shutdown();
    await pipeline.provider.shutdown();
  });

  it('with sendMetricsOnShutdown false, leaves the document as the last export wrote it', async () => {
    const collection = database.db.collection('no_final');
    const sessions = new SessionRegistry();
    const exporter = newExporter('no_final', sessions, { sendMetricsOnShutdown: false });
    const pipeline = meterPipeline();
    pipeline.meter.createCounter('x').add(1);
    await exportOnce(exporter, await pipeline.collect());
    const before = await collection.findOne();
    await exporter.shutdown();
    expect(await collection.findOne()).toEqual(before);
    expect(before?.sessao.ativa).toBe(true);
    await pipeline.provider.shutdown();
  });

  it('reports FAILED once when the server is unreachable, without the password, and calls back once', async () => {
    const port = await closedPort();
    const sessions = new SessionRegistry();
    const exporter = withSessionRegistry(
      sessions,
      () =>
        new MongoMetricExporter({
          connectionString: `mongodb://metrics:Sup3rSecretPw@127.0.0.1:${port}/`,
          connectionTimeoutMs: 500,
          retryDeadlineMs: 1500,
          spoolDir: false,
        }),
    );
    const pipeline = meterPipeline();
    pipeline.meter.createCounter('x').add(1);
    const started = Date.now();
    const { result, calls } = await exportOnce(exporter, await pipeline.collect());
    expect(Date.now() - started).toBeLessThan(8000);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(calls).toBe(1);
    expect(exporter.isConnected).toBe(false);
    expect(exporter.getStats().failed).toBe(1);
    expect(diagOutput.text()).toMatch(/1 metrics document\(s\) not written \(the spool is off\)/);
    expect(diagOutput.text()).not.toContain('Sup3rSecretPw');
    expect(String(result.error)).not.toContain('Sup3rSecretPw');
    await exporter.shutdown();
    await pipeline.provider.shutdown();
  });

  it('does not close a client it was given', async () => {
    const client = new MongoClient(database.uri);
    const sessions = new SessionRegistry();
    const exporter = withSessionRegistry(
      sessions,
      () =>
        new MongoMetricExporter({
          client,
          database: database.name,
          collections: { metrics: 'given_client' },
        }),
    );
    const pipeline = meterPipeline();
    pipeline.meter.createCounter('x').add(1);
    expect((await exportOnce(exporter, await pipeline.collect())).result.code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect((await exportOnce(exporter, await pipeline.collect())).result.code).toBe(ExportResultCode.FAILED);
    await expect(client.db(database.name).command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    await client.close();
    await pipeline.provider.shutdown();
  });
});
