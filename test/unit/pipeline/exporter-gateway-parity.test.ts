import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { calculateObjectSize } from 'bson';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { resourceFields } from '../../../src/document/resource-fields';
import type { ErrorDocument } from '../../../src/document/schema';
import { MAX_DOCUMENT_BYTES } from '../../../src/document/shrink';
import { StatsCounter } from '../../../src/foundation/stats';
import { GatewayCounter } from '../../../src/gateway/counters';
import { LogSink } from '../../../src/gateway/log-sink';
import type { GatewayStorage } from '../../../src/gateway/storage';
import { MongoLogRecordExporter, type MongoExporterOptions } from '../../../src/index';
import { resolveOptions } from '../../../src/shared-options/shared-options';
import { attachTrail } from '../../../src/pipeline/trail';
import { captureRecords, TEST_RESOURCE } from '../../support/records';
import { auditRecord, errorRecords } from './log-records';

describe('the exporter and the gateway share the pipeline', () => {
  const options: MongoExporterOptions = {
    // No server: the storm's summary that shutdown writes is refused at once and goes to a spool
    // in a temporary folder, with the delivery's defaults.
    connectionString: 'mongodb://127.0.0.1:1/',
    spoolDir: mkdtempSync(join(tmpdir(), 'parity-spool-')),
    createIndexes: false,
    stormGuard: { maxPerWindow: 2, windowMs: 60_000 },
    beforeSend: (document) =>
      'erro' in document && document.erro.mensagem === 'descartar' ? null : { ...document, marcado: true },
  };
  afterAll(() => rmSync(options.spoolDir as string, { recursive: true, force: true }));

  /** Records that each stage changes: filtered, audit, trail, beforeSend drop, storm, sanitized, oversized. */
  function records(): ReadableLogRecord[] {
    const [info] = captureRecords((logger) => logger('app').emit({ severityNumber: 9, body: 'info' }));
    const [withTrail] = errorRecords(1, { 'error.fingerprint': 'com-trilha' });
    attachTrail(withTrail!, [info!]);
    const [dropped] = captureRecords((logger) =>
      logger('app').emit({ severityNumber: 17, body: 'descartar' }),
    );
    const [long] = errorRecords(1, { 'error.fingerprint': 'longo', nota: 'y'.repeat(70_000) });
    const big = 'x'.repeat(60 * 1024);
    const [huge] = errorRecords(1, {
      'error.fingerprint': 'enorme',
      campos: Array.from({ length: 300 }, () => big),
    });
    return [info!, auditRecord(), withTrail!, dropped!, ...errorRecords(4), long!, huge!];
  }

  const withoutId = (documents: readonly { _id: string }[]) => documents.map(({ _id, ...rest }) => rest);

  it('gives both the same documents and counts for the same records, with every stage applied', async () => {
    const input = records();
    const exporter = new MongoLogRecordExporter(options);
    // The exporter's mapping step, without a server: what export() and the spool spill write.
    const mapped = (
      exporter as unknown as {
        map(records: readonly ReadableLogRecord[]): { errors: ErrorDocument[]; audit: { _id: string }[] };
      }
    ).map(input);
    const stored = new Map<string, { _id: string }[]>();
    const storage = {
      stats: new StatsCounter(),
      store: vi.fn(async (kind: string, _operation: string, documents: { _id: string }[]) => {
        stored.set(kind, [...(stored.get(kind) ?? []), ...documents]);
      }),
    } as unknown as GatewayStorage;
    const counter = new GatewayCounter();
    const sink = new LogSink(resolveOptions(options), storage, counter);
    const fields = resourceFields(TEST_RESOURCE);
    const result = await sink.write(
      sink.map([{ app: 'app', fields, records: input.map((record, i) => ({ record, id: `id-${i}` })) }]),
    );

    expect(result).toEqual({ rejected: 0, message: '' });
    expect(withoutId(stored.get('errors') ?? [])).toEqual(withoutId(mapped.errors));
    expect(withoutId(stored.get('audit') ?? [])).toEqual(withoutId(mapped.audit));
    const counts = ({ filtered, suppressed, sanitized, failed }: ReturnType<StatsCounter['snapshot']>) => ({
      filtered,
      suppressed,
      sanitized,
      failed,
    });
    expect(counts(storage.stats.snapshot())).toEqual(counts(exporter.getStats()));
    expect(counter.records).toMatchObject({ filtered: 2, rejected: 0 });

    // Each stage left its mark, so equal documents mean neither side skipped one.
    expect(mapped.audit).toHaveLength(1);
    expect(mapped.errors).toHaveLength(5); // trail, 2 of the storm's 4, long, huge; 'descartar' dropped
    expect(mapped.errors.every((document) => (document as unknown as { marcado?: boolean }).marcado)).toBe(
      true,
    );
    expect(mapped.errors[0]!.trilha?.map((entry) => 'mensagem' in entry && entry.mensagem)).toEqual(['info']);
    expect(exporter.getStats()).toMatchObject({ filtered: 2, suppressed: 2, sanitized: 2 });
    expect(calculateObjectSize(mapped.errors[4]!)).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);

    await sink.close();
    await exporter.shutdown();
  });
});
