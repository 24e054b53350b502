export { setupTelemetry } from './setup/setup-telemetry';
export { registerApiLogsGlobal } from './setup/api-logs-global';
export type { SetupTelemetryOptions, Telemetry } from './setup/types';
export { MongoLogRecordExporter } from './logs/exporter';
export { machineResourceDetector } from './resource/detector';
export { getMachineId } from './resource/machine-id';
export { getEnvironmentInfo, type EnvironmentInfo } from './resource/environment';
export { getAppVersion } from './resource/app-version';
export { redactConnectionString } from './foundation/redact';
export { MongoExporterError, InvalidOptionError, LifecycleError } from './foundation/errors';
export { DEFAULTS } from './shared-options/shared-options';
export { AUDIT_LOGGER_NAME } from './pipeline/route';
export {
  ErrorReporter,
  ERROR_REPORTER_LOGGER_NAME,
  type ErrorReporterOptions,
  type ReportContext,
} from './reporter/error-reporter';
export { AuditLogger, type AuditLoggerOptions, type AuditStats } from './audit/audit-logger';
export { AcaoAuditoria, type AuditAction, type CatalogueAction } from './audit/catalogue';
export type { AuditEvent, AuditDetails, EntityId, UserId } from './audit/event';
export { auditGroupOf, type AuditGroup, type ActionGroups } from './audit/switches';
export { MongoMetricExporter } from './metrics/exporter';
export {
  MetricsCollector,
  METRICS_COLLECTOR_METER,
  type MetricsCollectorOptions,
  type MetricsCollectorStats,
} from './metrics/collector';
export type {
  SessionDocument,
  TimingStats,
  HistogramStats,
  AttributedValue,
  AttributedTiming,
  AttributedHistogram,
  MetricFields,
} from './document/schema';
export { encodeKey, decodeKey, DEFAULT_SECRET_KEYS, type SecretKeyPattern } from './document/keys';
export type { ErrorDocument, AuditDocument, CollectionNames, LevelName } from './document/schema';
export type { ExporterStats } from './foundation/stats';
export { observeExporterStats, STATS_METRIC_NAME, type StatsSource } from './foundation/stats-metrics';
export type { MongoExporterOptions } from './shared-options/shared-options';
export type { AuditSwitches } from './shared-options/switches';
export { loadConfig } from './config/load-config';
export { ConfigFileError } from './config/config-error';
export type {
  TelemetryConfig,
  TelemetryOptions,
  LoggingOptions,
  LoggingConfig,
  LoadConfigOptions,
  ConfigSources,
  RemoteDisabledReason,
} from './config/types';
export { LevelFilterProcessor } from './logs/level-filter';
export {
  FileLogRecordExporter,
  type FileLogRecordExporterOptions,
  type FileExporterStats,
} from './logs/file-exporter';
export {
  LineConsoleLogRecordExporter,
  type LineConsoleLogRecordExporterOptions,
} from './logs/console-exporter';
export type { BeforeSend } from './document/before-send';
export { MongoBatchLogRecordProcessor } from './logs/batch-processor';
