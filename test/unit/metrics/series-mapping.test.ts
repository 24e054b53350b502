import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { resourceFields } from '../../../src/document/resource-fields';
import { attributesKey, type Series, SessionAccumulator } from '../../../src/metrics/accumulator';
import { toSessionDocument } from '../../../src/metrics/transform';
import { METRICS_TEST_RESOURCE } from '../../fixtures/metrics-reader';
import { SanitizeReport } from '../../../src/document/sanitize-report';

// Pure tests of the session mapping and the accumulator on hand-made series and points: the
// cases the SDK rarely produces (no min/max, non-finite sums, empty points, unknown types).

function series(partial: Partial<Series> & Pick<Series, 'name' | 'kind'>): Series {
  return { attributes: {}, unit: '', timing: false, value: 0, histogram: undefined, ...partial };
}

function map(list: Series[], report = new SanitizeReport()) {
  const document = toSessionDocument({
    session: { id: 's', startedAt: new Date(0), endedAt: undefined },
    series: list,
    fields: resourceFields(METRICS_TEST_RESOURCE),
    now: new Date(1000),
    report,
  });
  return { document, report };
}

describe('toSessionDocument on hand-made series', () => {
  it('stores a missing min or max as null, without a note, and notes non-finite values at their path', () => {
    const { document, report } = map([
      series({
        name: 't',
        kind: 'histogram',
        timing: true,
        histogram: { count: 2, sum: Number.NaN, min: undefined, max: undefined },
      }),
      series({
        name: 'h',
        kind: 'histogram',
        unit: 'By',
        histogram: { count: 1, sum: Infinity, min: -Infinity, max: Infinity },
      }),
    ]);
    expect(document.timings).toEqual({
      t: { count: 2, min_ms: null, max_ms: null, avg_ms: null, total_ms: null },
    });
    expect(document.histogramas).toEqual({
      h: { unidade: 'By', count: 1, min: null, max: null, avg: null, sum: null },
    });
    expect(report.changes).toEqual([
      'histogramas.h.min: -Infinity stored as null',
      'histogramas.h.max: Infinity stored as null',
      'histogramas.h.avg: Infinity stored as null',
      'histogramas.h.sum: Infinity stored as null',
      'timings.t.avg_ms: NaN stored as null',
      'timings.t.total_ms: NaN stored as null',
    ]);
  });

  it('leaves out a histogram series with no points', () => {
    const { document } = map([series({ name: 'empty', kind: 'histogram', timing: true })]);
    expect(document.timings).toEqual({});
    expect(document.histogramas).toBeUndefined();
  });

  it('puts attributed plain histograms in histogramas_por_atributo, noting changed attributes at their path', () => {
    const { document, report } = map([
      series({
        name: 'bytes',
        kind: 'histogram',
        unit: 'By',
        attributes: { k: 'a', big: Infinity },
        histogram: { count: 1, sum: 4, min: 4, max: 4 },
      }),
    ]);
    expect(document.histogramas).toBeUndefined();
    expect(document.histogramas_por_atributo).toEqual({
      bytes: [
        { atributos: { k: 'a', big: 'Infinity' }, unidade: 'By', count: 1, min: 4, max: 4, avg: 4, sum: 4 },
      ],
    });
    expect(report.changes).toEqual(['atributos.bytes.big: Infinity stored as a string']);
  });

  it('orders series by name, then by attribute set, whatever order they come in', () => {
    const { document } = map([
      series({ name: 'b', kind: 'counter', value: 1 }),
      series({ name: 'c', kind: 'counter', attributes: { k: 'z' }, value: 3 }),
      series({ name: 'a', kind: 'counter', value: 2 }),
      series({ name: 'c', kind: 'counter', attributes: { k: 'a' }, value: 4 }),
      series({ name: 'c', kind: 'counter', attributes: { k: 'm' }, value: 5 }),
    ]);
    expect(Object.keys(document.contadores)).toEqual(['a', 'b']);
    const entries = document.contadores_por_atributo?.c as { valor: number }[];
    expect(entries.map((entry) => entry.valor)).toEqual([4, 5, 3]);
  });
});

function point(value: unknown, attributes = {}) {
  return { attributes, startTime: [0, 0], endTime: [1, 0], value } as never;
}

function exported(metrics: unknown[]): ResourceMetrics {
  return { resource: METRICS_TEST_RESOURCE, scopeMetrics: [{ scope: { name: 'test' }, metrics }] } as never;
}

function histogram(
  name: string,
  unit: string,
  values: { count: number; sum?: number; min?: number; max?: number },
) {
  return {
    descriptor: { name, unit, description: '', valueType: 1 },
    aggregationTemporality: AggregationTemporality.DELTA,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: [point({ buckets: { boundaries: [], counts: [] }, ...values })],
  };
}

describe('SessionAccumulator on hand-made points', () => {
  it('skips histogram points that counted nothing', () => {
    const accumulator = new SessionAccumulator();
    accumulator.merge(exported([histogram('t', 'ms', { count: 0, sum: 0 })]));
    expect(accumulator.size).toBe(0);
  });

  it('keeps a missing sum as NaN and a missing min or max as missing, scaled otherwise', () => {
    const accumulator = new SessionAccumulator();
    accumulator.merge(
      exported([
        histogram('t', 's', { count: 1 }),
        histogram('u', 's', { count: 1, sum: 2, min: 1, max: 2 }),
      ]),
    );
    const [t, u] = [...accumulator.values()];
    expect(t?.histogram).toEqual({ count: 1, sum: Number.NaN, min: undefined, max: undefined });
    expect(u?.histogram).toEqual({ count: 1, sum: 2000, min: 1000, max: 2000 });
  });

  it('combines a missing min or max with a known one into the known one, in either order', () => {
    const accumulator = new SessionAccumulator();
    accumulator.merge(
      exported([
        histogram('a', 'ms', { count: 1, sum: 5 }),
        histogram('b', 'ms', { count: 1, sum: 5, min: 5, max: 5 }),
      ]),
    );
    accumulator.merge(
      exported([
        histogram('a', 'ms', { count: 1, sum: 7, min: 7, max: 7 }),
        histogram('b', 'ms', { count: 1, sum: 9 }),
      ]),
    );
    const [a, b] = [...accumulator.values()];
    expect(a?.histogram).toEqual({ count: 2, sum: 12, min: 7, max: 7 });
    expect(b?.histogram).toEqual({ count: 2, sum: 14, min: 5, max: 5 });
  });

  it('marks counters as not timings, and a histogram in a time unit as one', () => {
    const accumulator = new SessionAccumulator();
    accumulator.merge(
      exported([
        {
          descriptor: { name: 'c', unit: 'ms', description: '', valueType: 1 },
          aggregationTemporality: AggregationTemporality.DELTA,
          dataPointType: DataPointType.SUM,
          isMonotonic: true,
          dataPoints: [point(1)],
        },
        histogram('t', 'ms', { count: 1, sum: 1, min: 1, max: 1 }),
      ]),
    );
    expect([...accumulator.values()].map((s) => [s.name, s.timing])).toEqual([
      ['c', false],
      ['t', true],
    ]);
  });

  it('takes nothing from a data point type it does not know', () => {
    const accumulator = new SessionAccumulator();
    const unknown = { ...histogram('x', 'ms', { count: 1 }), dataPointType: 99 };
    expect(accumulator.merge(exported([unknown]))).toBe(0);
    expect(accumulator.version).toBe(0);
  });
});

describe('attributesKey', () => {
  it('is empty for no attributes and the same whatever the order of the keys', () => {
    expect(attributesKey({})).toBe('');
    expect(attributesKey({ b: 1, a: 'x' })).toBe(attributesKey({ a: 'x', b: 1 }));
    expect(attributesKey({ a: 1 })).not.toBe(attributesKey({ a: 2 }));
  });
});
