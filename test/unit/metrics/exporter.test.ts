import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { MongoMetricExporter } from '../../../src/metrics/exporter';
import { LifecycleError } from '../../../src/foundation/errors';
import { SessionRegistry, withSessionRegistry } from '../../../src/resource/session';
import { meterPipeline } from '../../fixtures/metrics-reader';

// Port 1 on loopback: nothing listens there, and these tests never reach a write.
const NOWHERE = 'mongodb://127.0.0.1:1/';

function exportOnce(exporter: MongoMetricExporter, metrics: Parameters<MongoMetricExporter['export']>[0]) {
  return new Promise<ExportResult>((resolve) => exporter.export(metrics, resolve));
}

async function someMetrics() {
  const pipeline = meterPipeline();
  pipeline.meter.createCounter('teste').add(5);
  pipeline.meter.createCounter('outro').add(1, { k: 'v' });
  const metrics = await pipeline.collect();
  await pipeline.provider.shutdown();
  return metrics;
}

describe('MongoMetricExporter (no server needed)', () => {
  it('asks for delta counters and histograms and cumulative up-down counters', () => {
    const exporter = withSessionRegistry(
      new SessionRegistry(),
      () => new MongoMetricExporter({ connectionString: NOWHERE }),
    );
    const pick = (type: InstrumentType) => exporter.selectAggregationTemporality(type);
    expect(pick(InstrumentType.COUNTER)).toBe(AggregationTemporality.DELTA);
    expect(pick(InstrumentType.OBSERVABLE_COUNTER)).toBe(AggregationTemporality.DELTA);
    expect(pick(InstrumentType.HISTOGRAM)).toBe(AggregationTemporality.DELTA);
    expect(pick(InstrumentType.GAUGE)).toBe(AggregationTemporality.DELTA);
    expect(pick(InstrumentType.UP_DOWN_COUNTER)).toBe(AggregationTemporality.CUMULATIVE);
    expect(pick(InstrumentType.OBSERVABLE_UP_DOWN_COUNTER)).toBe(AggregationTemporality.CUMULATIVE);
  });

  it('begins an implicit session when created, and releases it at shutdown', async () => {
    const sessions = new SessionRegistry();
    const exporter = withSessionRegistry(
      sessions,
      () => new MongoMetricExporter({ connectionString: NOWHERE, sendMetricsOnShutdown: false }),
    );
    const session = sessions.peek();
    expect(session).toMatchObject({ explicit: false });
    await exporter.shutdown();
    expect(sessions.peek()).toBeUndefined();
  });

  it('with metricsEnabled false, writes nothing, counts the points as filtered and leaves sessions alone', async () => {
    const sessions = new SessionRegistry();
    const exporter = withSessionRegistry(
      sessions,
      () => new MongoMetricExporter({ connectionString: NOWHERE, metricsEnabled: false }),
    );
    expect(sessions.peek()).toBeUndefined();
    const result = await exportOnce(exporter, await someMetrics());
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(exporter.getStats()).toMatchObject({ filtered: 2, written: 0, failed: 0 });
    await exporter.shutdown();
  });

  it('fails an export after shutdown, calling back once', async () => {
    const exporter = withSessionRegistry(
      new SessionRegistry(),
      () => new MongoMetricExporter({ connectionString: NOWHERE, sendMetricsOnShutdown: false }),
    );
    await exporter.shutdown();
    let calls = 0;
    const result = await new Promise<ExportResult>((resolve) =>
      exporter.export({ resource: undefined as never, scopeMetrics: [] }, (r) => {
        calls++;
        resolve(r);
      }),
    );
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(LifecycleError);
    expect(calls).toBe(1);
  });

  it('rejects bad switches at construction, naming the option', () => {
    expect(
      () =>
        new MongoMetricExporter({
          connectionString: NOWHERE,
          sendMetricsOnShutdown: 1 as unknown as boolean,
        }),
    ).toThrow(/Invalid option sendMetricsOnShutdown: 1/);
  });
});
