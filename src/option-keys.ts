import type { AuditLoggerOptions } from './audit/audit-logger';
import type { LoadConfigOptions, LoggingOptions } from './config/types';
import { InvalidOptionError } from './foundation/errors';
import type { FileLogRecordExporterOptions } from './logs/file-exporter';
import type { LineConsoleLogRecordExporterOptions } from './logs/console-exporter';
import type { MetricsCollectorOptions } from './metrics/collector';
import { redactConnectionString } from './foundation/redact';
import type { ErrorReporterOptions } from './reporter/error-reporter';
import type { SetupTelemetryOptions } from './setup/types';
import type { MongoExporterOptions } from './types';

/**
 * The keys of one options interface. Typed this way, the compiler rejects a table that misses
 * a key of the interface or names one it does not have: a new option is added to its
 * interface and to its table below, and nowhere else.
 */
type KeyTable<T> = { readonly [K in keyof Required<T>]: true };

/** Options every part of the package accepts (one object can configure all of them). */
const SHARED: KeyTable<MongoExporterOptions> = {
  connectionString: true,
  client: true,
  database: true,
  collections: true,
  remoteLevel: true,
  connectionTimeoutMs: true,
  createIndexes: true,
  audit: true,
  metricsEnabled: true,
  sendMetricsOnShutdown: true,
  flushTimeoutMs: true,
  spoolDir: true,
  spoolMaxBytes: true,
  retryDeadlineMs: true,
  redactKeys: true,
  maxStringLength: true,
  appRoot: true,
  beforeSend: true,
  retentionDays: true,
  stormGuard: true,
  trailSize: true,
  trailMaxAgeMs: true,
  captureCallSite: true,
};

const LOGGING: KeyTable<LoggingOptions> = {
  remoteLoggingEnabled: true,
  consoleLevel: true,
  fileLevel: true,
  logFile: true,
};

/** Each part's own keys, besides the shared ones. */
const OWN = {
  setupTelemetry: {
    serviceName: true,
    appVersion: true,
    configFile: true,
    envFile: true,
    installGlobalHandlers: true,
    registerGlobalProviders: true,
    shutdownOnExit: true,
    shutdownTimeoutMs: true,
    metricExportIntervalMs: true,
    maxQueueSize: true,
  } satisfies KeyTable<Omit<SetupTelemetryOptions, keyof MongoExporterOptions | keyof LoggingOptions>>,
  errorReporter: {
    loggerProvider: true,
    loggerName: true,
  } satisfies KeyTable<Omit<ErrorReporterOptions, keyof MongoExporterOptions>>,
  auditLogger: {
    loggerProvider: true,
    actionGroups: true,
  } satisfies KeyTable<Omit<AuditLoggerOptions, keyof MongoExporterOptions>>,
  metricsCollector: {
    meterProvider: true,
  } satisfies KeyTable<Omit<MetricsCollectorOptions, keyof MongoExporterOptions>>,
  loadConfig: {
    options: true,
    configFile: true,
    envFile: true,
    env: true,
    cwd: true,
  } satisfies KeyTable<LoadConfigOptions>,
  fileExporter: {
    path: true,
    redactKeys: true,
  } satisfies KeyTable<FileLogRecordExporterOptions>,
  consoleExporter: {
    stream: true,
    redactKeys: true,
  } satisfies KeyTable<LineConsoleLogRecordExporterOptions>,
};

const keys = (...tables: object[]): readonly string[] => [...new Set(tables.flatMap((t) => Object.keys(t)))];

/** The keys each options object of the package accepts, named by what takes the object. */
export const KNOWN_OPTION_KEYS = Object.freeze({
  MongoLogRecordExporter: keys(SHARED),
  MongoMetricExporter: keys(SHARED),
  setupTelemetry: keys(SHARED, LOGGING, OWN.setupTelemetry),
  'loadConfig() options': keys(SHARED, LOGGING),
  loadConfig: keys(OWN.loadConfig),
  ErrorReporter: keys(SHARED, OWN.errorReporter),
  AuditLogger: keys(SHARED, OWN.auditLogger),
  MetricsCollector: keys(SHARED, OWN.metricsCollector),
  FileLogRecordExporter: keys(OWN.fileExporter),
  LineConsoleLogRecordExporter: keys(OWN.consoleExporter),
});

/** Something that takes an options object. */
export type OptionsOwner = keyof typeof KNOWN_OPTION_KEYS;

/** The keys of `SetupTelemetryOptions` that `loadConfig()` reads, without setupTelemetry's own. */
export function telemetryOptionsOf(options: SetupTelemetryOptions): MongoExporterOptions & LoggingOptions {
  const known = new Set(KNOWN_OPTION_KEYS['loadConfig() options']);
  return Object.fromEntries(Object.entries(options).filter(([key]) => known.has(key)));
}

/**
 * Throws {@link InvalidOptionError} for the first key of `options` that `owner` does not take,
 * suggesting the closest known key (a misspelt key would otherwise be ignored silently).
 */
export function checkKnownKeys(owner: OptionsOwner, options: object): void {
  checkKeys(owner, options, KNOWN_OPTION_KEYS[owner]);
}

/** The same check for a nested group such as `collections` or `audit`: `prefix` names it in the error. */
export function checkKeys(owner: string, options: object, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const value = (options as Record<string, unknown>)[key];
    throw new InvalidOptionError(`${prefix}${key}`, summarise(value), `a key of the ${owner} options`, {
      suggestion: closestKey(key, known),
    });
  }
}

/** The known key nearest to `key` by edit distance (case ignored), when it is near enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** An unknown key's value as shown in the error: short, and never a connection-string password. */
function summarise(value: unknown): unknown {
  if (typeof value === 'string') {
    const shown = redactConnectionString(value);
    return shown.length > 60 ? `${shown.slice(0, 60)}…` : shown;
  }
  if (value === null || ['number', 'boolean', 'undefined'].includes(typeof value)) return value;
  return Array.isArray(value) ? '[array]' : `[${typeof value}]`;
}
