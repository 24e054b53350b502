import type { Attributes, HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import type { ResourceFields } from '../document/resource-fields';
import { appOf, remoteResourceFields } from './remote-resource';
import {
  own,
  toAttributes,
  toBigInt,
  toDouble,
  toHrTime,
  toInteger,
  toList,
  toObject,
  toText,
} from './otlp-values';

/** The session key attributes, most specific first: see docs/gateway.md. */
export const ATTR_SESSION_ID = 'session.id';
export const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';

/** One resource's metrics in the SDK's shape, which the session accumulator reads. */
export interface ReceivedResourceMetrics {
  app: string;
  fields: ResourceFields;
  attributes: Attributes;
  metrics: ResourceMetrics;
  /** Earliest start time of the points: the sender's process start for cumulative metrics. */
  startedAt: Date | undefined;
  points: number;
  /** Points of kinds the session document has no place for (summaries). */
  rejected: number;
}

interface PointTimes {
  startTime: HrTime;
  endTime: HrTime;
}

/** An ExportMetricsServiceRequest (decoded protobuf or OTLP/JSON) as `ResourceMetrics`. */
export function readMetricsRequest(
  request: Record<string, unknown>,
  receivedAt: HrTime,
): ReceivedResourceMetrics[] {
  const result: ReceivedResourceMetrics[] = [];
  for (const item of toList(own(request, 'resourceMetrics'), 'resourceMetrics')) {
    const resourceMetrics = toObject(item, 'resourceMetrics');
    const resource = toObject(own(resourceMetrics, 'resource'), 'resource');
    const attributes = toAttributes(own(resource, 'attributes'), 'resource.attributes');
    const received: ReceivedResourceMetrics = {
      app: appOf(attributes),
      fields: remoteResourceFields(attributes),
      attributes,
      metrics: { resource: emptyResource(), scopeMetrics: [] },
      startedAt: undefined,
      points: 0,
      rejected: 0,
    };
    let earliest: bigint | undefined;
    const times = (point: Record<string, unknown> | undefined): PointTimes => {
      const start = toBigInt(own(point, 'startTimeUnixNano'), 'startTimeUnixNano');
      if (start > 0n && (earliest === undefined || start < earliest)) earliest = start;
      const end = toHrTime(own(point, 'timeUnixNano'), 'timeUnixNano') ?? receivedAt;
      return { startTime: toHrTime(start, 'startTimeUnixNano') ?? end, endTime: end };
    };
    for (const scopeItem of toList(own(resourceMetrics, 'scopeMetrics'), 'scopeMetrics')) {
      const scopeMetrics = toObject(scopeItem, 'scopeMetrics');
      const scope = toObject(own(scopeMetrics, 'scope'), 'scope');
      const metrics: MetricData[] = [];
      for (const metricItem of toList(own(scopeMetrics, 'metrics'), 'metrics')) {
        const metric = toObject(metricItem, 'metric') ?? {};
        const data = readMetric(metric, times);
        if (data === 'summary') {
          received.rejected += toList(
            own(toObject(own(metric, 'summary'), 'summary'), 'dataPoints'),
            'dataPoints',
          ).length;
          continue;
        }
        if (data) {
          metrics.push(data);
          received.points += data.dataPoints.length;
        }
      }
      received.metrics.scopeMetrics.push({
        scope: { name: toText(own(scope, 'name'), 'scope.name') },
        metrics,
      });
    }
    if (earliest !== undefined) received.startedAt = new Date(Number(earliest / 1_000_000n));
    result.push(received);
  }
  return result;
}

function readMetric(
  metric: Record<string, unknown>,
  times: (point: Record<string, unknown> | undefined) => PointTimes,
): MetricData | 'summary' | undefined {
  const descriptor = {
    name: toText(own(metric, 'name'), 'metric.name'),
    description: toText(own(metric, 'description'), 'metric.description'),
    unit: toText(own(metric, 'unit'), 'metric.unit'),
    valueType: 1, // ValueType.DOUBLE: the accumulator reads numbers either way
  };
  const sum = toObject(own(metric, 'sum'), 'sum');
  const gauge = toObject(own(metric, 'gauge'), 'gauge');
  const histogram =
    toObject(own(metric, 'histogram'), 'histogram') ??
    toObject(own(metric, 'exponentialHistogram'), 'exponentialHistogram');
  if (own(metric, 'summary') !== undefined) return 'summary';
  if (sum || gauge) {
    const points = toList(own(sum ?? gauge, 'dataPoints'), 'dataPoints').map((item) => {
      const point = toObject(item, 'dataPoint');
      return {
        ...times(point),
        attributes: toAttributes(own(point, 'attributes'), 'dataPoint.attributes'),
        value: numberOf(point),
      };
    });
    return {
      descriptor,
      aggregationTemporality: temporalityOf(sum),
      dataPointType: sum ? DataPointType.SUM : DataPointType.GAUGE,
      dataPoints: points,
      isMonotonic: sum ? own(sum, 'isMonotonic') === true : false,
    } as MetricData;
  }
  if (histogram) {
    const points = toList(own(histogram, 'dataPoints'), 'dataPoints').map((item) => {
      const point = toObject(item, 'dataPoint');
      const optional = (key: string) => {
        const value = own(point, key);
        return value === undefined ? undefined : toDouble(value, `dataPoint.${key}`);
      };
      return {
        ...times(point),
        attributes: toAttributes(own(point, 'attributes'), 'dataPoint.attributes'),
        value: {
          count: Number(toInteger(own(point, 'count'), 'dataPoint.count')),
          sum: optional('sum'),
          min: optional('min'),
          max: optional('max'),
        },
      };
    });
    return {
      descriptor,
      aggregationTemporality: temporalityOf(histogram),
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: points,
    } as unknown as MetricData;
  }
  return undefined;
}

/** OTLP's AggregationTemporality: 1 delta, 2 cumulative; unset is read as cumulative (the SDKs' default). */
function temporalityOf(message: Record<string, unknown> | undefined): AggregationTemporality {
  const value = own(message, 'aggregationTemporality');
  return value !== undefined && Number(toInteger(value, 'aggregationTemporality')) === 1
    ? AggregationTemporality.DELTA
    : AggregationTemporality.CUMULATIVE;
}

function numberOf(point: Record<string, unknown> | undefined): number {
  const double = own(point, 'asDouble');
  if (double !== undefined) return toDouble(double, 'asDouble');
  const int = own(point, 'asInt');
  return int === undefined ? 0 : Number(toBigInt(int, 'asInt'));
}
