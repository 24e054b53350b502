import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { AuditLogger } from '../audit/audit-logger';
import type { MetricsCollector } from '../metrics/collector';
import type { ErrorReporter } from '../reporter/error-reporter';
import type { LoggingOptions } from '../config/types';
import type { ExporterStats } from '../foundation/stats';
import type { MongoExporterOptions } from '../shared-options/shared-options';

/**
 * `setupTelemetry()` options: every exporter option and the local logging options (see
 * docs/configuration.md), plus how the pipelines are wired. Explicit options win over the
 * environment (and `.env`), which wins over `config.ini`.
 */
export interface SetupTelemetryOptions extends MongoExporterOptions, LoggingOptions {
  /**
   * `service.name` of the resource.
   * @default process.env.OTEL_SERVICE_NAME ?? process.env.npm_package_name ?? 'unknown_service:node'
   */
  serviceName?: string;
  /**
   * `service.version` of the resource, stored as `app_version`.
   * @default getAppVersion(): npm_package_version, else the nearest package.json
   */
  appVersion?: string;
  /**
   * The config.ini to read; `false` for none.
   * @default './config.ini' when it exists
   */
  configFile?: string | false;
  /**
   * The .env file to read (it never overrides real environment variables); `false` for none.
   * @default './.env' when it exists
   */
  envFile?: string | false;
  /**
   * Report uncaught exceptions and unhandled rejections (see docs/error-reporting.md).
   * @default true
   */
  installGlobalHandlers?: boolean;
  /**
   * Register the providers as OpenTelemetry's global logger and meter providers.
   * @default true
   */
  registerGlobalProviders?: boolean;
  /**
   * Flush and shut down on SIGINT, SIGTERM and when the event loop empties, keeping the
   * application's exit code.
   * @default true
   */
  shutdownOnExit?: boolean;
  /**
   * Longest time `shutdown()` may take; what is not written by then stays in the spool.
   * @default 5000
   */
  shutdownTimeoutMs?: number;
  /**
   * How often the session's metrics document is brought up to date.
   * @default 60000
   */
  metricExportIntervalMs?: number;
  /**
   * Records the log pipeline keeps in memory before it spills to the disk spool (see
   * docs/reliability.md); with the spool off, records beyond it are lost and counted as `failed`.
   * @default 2048
   */
  maxQueueSize?: number;
}

/** Which pipeline `Telemetry.getStats()` reports on; all of them when left out. */
export type TelemetryPipeline = 'logs' | 'metrics';

/** What `setupTelemetry()` returns: the three APIs, the providers, and the lifecycle. */
export interface Telemetry {
  audit: AuditLogger;
  errors: ErrorReporter;
  metrics: MetricsCollector;
  loggerProvider: LoggerProvider;
  meterProvider: MeterProvider;
  /** Whether anything is sent to MongoDB (false without a connection string, or when switched off). */
  remoteEnabled: boolean;
  /** Writes everything emitted so far. */
  forceFlush(): Promise<void>;
  /**
   * What the pipelines did with what they were given: every log record, and every metrics
   * document, accepted and what became of it (see docs/reliability.md for the identity).
   * Zero for a pipeline that does not export to MongoDB.
   */
  getStats(pipeline?: TelemetryPipeline): ExporterStats;
  /** Ends the session (audit `sessao.encerrada`, final metrics), flushes and closes. Idempotent. */
  shutdown(): Promise<void>;
}
