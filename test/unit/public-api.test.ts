import { describe, expect, expectTypeOf, it } from 'vitest';
import * as api from '../../src/index';

// The package's public surface. A change here is a change users see: update the
// CHANGELOG, and the major version when something is removed or renamed.
const EXPECTED_EXPORTS = [
  'AUDIT_LOGGER_NAME',
  'AcaoAuditoria',
  'AuditLogger',
  'DEFAULTS',
  'DEFAULT_SECRET_KEYS',
  'ERROR_REPORTER_LOGGER_NAME',
  'ErrorReporter',
  'InvalidOptionError',
  'LifecycleError',
  'MongoExporterError',
  'MongoLogRecordExporter',
  'MongoMetricExporter',
  'METRICS_COLLECTOR_METER',
  'MetricsCollector',
  'auditGroupOf',
  'decodeKey',
  'encodeKey',
  'getAppVersion',
  'getEnvironmentInfo',
  'getMachineId',
  'machineResourceDetector',
  'observeExporterStats',
  'redactConnectionString',
  'loadConfig',
  'ConfigFileError',
  'LevelFilterProcessor',
  'FileLogRecordExporter',
  'LineConsoleLogRecordExporter',
  'STATS_METRIC_NAME',
  'setupTelemetry',
  'registerApiLogsGlobal',
  'MongoBatchLogRecordProcessor',
];

describe('public API', () => {
  it('exports exactly the listed names, and no default export', () => {
    expect(Object.keys(api).sort()).toEqual([...EXPECTED_EXPORTS].sort());
  });

  it('takes no internal type in a public constructor or options type (type-checked by tsc)', () => {
    expectTypeOf<ConstructorParameters<typeof api.MongoMetricExporter>>().toEqualTypeOf<
      [options?: api.MongoExporterOptions]
    >();
    expectTypeOf<keyof api.MetricsCollectorOptions>().toEqualTypeOf<'metricsEnabled' | 'meterProvider'>();
    expectTypeOf<keyof api.MongoMetricExporter>().not.toHaveProperty('finishSession');
    expect(api.MongoMetricExporter.length).toBe(0);
  });
});
