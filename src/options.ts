import type { SeverityNumber } from '@opentelemetry/api';
import { DEFAULT_SANITIZE_LIMITS, type SanitizeLimits } from './document/bson-safe';
import { DEFAULT_SECRET_KEYS, secretKeyMatcher } from './document/keys';
import { defaultSpoolDir } from './delivery/spool-location';
import { InvalidOptionError } from './errors';
import { LEVEL_SEVERITY, parseLevelName } from './logs/severity';
import { passwordOf, redactConnectionString } from './redact';
import type { CollectionNames, LevelName, MongoExporterOptions, ResolvedOptions } from './types';

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
});

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
): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', options, 'an object');
  }
  const client = options.client;
  if (client !== undefined && (typeof client !== 'object' || typeof client.db !== 'function')) {
    throw new InvalidOptionError('client', '[not a MongoClient]', 'a MongoClient instance');
  }
  const connectionString = client
    ? undefined
    : (options.connectionString ?? firstEnv(env, ENV.connectionString));
  if (client && options.connectionString !== undefined) {
    throw new InvalidOptionError(
      'connectionString',
      '[given with client]',
      'either client or connectionString, not both',
    );
  }
  if (connectionString !== undefined) validateConnectionString(connectionString);

  const database = validateDatabaseName(options.database ?? nonEmpty(env[ENV.database]) ?? DEFAULTS.database);
  const collections = resolveCollections(options.collections);
  return {
    connectionString,
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
  };
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

function validateConnectionString(value: unknown): void {
  if (typeof value !== 'string' || !/^mongodb(\+srv)?:\/\/\S+$/i.test(value.trim())) {
    const shown = typeof value === 'string' ? redactConnectionString(value) : value;
    throw new InvalidOptionError('connectionString', shown, 'a mongodb:// or mongodb+srv:// URI');
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
  for (const [key, name] of Object.entries(given)) {
    if (!(key in resolved)) {
      throw new InvalidOptionError(`collections.${key}`, name, 'one of the keys errors, audit, metrics');
    }
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

function firstEnv(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
