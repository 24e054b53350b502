import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { observeExporterStats, STATS_METRIC_NAME } from '../../../src/foundation/stats-metrics';
import { type ExporterStats, STAT_NAMES, zeroStats } from '../../../src/foundation/stats';

function stats(overrides: Partial<ExporterStats>): ExporterStats {
  return { ...zeroStats(), ...overrides };
}

describe('observeExporterStats', () => {
  it('publishes each exporter outcome as a point of one observable counter, until stopped', async () => {
    const memory = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter: memory, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ readers: [reader] });
    let written = 5;
    const stop = observeExporterStats(provider, {
      logs: { getStats: () => stats({ written, spooled: 2 }) },
      metrics: { getStats: () => stats({ dropped: 1 }) },
    });
    written = 7;
    await provider.forceFlush();
    const metric = memory
      .getMetrics()
      .at(-1)!
      .scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === STATS_METRIC_NAME)!;
    const value = (exporter: string, outcome: string) =>
      metric.dataPoints.find((p) => p.attributes.exporter === exporter && p.attributes.outcome === outcome)
        ?.value;
    expect(value('logs', 'written')).toBe(7);
    expect(value('logs', 'spooled')).toBe(2);
    expect(value('metrics', 'dropped')).toBe(1);
    expect(metric.dataPoints).toHaveLength(2 * STAT_NAMES.length);

    stop();
    written = 100;
    memory.reset();
    await provider.forceFlush();
    const later = memory.getMetrics().flatMap((m) => m.scopeMetrics.flatMap((s) => s.metrics));
    const observedAfterStop = later.flatMap((m) =>
      (m.dataPoints as { value: unknown }[]).map((p) => p.value),
    );
    expect(observedAfterStop).not.toContain(100);
    await provider.shutdown();
  });
});
