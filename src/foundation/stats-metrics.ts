import type { MeterProvider, ObservableResult } from '@opentelemetry/api';
import { type ExporterStats, STAT_NAMES } from './stats';

/** Anything with exporter stats: `MongoLogRecordExporter` and `MongoMetricExporter`. */
export interface StatsSource {
  getStats(): ExporterStats;
}

export const STATS_METER_NAME = 'opentelemetry-exporter-mongodb';
export const STATS_METRIC_NAME = 'mongodb_exporter.documents';

/**
 * Publishes exporters' stats as one OpenTelemetry observable counter,
 * `mongodb_exporter.documents{exporter, outcome}`, on the given MeterProvider, so that a
 * Prometheus or OTLP pipeline can scrape them. `exporters` names each source, e.g.
 * `{ logs: logExporter, metrics: metricExporter }`. Returns a function that stops publishing.
 */
export function observeExporterStats(
  meterProvider: MeterProvider,
  exporters: Readonly<Record<string, StatsSource>>,
): () => void {
  const meter = meterProvider.getMeter(STATS_METER_NAME);
  const counter = meter.createObservableCounter(STATS_METRIC_NAME, {
    description: 'Documents handled by the MongoDB exporters, by outcome',
    unit: '{document}',
  });
  const callback = (result: ObservableResult) => {
    for (const [exporter, source] of Object.entries(exporters)) {
      const stats = source.getStats();
      for (const outcome of STAT_NAMES) result.observe(stats[outcome], { exporter, outcome });
    }
  };
  counter.addCallback(callback);
  return () => counter.removeCallback(callback);
}
