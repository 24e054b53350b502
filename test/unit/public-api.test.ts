import { describe, expect, it } from 'vitest';
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
  'MongoBatchLogRecordProcessor',
];

describe('public API', () => {
  it('exports exactly the listed names, and no default export', () => {
    expect(Object.keys(api).sort()).toEqual([...EXPECTED_EXPORTS].sort());
  });
});
