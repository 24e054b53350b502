import { resolve as resolvePath } from 'node:path';
import type { LoggerProvider, SeverityNumber } from '@opentelemetry/api';
import { DEFAULT_SANITIZE_LIMITS, type SanitizeLimits } from './document/bson-safe';
import { DEFAULT_SECRET_KEYS, secretKeyMatcher } from './document/keys';
import { defaultSpoolDir } from './delivery/spool-location';
import { InvalidOptionError } from './foundation/errors';
import { defaultAppRoot } from './resource/app-root';
import type { BeforeSend } from './document/before-send';
import type { StormGuardSettings } from './pipeline/storm-guard';
import { LEVEL_SEVERITY, parseLevelName } from './document/level';
import { checkKeys, checkKnownKeys, type OptionsOwner } from './option-keys';
import { passwordOf, redactConnectionStringValue } from './foundation/redact';
import { connectionStringProblem } from './storage/connection-string';
import type { SetupTelemetryOptions } from './setup/types';
import type { AuditSwitches, MongoExporterOptions, ResolvedOptions } from './types';
import type { CollectionNames, LevelName } from './document/schema';

/** Every default of the package, in one place. */
export const DEFAULTS = Object.freeze({
  database: 'mathbank_logs',
  collections: Object.freeze({
    errors: 'errors',
    audit: 'audit',
    metrics: 'metrics',
  }) as Readonly<CollectionNames>,
  remoteLevel: 'ERROR' as LevelName,
  connectionTimeoutMs: 5000,
  createIndexes: true,
  audit: Object.freeze({ questoes: true, listas: true, tags: true, exportacoes: true, sessoes: true }),
  metricsEnabled: true,
  sendMetricsOnShutdown: true,
  flushTimeoutMs: 2000,
  spoolMaxBytes: 100 * 1024 * 1024,
  retryDeadlineMs: 10_000,
  maxStringLength: DEFAULT_SANITIZE_LIMITS.maxStringLength,
  redactKeys: DEFAULT_SECRET_KEYS,
  stormGuard: Object.freeze({ maxPerWindow: 10, windowMs: 60_000 }) as Readonly<StormGuardSettings>,
  trailSize: 20,
  captureCallSite: true,
});

/** Defaults of `setupTelemetry()`'s own options. */
export const SETUP_DEFAULTS = Object.freeze({
  installGlobalHandlers: true,
  registerGlobalProviders: true,
  shutdownOnExit: true,
  shutdownTimeoutMs: 5000,
  metricExportIntervalMs: 60_000,
  /** The log record processor's queue: a burst beyond it is spilled to the spool, not dropped. */
  maxQueueSize: 2048,
});

/** `MongoBatchLogRecordProcessor`'s defaults: the SDK's `BatchLogRecordProcessor` ones. */
export const BATCH_PROCESSOR_DEFAULTS = Object.freeze({
  maxExportBatchSize: 512,
  maxQueueSize: SETUP_DEFAULTS.maxQueueSize,
  scheduledDelayMillis: 1000,
  exportTimeoutMillis: 30_000,
});

/** Defaults of the local logging options (`LoggingOptions`, the `[LOGGING]` keys that are not exporter options). */
export const LOGGING_DEFAULTS = Object.freeze({
  remoteLoggingEnabled: true,
  consoleLevel: false as LevelName | false,
  fileLevel: false as LevelName | false,
  logFile: 'logs/mathbank.log',
});
/** The largest trail: Sentry keeps up to 100 breadcrumbs. */
export const MAX_TRAIL_SIZE = 100;

/** Environment variables read when an option is not given. */
export const ENV = Object.freeze({
  connectionString: ['MONGODB_CONNECTION_STRING', 'MONGODB_URI'] as const,
  database: 'MONGODB_DATABASE',
});

/**
 * Options → resolved options: explicit options first, then environment variables,
 * then defaults. Throws {@link InvalidOptionError} naming the first bad option.
 */
export function resolveOptions(
  options: MongoExporterOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  owner: OptionsOwner = 'MongoLogRecordExporter',
): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', options, 'an object');
  }
  checkKnownKeys(owner, options);
  const client = options.client;
  if (client !== undefined && (typeof client !== 'object' || typeof client.db !== 'function')) {
    throw new InvalidOptionError('client', '[not a MongoClient]', 'a MongoClient instance');
  }
  const fromEnv =
    client || options.connectionString !== undefined ? undefined : firstEnv(env, ENV.connectionString);
  const connectionString = client ? undefined : (options.connectionString ?? fromEnv?.value);
  if (client && options.connectionString !== undefined) {
    throw new InvalidOptionError(
      'connectionString',
      '[given with client]',
      'either client or connectionString, not both',
    );
  }
  const connectionStringOption = fromEnv ? `${fromEnv.name} (environment variable)` : 'connectionString';
  if (connectionString !== undefined) validateConnectionString(connectionString, connectionStringOption);

  const database = validateDatabaseName(options.database ?? nonEmpty(env[ENV.database]) ?? DEFAULTS.database);
  const collections = resolveCollections(options.collections);
  return {
    connectionString,
    connectionStringOption,
    client,
    database,
    collections,
    remoteSeverity: parseSeverity('remoteLevel', options.remoteLevel ?? DEFAULTS.remoteLevel),
    connectionTimeoutMs: positiveInteger(
      'connectionTimeoutMs',
      options.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
    ),
    createIndexes: booleanOption('createIndexes', options.createIndexes ?? DEFAULTS.createIndexes),
    secrets: passwordOf(connectionString),
    spoolDir: resolveSpoolDir(options.spoolDir, connectionString, client, database, collections),
    spoolMaxBytes: positiveInteger('spoolMaxBytes', options.spoolMaxBytes ?? DEFAULTS.spoolMaxBytes),
    retryDeadlineMs: positiveInteger('retryDeadlineMs', options.retryDeadlineMs ?? DEFAULTS.retryDeadlineMs),
    sanitizeLimits: resolveSanitizeLimits(options),
    metricsEnabled: booleanOption('metricsEnabled', options.metricsEnabled ?? DEFAULTS.metricsEnabled),
    sendMetricsOnShutdown: booleanOption(
      'sendMetricsOnShutdown',
      options.sendMetricsOnShutdown ?? DEFAULTS.sendMetricsOnShutdown,
    ),
    flushTimeoutMs: positiveInteger('flushTimeoutMs', options.flushTimeoutMs ?? DEFAULTS.flushTimeoutMs),
    audit: resolveAuditSwitches(options.audit),
    appRoots: [resolveAppRoot(options.appRoot)],
    beforeSend: resolveBeforeSend(options.beforeSend),
    retentionDays:
      options.retentionDays === undefined
        ? undefined
        : positiveInteger('retentionDays', options.retentionDays),
    stormGuard: resolveStormGuard(options.stormGuard),
    trailSize: resolveTrailSize(options.trailSize),
    trailMaxAgeMs:
      options.trailMaxAgeMs === undefined
        ? undefined
        : positiveInteger('trailMaxAgeMs', options.trailMaxAgeMs),
    captureCallSite: booleanOption('captureCallSite', options.captureCallSite ?? DEFAULTS.captureCallSite),
  };
}

/** `setupTelemetry()`'s own options (the others are resolved by `loadConfig()` and the parts). */
export function resolveSetupOptions(options: SetupTelemetryOptions) {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', options, 'an object');
  }
  checkKnownKeys('setupTelemetry', options);
  return {
    installGlobalHandlers: booleanOption(
      'installGlobalHandlers',
      options.installGlobalHandlers ?? SETUP_DEFAULTS.installGlobalHandlers,
    ),
    registerGlobalProviders: booleanOption(
      'registerGlobalProviders',
      options.registerGlobalProviders ?? SETUP_DEFAULTS.registerGlobalProviders,
    ),
    shutdownOnExit: booleanOption('shutdownOnExit', options.shutdownOnExit ?? SETUP_DEFAULTS.shutdownOnExit),
    shutdownTimeoutMs: positiveInteger(
      'shutdownTimeoutMs',
      options.shutdownTimeoutMs ?? SETUP_DEFAULTS.shutdownTimeoutMs,
    ),
    metricExportIntervalMs: positiveInteger(
      'metricExportIntervalMs',
      options.metricExportIntervalMs ?? SETUP_DEFAULTS.metricExportIntervalMs,
    ),
    maxQueueSize: positiveInteger('maxQueueSize', options.maxQueueSize ?? SETUP_DEFAULTS.maxQueueSize),
  };
}

/**
 * The options of a part that takes the shared options object (`ErrorReporter`, `AuditLogger`,
 * `MetricsCollector`): the object is checked, unknown keys rejected, and the shared keys the
 * parts read are resolved here.
 */
export function resolvePartOptions(owner: OptionsOwner, options: MongoExporterOptions) {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', options, 'an object');
  }
  checkKnownKeys(owner, options);
  return {
    metricsEnabled: booleanOption('metricsEnabled', options.metricsEnabled ?? DEFAULTS.metricsEnabled),
    flushTimeoutMs: positiveInteger('flushTimeoutMs', options.flushTimeoutMs ?? DEFAULTS.flushTimeoutMs),
    audit: resolveAuditSwitches(options.audit),
  };
}

/** A `loggerProvider` option: undefined, or something with `getLogger()`. */
export function loggerProviderOption(value: unknown): LoggerProvider | undefined {
  if (value === undefined) return undefined;
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as LoggerProvider).getLogger === 'function'
  ) {
    return value as LoggerProvider;
  }
  throw new InvalidOptionError('loggerProvider', '[not a LoggerProvider]', 'an OpenTelemetry LoggerProvider');
}

const AUDIT_GROUPS = Object.keys(DEFAULTS.audit);

/** The `audit` option with defaults filled in; throws {@link InvalidOptionError} on a bad key or value. */
export function resolveAuditSwitches(value: unknown): AuditSwitches {
  const switches: AuditSwitches = { ...DEFAULTS.audit };
  if (value === undefined) return switches;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError('audit', value, `an object like { ${AUDIT_GROUPS.join(', ')} }`);
  }
  checkKeys('audit', value, AUDIT_GROUPS, 'audit.');
  for (const [key, enabled] of Object.entries(value)) {
    if (enabled === undefined) continue;
    if (typeof enabled !== 'boolean') throw new InvalidOptionError(`audit.${key}`, enabled, 'true or false');
    switches[key as keyof AuditSwitches] = enabled;
  }
  return switches;
}

function resolveSpoolDir(
  value: unknown,
  connectionString: string | undefined,
  client: MongoExporterOptions['client'],
  database: string,
  collections: CollectionNames,
): string | undefined {
  if (value === false) return undefined;
  if (value === undefined) return defaultSpoolDir(connectionString, client, database, collections);
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new InvalidOptionError('spoolDir', value, 'a folder path, or false to turn the spool off');
}

function resolveTrailSize(value: unknown): number {
  const size = value ?? DEFAULTS.trailSize;
  if (typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 && size <= MAX_TRAIL_SIZE)
    return size;
  throw new InvalidOptionError('trailSize', value, `a whole number from 0 (off) to ${MAX_TRAIL_SIZE}`);
}

function resolveStormGuard(value: unknown): StormGuardSettings | undefined {
  if (value === false) return undefined;
  if (value === undefined) return { ...DEFAULTS.stormGuard };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError('stormGuard', value, 'false, or an object like { maxPerWindow, windowMs }');
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULTS.stormGuard)) {
      throw new InvalidOptionError(`stormGuard.${key}`, given[key], 'one of the keys maxPerWindow, windowMs');
    }
  }
  return {
    maxPerWindow: positiveInteger(
      'stormGuard.maxPerWindow',
      given.maxPerWindow ?? DEFAULTS.stormGuard.maxPerWindow,
    ),
    windowMs: positiveInteger('stormGuard.windowMs', given.windowMs ?? DEFAULTS.stormGuard.windowMs),
  };
}

function resolveBeforeSend(value: unknown): BeforeSend | undefined {
  if (value === undefined || typeof value === 'function') return value as BeforeSend | undefined;
  throw new InvalidOptionError('beforeSend', value, 'a function (document, kind) => document | null');
}

function resolveAppRoot(value: unknown): string {
  if (value === undefined) return defaultAppRoot();
  if (typeof value === 'string' && value.trim() !== '') return resolvePath(value);
  throw new InvalidOptionError('appRoot', value, "a folder path (the application's root)");
}

function resolveSanitizeLimits(options: MongoExporterOptions): SanitizeLimits {
  const maxStringLength = options.maxStringLength ?? DEFAULTS.maxStringLength;
  if (!Number.isSafeInteger(maxStringLength) || maxStringLength < 64) {
    throw new InvalidOptionError('maxStringLength', maxStringLength, 'an integer of at least 64');
  }
  const redactKeys = options.redactKeys ?? DEFAULTS.redactKeys;
  if (!Array.isArray(redactKeys) || !redactKeys.every((k) => typeof k === 'string' || k instanceof RegExp)) {
    throw new InvalidOptionError('redactKeys', redactKeys, 'an array of strings and regular expressions');
  }
  if (options.maxStringLength === undefined && options.redactKeys === undefined)
    return DEFAULT_SANITIZE_LIMITS;
  return {
    maxDepth: DEFAULT_SANITIZE_LIMITS.maxDepth,
    maxStringLength,
    isSecretKey: secretKeyMatcher(redactKeys),
  };
}

/** A threshold given as a level name (any common spelling) or a severity number 1..24. */
export function parseSeverity(option: string, value: unknown): SeverityNumber {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 24) return value;
  if (typeof value === 'string') {
    const level = parseLevelName(value);
    if (level) return LEVEL_SEVERITY[level];
  }
  throw new InvalidOptionError(
    option,
    value,
    'DEBUG, INFO, WARNING, ERROR, CRITICAL or a severity number 1-24',
  );
}

export function positiveInteger(option: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new InvalidOptionError(option, value, 'a positive integer');
}

export function booleanOption(option: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new InvalidOptionError(option, value, 'true or false');
}

function validateConnectionString(value: unknown, option: string): void {
  if (typeof value !== 'string' || !/^mongodb(\+srv)?:\/\/\S+$/i.test(value.trim())) {
    const shown = typeof value === 'string' ? redactConnectionStringValue(value) : value;
    throw new InvalidOptionError(option, shown, 'a mongodb:// or mongodb+srv:// URI');
  }
  const problem = connectionStringProblem(value.trim());
  if (problem !== undefined) {
    throw new InvalidOptionError(
      option,
      redactConnectionStringValue(value),
      `a valid MongoDB URI (${problem.message})`,
      { cause: problem.cause },
    );
  }
}

function validateDatabaseName(value: unknown): string {
  if (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length < 64 &&
    !/[/\\. "$*<>:|?\0]/.test(value)
  ) {
    return value;
  }
  throw new InvalidOptionError(
    'database',
    value,
    'a MongoDB database name (1-63 characters, none of /\\. "$*<>:|?)',
  );
}

function resolveCollections(value: unknown): CollectionNames {
  if (value === undefined) return { ...DEFAULTS.collections };
  if (value === null || typeof value !== 'object') {
    throw new InvalidOptionError('collections', value, 'an object like { errors, audit, metrics }');
  }
  const given = value as Record<string, unknown>;
  const resolved = { ...DEFAULTS.collections };
  checkKeys('collections', given, Object.keys(resolved), 'collections.');
  for (const [key, name] of Object.entries(given)) {
    if (name === undefined) continue;
    if (typeof name !== 'string' || name.length === 0 || name.includes('$') || name.startsWith('system.')) {
      throw new InvalidOptionError(
        `collections.${key}`,
        name,
        'a collection name without "$", not starting with "system."',
      );
    }
    resolved[key as keyof CollectionNames] = name;
  }
  return resolved;
}

function firstEnv(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
