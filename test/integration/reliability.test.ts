import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeverityNumber } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { MongoBatchLogRecordProcessor, MongoLogRecordExporter } from '../../src/index';
import { eventually } from '../support/database';
import { captureDiag } from '../support/diag';
import { TEST_RESOURCE, captureRecords } from '../support/records';
import { ControlledServer, describeWithPrivateServer } from '../support/server';

const diagOutput = captureDiag();
const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempSpool(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spool-test-'));
  tempDirs.push(dir);
  return join(dir, 'spool');
}

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
}

describeWithPrivateServer('delivery through outages (own server, stopped and restarted)', () => {
  it('stores all 20,000 records exactly once when the server goes down mid-stream and comes back (NodeSDK recipe, defaults)', async () => {
    const server = new ControlledServer('outage');
    const uri = server.start();
    const spoolDir = tempSpool();
    const exporter = new MongoLogRecordExporter({ connectionString: uri, database: 'outage', spoolDir });
    const processor = new MongoBatchLogRecordProcessor({ exporter });
    const provider = new LoggerProvider({ resource: TEST_RESOURCE, processors: [processor] });
    const logger = provider.getLogger('outage');
    const total = 20_000;
    try {
      for (let i = 0; i < total; i++) {
        // Each record is a distinct error (its own fingerprint): the storm guard folds none.
        logger.emit({
          severityNumber: SeverityNumber.ERROR,
          body: `record ${i}`,
          attributes: { seq: i, 'error.fingerprint': `record ${i}` },
        });
        if (i === 5_000) {
          await provider.forceFlush();
          server.stop();
        }
        if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await provider.forceFlush();
      expect(exporter.getStats().spooled).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      server.start();
      await eventually(
        async () => exporter.getStats().replayed + exporter.getStats().written >= total,
        'spool replayed',
        540_000,
      );
      await provider.shutdown();
      const stats = processor.getStats();
      expect(stats.filtered + stats.written + stats.rejected + stats.failed + stats.spooled).toBe(
        stats.accepted,
      );
      expect(stats.accepted).toBe(total);

      const client = new MongoClient(uri);
      const errors = client.db('outage').collection('errors');
      const documents = await errors.countDocuments();
      const distinct = (await errors.distinct('contexto.seq')).length;
      await client.close();
      console.log('outage mid-stream:', exporter.getStats());
      expect({ documents, distinct }).toEqual({ documents: total, distinct: total });
      expect(exporter.getStats()).toMatchObject({ failed: 0, dropped: 0, suppressed: 0 });
      expect(filesUnder(spoolDir).filter((f) => f.includes('.ejsonl'))).toEqual([]);
    } finally {
      server.destroy();
    }
  }, 600_000); // the local server stores 1,500-8,000 documents/s, depending on the machine's load

  it('fails fast on a wrong password, says so clearly, and never writes the password anywhere', async () => {
    const server = new ControlledServer('auth', { user: 'logger', password: 'Right-Pass-123' });
    const uri = server.start();
    const spoolDir = tempSpool();
    const wrong = 'Wr0ng-Pa55word-xyz';
    const exporter = new MongoLogRecordExporter({
      connectionString: uri.replace('mongodb://', `mongodb://logger:${wrong}@`) + '?authSource=admin',
      connectionTimeoutMs: 2000,
      spoolDir,
    });
    try {
      const records = captureRecords((logger) => logger('x').emit({ severityNumber: 17, body: 'x' }));
      const started = Date.now();
      const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
        exporter.export(records, resolve),
      );
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(Date.now() - started).toBeLessThan(5000); // not retried until the deadline
      expect(result.error?.message).toMatch(/Authentication failed/);
      const output = diagOutput.text() + String(result.error);
      expect(output).toMatch(/not written \(a retry cannot fix this\)/);
      expect(output).not.toContain(wrong);
      for (const file of filesUnder(spoolDir)) expect(readFileSync(file, 'utf8')).not.toContain(wrong);
      expect(exporter.getStats()).toMatchObject({ failed: 1, spooled: 0 });
    } finally {
      await exporter.shutdown();
      server.destroy();
    }
  });
});

describe('spool files', () => {
  it('are readable only by the user and hold EJSON lines', async () => {
    const spoolDir = tempSpool();
    const exporter = new MongoLogRecordExporter({
      connectionString: 'mongodb://127.0.0.1:1/',
      connectionTimeoutMs: 300,
      retryDeadlineMs: 500,
      spoolDir,
    });
    const records = captureRecords((logger) =>
      logger('x').emit({ severityNumber: 17, body: 'kept on disk', attributes: { n: 1 } }),
    );
    const result = await new Promise<{ code: number }>((resolve) => exporter.export(records, resolve));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(exporter.getStats().spooled).toBe(1);
    await exporter.shutdown();
    expect(statSync(spoolDir).mode & 0o777).toBe(0o700);
    const [file] = filesUnder(spoolDir);
    expect(file).toBeDefined();
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const [count, kind, operation, payload] = readFileSync(file!, 'utf8').trim().split('\t');
    expect([count, kind, operation]).toEqual(['1', 'errors', 'insert']);
    expect(payload).toContain('"$date"');
    expect(payload).toContain('kept on disk');
  });
});
