import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';

/**
 * The exporter's temporality per instrument, OpenTelemetry's "delta" preference:
 * counters and histograms arrive as deltas that the exporter adds into the current
 * session, so a new session starts from zero and its `min_ms`/`max_ms` cover that
 * session only (cumulative min/max could not be split at a session boundary).
 * Up-down counters are levels (connections open, items queued) and stay cumulative.
 * Gauges are last values either way; delta reports only those recorded in the interval.
 */
export function sessionTemporality(instrumentType: InstrumentType): AggregationTemporality {
  return instrumentType === InstrumentType.UP_DOWN_COUNTER ||
    instrumentType === InstrumentType.OBSERVABLE_UP_DOWN_COUNTER
    ? AggregationTemporality.CUMULATIVE
    : AggregationTemporality.DELTA;
}
