import { LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { toSafeAttributes } from '../../../src/document/attribute-values';
import { SanitizeReport } from '../../../src/document/sanitize-report';

/** What the real SDK keeps of `audit.details` after LogRecordImpl.setAttribute. */
function throughSdk(details: unknown): unknown {
  const records: ReadableLogRecord[] = [];
  const provider = new LoggerProvider({
    processors: [
      { onEmit: (r) => void records.push(r), forceFlush: async () => {}, shutdown: async () => {} },
    ],
  });
  provider.getLogger('x').emit({ eventName: 'e', attributes: { 'audit.details': details as never } });
  return records[0]?.attributes['audit.details'];
}

function circular() {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
}

describe('the SDK and raw details (why the AuditLogger cleans them first)', () => {
  it.each([
    ['a function', { f: () => 1 }],
    ['a circular reference', circular()],
    ['a BigInt', { n: 10n }],
    ['a Date', { d: new Date(0) }],
    ['a Map', { m: new Map([['k', 1]]) }],
  ])('drops the whole attribute when it holds %s', (_label, details) => {
    expect(throughSdk(details)).toBeUndefined();
  });

  it('silently drops nested undefined values', () => {
    expect(throughSdk({ a: undefined, b: 1 })).toEqual({ b: 1 });
  });
});

describe('toSafeAttributes', () => {
  it('passes plain details through unchanged and reports nothing', () => {
    const report = new SanitizeReport();
    const details = {
      titulo: 'T',
      tags: ['a', 'b'],
      qtd: 3,
      ok: true,
      nada: null,
      sub: { x: [1, { y: 2 }] },
    };
    expect(toSafeAttributes(details, report, 'detalhes')).toEqual(details);
    expect(report.count).toBe(0);
  });

  it('makes every bad part safe, says what changed, and the SDK then keeps it all', () => {
    const report = new SanitizeReport();
    const details = {
      indefinido: undefined,
      funcao: function calcular() {},
      ciclo: circular(),
      grande: 2n ** 70n,
      pequeno: 5n,
      $set: 1,
      'a.b': 2,
      quando: new Date('2026-11-25T10:00:00Z'),
      oid: new ObjectId('656565656565656565656565'),
      password: 'hunter2',
    };
    const safe = toSafeAttributes(details, report, 'detalhes');
    expect(safe).toEqual({
      funcao: '[Function calcular]',
      ciclo: { a: 1, self: '[Circular]' },
      grande: '1180591620717411303424',
      pequeno: 5,
      // Attribute names are kept: the MongoDB exporter places them when it stores the record.
      $set: 1,
      'a.b': 2,
      quando: '2026-11-25T10:00:00.000Z',
      oid: '656565656565656565656565',
      password: '[REDACTED]',
    });
    const text = report.toString();
    for (const expected of [
      'detalhes.indefinido: undefined value omitted',
      'detalhes.funcao: function stored as its name',
      'detalhes.ciclo.self: circular reference',
      'detalhes.grande: BigInt beyond 2^53 stored as a string',
      'detalhes.quando: Date stored as an ISO 8601 string',
      'detalhes.oid: ObjectId stored as a string',
    ]) {
      expect(text).toContain(expected);
    }
    expect(throughSdk(safe)).toEqual(safe);
  });

  it('turns absent details into {} and a non-object into { valor }', () => {
    expect(toSafeAttributes(undefined, new SanitizeReport(), 'detalhes')).toEqual({});
    expect(toSafeAttributes(null, new SanitizeReport(), 'detalhes')).toEqual({});
    const report = new SanitizeReport();
    expect(toSafeAttributes('texto', report, 'detalhes')).toEqual({ valor: 'texto' });
    expect(report.count).toBe(1);
  });
});
