import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { AuditLogger } from '../../src/audit/audit-logger';
import { MongoLogRecordExporter } from '../../src/logs/exporter';
import { MetricsCollector } from '../../src/metrics/collector';
import { MongoMetricExporter } from '../../src/metrics/exporter';
import { ErrorReporter } from '../../src/reporter/error-reporter';
import { captureDiag } from '../support/diag';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase('names');
const diagOutput = captureDiag();

describe('OpenTelemetry attribute names stored on the server', () => {
  it('are queried by the name as written in contexto, detalhes, counters and timings', async () => {
    const options = { connectionString: database.uri, database: database.name, spoolDir: false as const };
    const loggerProvider = new LoggerProvider({
      processors: [new BatchLogRecordProcessor({ exporter: new MongoLogRecordExporter(options) })],
    });
    const reader = new PeriodicExportingMetricReader({
      exporter: new MongoMetricExporter(options),
      exportIntervalMillis: 60_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const errors = new ErrorReporter({ loggerProvider });
    const audit = new AuditLogger({ loggerProvider });
    const metrics = new MetricsCollector({ meterProvider });
    metrics.startSession();

    errors.report(new Error('falhou'), {
      'http.request.method': 'GET',
      'http.route': '/questoes/:id',
      'user.id': 'u1',
    });
    audit.log({
      acao: 'backup.feito',
      entidade: 'backup',
      entidadeId: 1,
      detalhes: { 'backup.destino': 'nuvem', 'backup.tamanho_mb': 12 },
    });
    metrics.increment('http.requests', 2);
    metrics.recordTiming('db.query.duration', 15);
    await metrics.endSession();
    await loggerProvider.shutdown();
    await meterProvider.shutdown();

    const db = database.db;
    expect(await db.collection('errors').countDocuments({ 'contexto.http.request.method': 'GET' })).toBe(1);
    expect(await db.collection('errors').countDocuments({ 'contexto.user.id': 'u1' })).toBe(1);
    expect(await db.collection('audit').countDocuments({ 'detalhes.backup.destino': 'nuvem' })).toBe(1);
    expect(await db.collection('metrics').countDocuments({ 'contadores.http.requests': 2 })).toBe(1);
    expect(await db.collection('metrics').countDocuments({ 'timings.db.query.duration.count': 1 })).toBe(1);
    // Dotted names are normal: nothing to warn about.
    expect(diagOutput.text()).not.toContain('key stored as');
  });
});
