import { SeverityNumber } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MongoClient } from 'mongodb';
import { describe, expect, it, vi } from 'vitest';
import { MongoLogRecordExporter } from '../../src/index';
import { captureDiag } from '../support/diag';
import { TEST_RESOURCE, captureRecords } from '../support/records';
import { useTestDatabase } from '../support/database';
import { closedPort } from '../support/network';

const database = useTestDatabase('logs');
const diagOutput = captureDiag();

function newExporter(options: ConstructorParameters<typeof MongoLogRecordExporter>[0] = {}) {
  return new MongoLogRecordExporter({ connectionString: database.uri, database: database.name, ...options });
}

function pipeline(exporter: MongoLogRecordExporter) {
  const provider = new LoggerProvider({
    resource: TEST_RESOURCE,
    processors: [
      new BatchLogRecordProcessor({
        exporter,
        maxQueueSize: 10_000,
        maxExportBatchSize: 512,
        scheduledDelayMillis: 50,
      }),
    ],
  });
  return { provider, logger: provider.getLogger('integration') };
}

function exportOnce(
  exporter: MongoLogRecordExporter,
  records: Parameters<MongoLogRecordExporter['export']>[0],
) {
  return new Promise<{ result: ExportResult; calls: number }>((resolve) => {
    let calls = 0;
    exporter.export(records, (result) => {
      calls++;
      setTimeout(() => resolve({ result, calls }), 50);
    });
  });
}

describe('MongoLogRecordExporter against a real server', () => {
  it('stores every record emitted through a BatchLogRecordProcessor, with BSON dates and ints', async () => {
    const collection = database.db.collection('errors');
    // 5000 records of one fingerprint: the storm guard would fold them (its own tests are in
    // storm-guard.test.ts); here every record must reach the server as its own document.
    const exporter = newExporter({ stormGuard: false });
    const { provider, logger } = pipeline(exporter);
    const count = 5000;
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      logger.emit({
        severityNumber: SeverityNumber.ERROR,
        body: `falha ${i}`,
        attributes: { 'code.line.number': i, 'code.file.path': '/app/x.ts', i },
      });
    }
    await provider.forceFlush();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `log exporter: ${count} records in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} records/s`,
    );

    expect(await collection.countDocuments()).toBe(count);
    expect(await collection.countDocuments({ timestamp: { $type: 'date' } })).toBe(count);
    expect(await collection.countDocuments({ 'erro.linha': { $type: 'int' } })).toBe(count);
    const one = await collection.findOne({ 'contexto.i': 7 });
    expect(one).toMatchObject({ nivel: 'ERROR', maquina_id: '0123456789abcdef', app_version: '9.9.9' });
    expect(one?.erro).toMatchObject({ mensagem: 'falha 7', arquivo: '/app/x.ts', linha: 7 });
    expect(exporter.getStats()).toMatchObject({ written: count, failed: 0 });
    expect(exporter.isConnected).toBe(true);
    await provider.shutdown();
  });

  it('creates the plan indexes and the fingerprint index on errors', async () => {
    const exporter = newExporter();
    const records = captureRecords((logger) => logger('x').emit({ severityNumber: 17, body: 'x' }));
    expect((await exportOnce(exporter, records)).result.code).toBe(ExportResultCode.SUCCESS);
    const keys = (await database.db.collection('errors').listIndexes().toArray()).map((index) => index.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        { timestamp: -1 },
        { maquina_id: 1, timestamp: -1 },
        { 'erro.tipo': 1 },
        { 'erro.fingerprint': 1, timestamp: -1 },
      ]),
    );
    await exporter.shutdown();
  });

  it('writes nothing below the threshold and counts it as filtered', async () => {
    const collection = database.db.collection('threshold_errors');
    const exporter = newExporter({ collections: { errors: 'threshold_errors' }, remoteLevel: 'WARNING' });
    const records = captureRecords((logger) => {
      logger('x').emit({ severityNumber: SeverityNumber.INFO, body: 'info' });
      logger('x').emit({ severityNumber: SeverityNumber.WARN, body: 'warn' });
      logger('x').emit({ severityNumber: SeverityNumber.FATAL, body: 'fatal' });
    });
    expect((await exportOnce(exporter, records)).result.code).toBe(ExportResultCode.SUCCESS);
    expect((await collection.find().toArray()).map((d) => d.nivel).sort()).toEqual(['CRITICAL', 'WARNING']);
    expect(exporter.getStats()).toMatchObject({ written: 2, filtered: 1 });
    await exporter.shutdown();
  });

  it('loses nothing when the provider is shut down right after emitting', async () => {
    const collection = database.db.collection('close_errors');
    const exporter = newExporter({ collections: { errors: 'close_errors' } });
    const provider = new LoggerProvider({
      resource: TEST_RESOURCE,
      // A long delay: only shutdown's flush can deliver these.
      processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 60_000 })],
    });
    const logger = provider.getLogger('close');
    logger.emit({ severityNumber: 17, body: 'first error before close' });
    logger.emit({ severityNumber: 17, body: 'second error before close' });
    await provider.shutdown();
    expect(await collection.countDocuments()).toBe(2);
  });

  it('reports FAILED within the timeout when the server is unreachable, calls back once, and keeps the process alive', async () => {
    const port = await closedPort();
    const exporter = new MongoLogRecordExporter({
      connectionString: `mongodb://logger:Sup3rSecretPw@127.0.0.1:${port}/`,
      connectionTimeoutMs: 500,
      retryDeadlineMs: 1500,
      spoolDir: false,
    });
    const records = captureRecords((logger) => logger('x').emit({ severityNumber: 17, body: 'lost?' }));
    const started = Date.now();
    const { result, calls } = await exportOnce(exporter, records);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(calls).toBe(1);
    expect(exporter.isConnected).toBe(false);
    expect(exporter.getStats().failed).toBe(1);
    expect(diagOutput.text()).toMatch(/1 errors document\(s\) not written \(the spool is off\)/);
    expect(diagOutput.text()).not.toContain('Sup3rSecretPw');
    expect(String(result.error)).not.toContain('Sup3rSecretPw');
    await exporter.shutdown();
  });

  it('does not close a client it was given, and fails exports after shutdown', async () => {
    const client = new MongoClient(database.uri);
    const exporter = new MongoLogRecordExporter({ client, database: database.name });
    const records = captureRecords((logger) => logger('x').emit({ severityNumber: 17, body: 'x' }));
    expect((await exportOnce(exporter, records)).result.code).toBe(ExportResultCode.SUCCESS);
    const listenersBefore = client.listenerCount('serverHeartbeatFailed');
    await exporter.shutdown();
    expect(client.listenerCount('serverHeartbeatFailed')).toBe(listenersBefore - 1);
    expect((await exportOnce(exporter, records)).result.code).toBe(ExportResultCode.FAILED);
    await expect(client.db(database.name).command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    await client.close();
  });

  it('stores one document per exported record, each with its own _id', async () => {
    const collection = database.db.collection('dup_errors');
    const exporter = newExporter({ collections: { errors: 'dup_errors' } });
    const records = captureRecords((logger) => {
      logger('x').emit({ severityNumber: 17, body: 'once' });
      logger('x').emit({ severityNumber: 17, body: 'twice' });
    });
    expect((await exportOnce(exporter, records)).result.code).toBe(ExportResultCode.SUCCESS);
    const stored = await collection.find().toArray();
    expect(stored.map((d) => d.erro.mensagem).sort()).toEqual(['once', 'twice']);
    expect(new Set(stored.map((d) => d._id)).size).toBe(2);
    await exporter.shutdown();
  });

  it('rejects bad options at construction, naming the option', () => {
    expect(() => newExporter({ connectionTimeoutMs: 0 })).toThrow(/Invalid option connectionTimeoutMs: 0/);
    // No URI anywhere: not in the options, nor in the environment (which may name the test server).
    vi.stubEnv('MONGODB_URI', '');
    vi.stubEnv('MONGODB_CONNECTION_STRING', '');
    try {
      expect(() => new MongoLogRecordExporter({ database: 'x' })).toThrow(/Invalid option connectionString/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('folds a storm beyond stormGuard.maxPerWindow into a summary written at shutdown, counted as suppressed', async () => {
    const collection = database.db.collection('guarded_errors');
    const exporter = newExporter({
      collections: { errors: 'guarded_errors' },
      stormGuard: { maxPerWindow: 2 },
    });
    const { provider, logger } = pipeline(exporter);
    for (let i = 0; i < 5; i++)
      logger.emit({ severityNumber: SeverityNumber.ERROR, body: `pedido ${i} falhou` });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'outro erro' });
    await provider.shutdown();

    const documents = await collection.find().sort({ timestamp: 1, _id: 1 }).toArray();
    const summary = documents.find((document) => document.ocorrencias !== undefined);
    expect(documents.filter((document) => document.erro.mensagem.startsWith('pedido'))).toHaveLength(3);
    expect(summary).toMatchObject({ ocorrencias: 3, erro: { mensagem: 'pedido 4 falhou' } });
    expect(documents.filter((document) => document.erro.mensagem === 'outro erro')).toHaveLength(1);
    // The summary stands for the suppressed occurrences: accepted = written + suppressed.
    expect(exporter.getStats()).toMatchObject({ accepted: 6, written: 3, suppressed: 3, failed: 0 });
  });
});
