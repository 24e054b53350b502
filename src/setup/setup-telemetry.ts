import { logs, metrics as metricsApi } from '@opentelemetry/api';
import { defaultResource, type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  type LogRecordProcessor,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { AuditLogger } from '../audit/audit-logger';
import { loadConfig } from '../config/load-config';
import type { LoggingConfig } from '../config/types';
import { LineConsoleLogRecordExporter } from '../logs/console-exporter';
import { FileLogRecordExporter } from '../logs/file-exporter';
import { LevelFilterProcessor } from '../logs/level-filter';
import { componentLogger } from '../foundation/diag';
import { InvalidOptionError, LifecycleError } from '../foundation/errors';
import { MongoLogRecordExporter } from '../logs/exporter';
import { MongoBatchLogRecordProcessor } from '../logs/batch-processor';
import { MongoMetricExporter } from '../metrics/exporter';
import { MetricsCollector } from '../metrics/collector';
import { resolveSetupOptions, telemetryOptionsOf } from './options';
import { ErrorReporter } from '../reporter/error-reporter';
import { getAppVersion } from '../resource/app-version';
import { machineResourceDetector } from '../resource/detector';
import { registerApiLogsGlobal } from './api-logs-global';
import { installShutdownHooks, withTimeout } from './shutdown-hooks';
import type { SetupTelemetryOptions, Telemetry, TelemetryPipeline } from './types';
import { ABORT, END_SESSION_CRASHED, ON_CRASH } from '../foundation/internal-symbols';
import { sumStats, zeroStats } from '../foundation/stats';
import { DEFAULTS } from '../shared-options/shared-options';

const log = componentLogger('setup');

interface Lifecycle {
  state: 'idle' | 'active' | 'shut down';
}
// On globalThis: the ESM and CommonJS builds of the package must agree that setup ran.
const lifecycle = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('opentelemetry-exporter-mongodb.setup')
] ??= {
  state: 'idle',
}) as Lifecycle;

/**
 * One call for applications without OpenTelemetry: a LoggerProvider exporting to MongoDB
 * (errors and audit), a MeterProvider exporting the session's metrics, a resource with the
 * machine id and app version, the error reporter's process hooks, the audit logger and the
 * metrics collector, a started session, and a shutdown on exit. Call it once, at startup.
 *
 * Without a connection string (option, MONGODB_CONNECTION_STRING or MONGODB_URI), remote
 * export is disabled with one warning and every API keeps working.
 */
export async function setupTelemetry(options: SetupTelemetryOptions = {}): Promise<Telemetry> {
  if (lifecycle.state !== 'idle') {
    throw new LifecycleError(
      lifecycle.state === 'active'
        ? 'setupTelemetry() was already called: use the object it returned (one setup per process)'
        : 'setupTelemetry() was called after shutdown(): telemetry cannot be set up twice in one process',
    );
  }
  const settings = resolveSetupOptions(options);
  const config = loadConfig({
    options: telemetryOptionsOf(options),
    configFile: options.configFile,
    envFile: options.envFile,
  });
  // Warnings that must not go unseen (no connection string, a secret in a tracked file):
  // diag is silent by default, so they are also Node process warnings.
  for (const warning of config.warnings) process.emitWarning(warning, { code: 'OTEL_MONGODB_CONFIG' });
  const exporterOptions = config.exporter;
  const remote = config.logging.remoteLoggingEnabled;
  const resource = buildResource(options);

  const logExporter = remote ? new MongoLogRecordExporter(exporterOptions) : undefined;
  let logProcessor: MongoBatchLogRecordProcessor | undefined;
  const processors: LogRecordProcessor[] = localProcessors(config.logging);
  if (logExporter) {
    logProcessor = new MongoBatchLogRecordProcessor({
      exporter: logExporter,
      maxQueueSize: settings.maxQueueSize,
    });
    processors.push(logProcessor);
  }
  const loggerProvider = new LoggerProvider({ resource, processors });

  const metricsEnabled = exporterOptions.metricsEnabled ?? DEFAULTS.metricsEnabled;
  const metricExporter = remote && metricsEnabled ? new MongoMetricExporter(exporterOptions) : undefined;
  const readers = metricExporter
    ? [
        new PeriodicExportingMetricReader({
          exporter: metricExporter,
          exportIntervalMillis: settings.metricExportIntervalMs,
          exportTimeoutMillis: Math.min(settings.metricExportIntervalMs, 30_000),
        }),
      ]
    : [];
  const meterProvider = new MeterProvider({ resource, readers });

  if (settings.registerGlobalProviders) {
    if (!logs.setGlobalLoggerProvider(loggerProvider))
      log.warn('a global LoggerProvider was already registered; kept it');
    registerApiLogsGlobal(loggerProvider); // for bridges on @opentelemetry/api-logs (winston)
    if (!metricsApi.setGlobalMeterProvider(meterProvider))
      log.warn('a global MeterProvider was already registered; kept it');
  }

  const errors = new ErrorReporter({ loggerProvider, flushTimeoutMs: exporterOptions.flushTimeoutMs });
  if (settings.installGlobalHandlers) errors.installGlobalHandlers();
  const audit = new AuditLogger({ loggerProvider, audit: exporterOptions.audit });
  const metrics = new MetricsCollector({ meterProvider, metricsEnabled });
  const sessionStart = Date.now();
  metrics.startSession();
  audit.sessaoIniciada();
  lifecycle.state = 'active';

  // An uncaught error ends the process: the session is closed as crashed on the way out,
  // within the reporter's flushTimeoutMs (the final metrics document and `sessao.encerrada`).
  const removeCrashHandler = errors[ON_CRASH](() => {
    audit.sessaoEncerrada(Math.floor((Date.now() - sessionStart) / 1000), 'crash');
    return metrics[END_SESSION_CRASHED]();
  });
  let uninstallHooks = () => {};
  let shutdownPromise: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      uninstallHooks();
      removeCrashHandler();
      audit.sessaoEncerrada(Math.floor((Date.now() - sessionStart) / 1000));
      const finished = await withTimeout(
        (async () => {
          await metrics.endSession();
          errors.uninstall();
          await Promise.all([loggerProvider.shutdown(), meterProvider.shutdown()]);
        })(),
        settings.shutdownTimeoutMs,
      );
      // Out of time: what is still in flight goes to the spool now, and nothing is left
      // running (no timer, socket or retry) to keep the process alive.
      if (!finished) for (const part of [logProcessor, metricExporter]) part?.[ABORT]();
      lifecycle.state = 'shut down';
    })();
    return shutdownPromise;
  };
  if (settings.shutdownOnExit) uninstallHooks = installShutdownHooks(shutdown, settings.shutdownTimeoutMs);

  return {
    audit,
    errors,
    metrics,
    loggerProvider,
    meterProvider,
    remoteEnabled: remote,
    forceFlush: async () => {
      await Promise.all([loggerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    getStats: (pipeline?: TelemetryPipeline) => {
      const logs = logProcessor?.getStats() ?? zeroStats();
      const metricStats = metricExporter?.getStats() ?? zeroStats();
      if (pipeline === 'logs') return logs;
      if (pipeline === 'metrics') return metricStats;
      return sumStats([logs, metricStats]);
    },
    shutdown,
  };
}

/** The plan's console and file logging, each behind its own level filter; both off unless configured. */
function localProcessors(logging: LoggingConfig): LogRecordProcessor[] {
  const processors: LogRecordProcessor[] = [];
  if (logging.consoleLevel) {
    const console = new SimpleLogRecordProcessor({ exporter: new LineConsoleLogRecordExporter() });
    processors.push(new LevelFilterProcessor(console, logging.consoleLevel));
  }
  if (logging.fileLevel) {
    const file = new BatchLogRecordProcessor({
      exporter: new FileLogRecordExporter({ path: logging.logFile }),
    });
    processors.push(new LevelFilterProcessor(file, logging.fileLevel));
  }
  return processors;
}

function buildResource(options: Pick<SetupTelemetryOptions, 'serviceName' | 'appVersion'>): Resource {
  const detected = machineResourceDetector.detect().attributes ?? {};
  const serviceName = options.serviceName ?? process.env.OTEL_SERVICE_NAME ?? process.env.npm_package_name;
  if (serviceName !== undefined && (typeof serviceName !== 'string' || serviceName === '')) {
    throw new InvalidOptionError('serviceName', serviceName, 'a non-empty string');
  }
  return defaultResource()
    .merge(resourceFromAttributes(detected))
    .merge(
      resourceFromAttributes({
        'service.version': options.appVersion ?? getAppVersion(),
        ...(serviceName ? { 'service.name': serviceName } : {}),
      }),
    );
}
