import { describe, expect, it } from 'vitest';
import { ErrorReporter } from '../../../src/reporter/error-reporter';
import { captureRecords } from '../../support/records';

describe('ErrorReporter contexto', () => {
  it('keeps values the SDK would drop (Date, Map, BigInt, cycles), made storable', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const [record] = captureRecords((logger) => {
      const reporter = new ErrorReporter({ loggerProvider: { getLogger: () => logger('app') } });
      reporter.report(new Error('x'), {
        quando: new Date('2026-01-02T03:04:05.000Z'),
        mapa: new Map([['a', 1]]),
        grande: 12n,
        ciclo: cycle,
        'http.route': '/q',
      });
    });
    expect(record!.attributes).toMatchObject({
      quando: '2026-01-02T03:04:05.000Z',
      mapa: { a: 1 },
      grande: 12,
      ciclo: { self: '[Circular]' },
      'http.route': '/q',
    });
  });
});
