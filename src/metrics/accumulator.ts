import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { millisecondsPer } from './units';

/** What a series is, which decides where it lands in the document. */
export type SeriesKind = 'counter' | 'upDownCounter' | 'gauge' | 'histogram';

/** Count, sum, min and max of a histogram; durations already in milliseconds. */
export interface HistogramTotals {
  count: number;
  sum: number;
  min: number | undefined;
  max: number | undefined;
}

/** One metric stream of the session: a name, a kind and one attribute set. */
export interface Series {
  readonly kind: SeriesKind;
  readonly name: string;
  readonly attributes: Attributes;
  /** The histogram's unit as declared; durations are converted to milliseconds. */
  unit: string;
  /** A histogram of durations (a time unit, or no unit): it goes to `timings`. */
  timing: boolean;
  /** Counters, up-down counters and gauges. */
  value: number;
  /** Histograms. */
  histogram: HistogramTotals | undefined;
}

/**
 * The state of one session, built from the exports the SDK hands over: delta points
 * are added to what the session already has, cumulative points and gauges replace it.
 * Pure: no I/O, no clock.
 */
export class SessionAccumulator {
  private readonly series = new Map<string, Series>();
  /** Bumped on every merge that changed something. */
  version = 0;

  /** Adds one export's points; returns how many points it took. */
  merge(metrics: ResourceMetrics): number {
    let points = 0;
    for (const scope of metrics.scopeMetrics) {
      for (const metric of scope.metrics) points += this.mergeMetric(metric);
    }
    if (points > 0) this.version++;
    return points;
  }

  get size(): number {
    return this.series.size;
  }

  /** Every series, in no particular order. */
  values(): IterableIterator<Series> {
    return this.series.values();
  }

  private mergeMetric(metric: MetricData): number {
    const { name, unit } = metric.descriptor;
    const delta = metric.aggregationTemporality === AggregationTemporality.DELTA;
    switch (metric.dataPointType) {
      case DataPointType.SUM: {
        const kind: SeriesKind = metric.isMonotonic ? 'counter' : 'upDownCounter';
        for (const point of metric.dataPoints) {
          const series = this.seriesFor(kind, name, unit, point.attributes);
          series.value = delta ? series.value + point.value : point.value;
        }
        return metric.dataPoints.length;
      }
      case DataPointType.GAUGE:
        for (const point of metric.dataPoints) {
          this.seriesFor('gauge', name, unit, point.attributes).value = point.value;
        }
        return metric.dataPoints.length;
      case DataPointType.HISTOGRAM:
      case DataPointType.EXPONENTIAL_HISTOGRAM: {
        const factor = millisecondsPer(unit);
        for (const point of metric.dataPoints) {
          const { count, sum, min, max } = point.value;
          if (count === 0) continue;
          const scale = factor ?? 1;
          const totals: HistogramTotals = {
            count,
            sum: sum === undefined ? Number.NaN : sum * scale,
            min: min === undefined ? undefined : min * scale,
            max: max === undefined ? undefined : max * scale,
          };
          const series = this.seriesFor('histogram', name, unit, point.attributes);
          series.timing = factor !== undefined;
          series.histogram = delta && series.histogram ? combine(series.histogram, totals) : totals;
        }
        return metric.dataPoints.length;
      }
      default:
        return 0;
    }
  }

  private seriesFor(kind: SeriesKind, name: string, unit: string, attributes: Attributes): Series {
    const key = `${kind}\u0000${name}\u0000${attributesKey(attributes)}`;
    let series = this.series.get(key);
    if (!series) {
      series = { kind, name, attributes, unit, timing: false, value: 0, histogram: undefined };
      this.series.set(key, series);
    }
    series.unit = unit;
    return series;
  }
}

/** A stable identity for an attribute set, whatever the order of its keys. */
export function attributesKey(attributes: Attributes): string {
  const keys = Object.keys(attributes);
  if (keys.length === 0) return '';
  return JSON.stringify(keys.sort().map((key) => [key, attributes[key] ?? null]));
}

function combine(a: HistogramTotals, b: HistogramTotals): HistogramTotals {
  return {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: lower(a.min, b.min),
    max: higher(a.max, b.max),
  };
}

function lower(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

function higher(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}
