import { SeverityNumber } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { AuditLogger, MongoLogRecordExporter } from '../../src/index';
import { useTestDatabase } from '../support/database';
import { TEST_RESOURCE } from '../support/records';

const database = useTestDatabase('hostile');

function hostileValues(): [string, unknown][] {
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 50; i++) deep = { d: deep };
  return [
    ['undefined', undefined],
    ['null', null],
    ['function', () => 1],
    ['symbol', Symbol('s')],
    ['small bigint', 42n],
    ['huge bigint', 2n ** 100n],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['-0', -0],
    ['invalid date', new Date('x')],
    ['circular', circular],
    ['deep', deep],
    ['dollar key', { $where: 'sleep(1)' }],
    ['dotted key', { 'a.b.c': 1 }],
    ['map', new Map([['k', 1]])],
    ['set', new Set([1, 2])],
    ['buffer', Buffer.from('bytes')],
    ['typed array', new Float64Array([1, 2])],
    ['lone surrogate', 'bad \uD800 text'],
    ['nul in key', { 'a\0b': 1 }],
    ['very long string', 'x'.repeat(200_000)],
    ['error object', new TypeError('inside')],
    ['regexp', /x+/g],
    [
      'class instance',
      new (class Point {
        x = 1;
        y = 2;
      })(),
    ],
    ['array of mixed', [1, 'a', null, undefined, () => 0, 5n]],
    ['secret key', { password: 'hunter2', apiKey: 'k' }],
    ['connection string', 'mongodb://user:topsecretpw@db.example.com/x'],
    ['proto key', JSON.parse('{"__proto__": {"polluted": true}}')],
  ];
}

describe('hostile values', () => {
  it('stores every record whatever its attributes, body or audit details hold, and the process survives', async () => {
    const values = hostileValues();
    expect(values.length).toBeGreaterThanOrEqual(25);
    const exporter = new MongoLogRecordExporter({ connectionString: database.uri, database: database.name });
    const provider = new LoggerProvider({
      resource: TEST_RESOURCE,
      processors: [new BatchLogRecordProcessor({ exporter, maxQueueSize: 1000 })],
    });
    const logger = provider.getLogger('hostile');
    const audit = new AuditLogger({ loggerProvider: provider });
    for (const [label, value] of values) {
      expect(() => {
        // Attributes are typed for primitives; applications pass whatever they have.
        logger.emit({
          severityNumber: SeverityNumber.ERROR,
          body: value as never,
          attributes: { label, value: value as never },
        });
        audit.log({ acao: 'teste.hostil', entidade: 'valor', entidadeId: label, detalhes: { label, value } });
      }).not.toThrow();
    }
    await provider.shutdown();

    const errors = database.db.collection('errors');
    const auditCollection = database.db.collection('audit');
    expect(await errors.countDocuments()).toBe(values.length);
    expect(await auditCollection.countDocuments()).toBe(values.length);
    for (const [label] of values) {
      expect(await errors.countDocuments({ 'contexto.label': label }), `errors: ${label}`).toBe(1);
      expect(await auditCollection.countDocuments({ entidade_id: label }), `audit: ${label}`).toBe(1);
    }
    const stored =
      JSON.stringify(await errors.find().toArray()) + JSON.stringify(await auditCollection.find().toArray());
    // Booleans, not the text: a failure must not print megabytes of documents.
    expect(stored.includes('hunter2'), 'a redacted password is stored').toBe(false);
    expect(stored.includes('topsecretpw'), 'a connection-string password is stored').toBe(false);
    expect(exporter.getStats()).toMatchObject({ failed: 0, rejected: 0 });
  });

  it('stores a record larger than 16 MB, truncated with a marker', async () => {
    const exporter = new MongoLogRecordExporter({
      connectionString: database.uri,
      database: database.name,
      collections: { errors: 'oversized' },
    });
    const provider = new LoggerProvider({
      resource: TEST_RESOURCE,
      processors: [new BatchLogRecordProcessor({ exporter })],
    });
    // ~24 MB in one array attribute: the SDK keeps at most 128 attributes, each string here stays
    // under maxStringLength, so only the 16 MB shrink can make this storable.
    const payload = Array.from({ length: 400 }, (_, i) => String(i % 10).repeat(60_000));
    provider.getLogger('big').emit({
      severityNumber: SeverityNumber.ERROR,
      body: 'oversized',
      attributes: { marker: 'big-one', payload },
    });
    await provider.shutdown();
    const stored = await database.db.collection('oversized').findOne({ 'contexto.marker': 'big-one' });
    expect(stored).not.toBeNull();
    const storedPayload = (stored!.contexto as { payload: string[] }).payload;
    expect(storedPayload).toHaveLength(400);
    expect(
      /^7+…\[truncated \d+ chars\]$/.test(storedPayload[7]!),
      'field 7 carries the truncation marker',
    ).toBe(true);
    expect(exporter.getStats()).toMatchObject({ written: 1, failed: 0 });
  });
});
