import { describe, expect, it } from 'vitest';
import { resourceFields } from '../../../src/document/resource-fields';
import { SessionAccumulator } from '../../../src/metrics/accumulator';
import { toSessionDocument } from '../../../src/metrics/transform';
import { METRICS_TEST_RESOURCE, meterPipeline } from '../../fixtures/metrics-reader';
import { SanitizeReport } from '../../../src/document/sanitize-report';

function documentOf(accumulator: SessionAccumulator) {
  return toSessionDocument({
    session: { id: 's', startedAt: new Date(0), endedAt: undefined },
    series: accumulator.values(),
    fields: resourceFields(METRICS_TEST_RESOURCE),
    now: new Date(1000),
    report: new SanitizeReport(),
  });
}

describe('SessionAccumulator with the exporter temporality', () => {
  it('adds counter and histogram deltas across exports, min and max included', async () => {
    const pipeline = meterPipeline();
    const counter = pipeline.meter.createCounter('questoes_criadas');
    const histogram = pipeline.meter.createHistogram('salvar', { unit: 'ms' });
    const accumulator = new SessionAccumulator();

    // The session's min and max are in the first export; the second export's own min and
    // max lie between them, so "keep the last export's" would be caught.
    counter.add(2);
    histogram.record(10);
    histogram.record(40);
    accumulator.merge(await pipeline.collect());
    counter.add(3);
    histogram.record(30);
    histogram.record(20);
    accumulator.merge(await pipeline.collect());
    accumulator.merge(await pipeline.collect()); // nothing new: nothing changes

    const document = documentOf(accumulator);
    expect(document.contadores).toEqual({ questoes_criadas: 5 });
    expect(document.timings.salvar).toEqual({ count: 4, min_ms: 10, max_ms: 40, avg_ms: 25, total_ms: 100 });
    await pipeline.provider.shutdown();
  });

  it('starts a new session from zero: its counts and min/max cover that session only', async () => {
    const pipeline = meterPipeline();
    const counter = pipeline.meter.createCounter('questoes_criadas');
    const histogram = pipeline.meter.createHistogram('salvar', { unit: 'ms' });
    counter.add(10);
    histogram.record(1);
    new SessionAccumulator().merge(await pipeline.collect()); // the first session

    const second = new SessionAccumulator();
    counter.add(1);
    histogram.record(50);
    second.merge(await pipeline.collect());
    const document = documentOf(second);
    expect(document.contadores).toEqual({ questoes_criadas: 1 });
    expect(document.timings.salvar).toMatchObject({ count: 1, min_ms: 50, max_ms: 50 });
    await pipeline.provider.shutdown();
  });

  it('keeps up-down counters as levels and gauges as last values', async () => {
    const pipeline = meterPipeline();
    const open = pipeline.meter.createUpDownCounter('conexoes');
    const gauge = pipeline.meter.createGauge('memoria');
    const accumulator = new SessionAccumulator();
    open.add(5);
    gauge.record(100);
    accumulator.merge(await pipeline.collect());
    open.add(-2);
    gauge.record(80);
    accumulator.merge(await pipeline.collect());
    expect(documentOf(accumulator)).toMatchObject({
      contadores_bidirecionais: { conexoes: 3 },
      medidores: { memoria: 80 },
    });
    await pipeline.provider.shutdown();
  });

  it('counts merged points and bumps its version only when something changed', async () => {
    const pipeline = meterPipeline();
    const accumulator = new SessionAccumulator();
    pipeline.meter.createCounter('a').add(1, { k: 'x' });
    pipeline.meter.createCounter('a').add(1, { k: 'y' });
    expect(accumulator.merge(await pipeline.collect())).toBe(2);
    expect(accumulator.version).toBe(1);
    expect(accumulator.size).toBe(2);
    expect(accumulator.merge(await pipeline.collect())).toBe(0);
    expect(accumulator.version).toBe(1);
    await pipeline.provider.shutdown();
  });
});
