import protobuf from 'protobufjs';

/*
 * The OTLP messages the gateway reads and writes, written from the field numbers and types of
 * the OTLP specification (opentelemetry-proto: common/v1, resource/v1, logs/v1, metrics/v1 and
 * the collector's export services). Only what the gateway uses is declared; unknown fields in
 * a request are skipped by the decoder, as the specification requires.
 */
const field = (id: number, type: string, rule?: 'repeated') => (rule ? { id, type, rule } : { id, type });
const repeated = (id: number, type: string) => field(id, type, 'repeated');

const COMMON = {
  AnyValue: {
    oneofs: {
      value: {
        oneof: [
          'stringValue',
          'boolValue',
          'intValue',
          'doubleValue',
          'arrayValue',
          'kvlistValue',
          'bytesValue',
        ],
      },
    },
    fields: {
      stringValue: field(1, 'string'),
      boolValue: field(2, 'bool'),
      intValue: field(3, 'int64'),
      doubleValue: field(4, 'double'),
      arrayValue: field(5, 'ArrayValue'),
      kvlistValue: field(6, 'KeyValueList'),
      bytesValue: field(7, 'bytes'),
    },
  },
  ArrayValue: { fields: { values: repeated(1, 'AnyValue') } },
  KeyValueList: { fields: { values: repeated(1, 'KeyValue') } },
  KeyValue: { fields: { key: field(1, 'string'), value: field(2, 'AnyValue') } },
  InstrumentationScope: {
    fields: {
      name: field(1, 'string'),
      version: field(2, 'string'),
      attributes: repeated(3, 'KeyValue'),
      droppedAttributesCount: field(4, 'uint32'),
    },
  },
  Resource: {
    fields: { attributes: repeated(1, 'KeyValue'), droppedAttributesCount: field(2, 'uint32') },
  },
};

const LOGS = {
  ResourceLogs: {
    fields: {
      resource: field(1, 'Resource'),
      scopeLogs: repeated(2, 'ScopeLogs'),
      schemaUrl: field(3, 'string'),
    },
  },
  ScopeLogs: {
    fields: {
      scope: field(1, 'InstrumentationScope'),
      logRecords: repeated(2, 'LogRecord'),
      schemaUrl: field(3, 'string'),
    },
  },
  LogRecord: {
    fields: {
      timeUnixNano: field(1, 'fixed64'),
      severityNumber: field(2, 'int32'),
      severityText: field(3, 'string'),
      body: field(5, 'AnyValue'),
      attributes: repeated(6, 'KeyValue'),
      droppedAttributesCount: field(7, 'uint32'),
      flags: field(8, 'fixed32'),
      traceId: field(9, 'bytes'),
      spanId: field(10, 'bytes'),
      observedTimeUnixNano: field(11, 'fixed64'),
      eventName: field(12, 'string'),
    },
  },
  ExportLogsServiceRequest: { fields: { resourceLogs: repeated(1, 'ResourceLogs') } },
  ExportLogsServiceResponse: { fields: { partialSuccess: field(1, 'ExportLogsPartialSuccess') } },
  ExportLogsPartialSuccess: {
    fields: { rejectedLogRecords: field(1, 'int64'), errorMessage: field(2, 'string') },
  },
};

const pointTimes = { startTimeUnixNano: field(2, 'fixed64'), timeUnixNano: field(3, 'fixed64') };

const METRICS = {
  ResourceMetrics: {
    fields: {
      resource: field(1, 'Resource'),
      scopeMetrics: repeated(2, 'ScopeMetrics'),
      schemaUrl: field(3, 'string'),
    },
  },
  ScopeMetrics: {
    fields: {
      scope: field(1, 'InstrumentationScope'),
      metrics: repeated(2, 'Metric'),
      schemaUrl: field(3, 'string'),
    },
  },
  Metric: {
    oneofs: { data: { oneof: ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] } },
    fields: {
      name: field(1, 'string'),
      description: field(2, 'string'),
      unit: field(3, 'string'),
      gauge: field(5, 'Gauge'),
      sum: field(7, 'Sum'),
      histogram: field(9, 'Histogram'),
      exponentialHistogram: field(10, 'ExponentialHistogram'),
      summary: field(11, 'Summary'),
    },
  },
  Gauge: { fields: { dataPoints: repeated(1, 'NumberDataPoint') } },
  Sum: {
    fields: {
      dataPoints: repeated(1, 'NumberDataPoint'),
      aggregationTemporality: field(2, 'int32'),
      isMonotonic: field(3, 'bool'),
    },
  },
  Histogram: {
    fields: { dataPoints: repeated(1, 'HistogramDataPoint'), aggregationTemporality: field(2, 'int32') },
  },
  ExponentialHistogram: {
    fields: {
      dataPoints: repeated(1, 'ExponentialHistogramDataPoint'),
      aggregationTemporality: field(2, 'int32'),
    },
  },
  Summary: { fields: { dataPoints: repeated(1, 'SummaryDataPoint') } },
  NumberDataPoint: {
    oneofs: { value: { oneof: ['asDouble', 'asInt'] } },
    fields: {
      ...pointTimes,
      asDouble: field(4, 'double'),
      asInt: field(6, 'sfixed64'),
      attributes: repeated(7, 'KeyValue'),
      flags: field(8, 'uint32'),
    },
  },
  HistogramDataPoint: {
    oneofs: { _sum: { oneof: ['sum'] }, _min: { oneof: ['min'] }, _max: { oneof: ['max'] } },
    fields: {
      ...pointTimes,
      count: field(4, 'fixed64'),
      sum: field(5, 'double'),
      bucketCounts: repeated(6, 'fixed64'),
      explicitBounds: repeated(7, 'double'),
      attributes: repeated(9, 'KeyValue'),
      flags: field(10, 'uint32'),
      min: field(11, 'double'),
      max: field(12, 'double'),
    },
  },
  ExponentialHistogramDataPoint: {
    oneofs: { _sum: { oneof: ['sum'] }, _min: { oneof: ['min'] }, _max: { oneof: ['max'] } },
    fields: {
      attributes: repeated(1, 'KeyValue'),
      ...pointTimes,
      count: field(4, 'fixed64'),
      sum: field(5, 'double'),
      flags: field(10, 'uint32'),
      min: field(12, 'double'),
      max: field(13, 'double'),
    },
  },
  SummaryDataPoint: {
    fields: {
      ...pointTimes,
      count: field(4, 'fixed64'),
      sum: field(5, 'double'),
      attributes: repeated(7, 'KeyValue'),
      flags: field(8, 'uint32'),
    },
  },
  ExportMetricsServiceRequest: { fields: { resourceMetrics: repeated(1, 'ResourceMetrics') } },
  ExportMetricsServiceResponse: { fields: { partialSuccess: field(1, 'ExportMetricsPartialSuccess') } },
  ExportMetricsPartialSuccess: {
    fields: { rejectedDataPoints: field(1, 'int64'), errorMessage: field(2, 'string') },
  },
};

// One flat namespace keeps type references short; the names do not clash.
const root = protobuf.Root.fromJSON({ nested: { otlp: { nested: { ...COMMON, ...LOGS, ...METRICS } } } });

export const OtlpTypes = {
  logsRequest: root.lookupType('otlp.ExportLogsServiceRequest'),
  logsResponse: root.lookupType('otlp.ExportLogsServiceResponse'),
  metricsRequest: root.lookupType('otlp.ExportMetricsServiceRequest'),
  metricsResponse: root.lookupType('otlp.ExportMetricsServiceResponse'),
};
