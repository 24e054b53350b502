import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { componentLogger } from '../foundation/diag';
import { InvalidOptionError } from '../foundation/errors';
import {
  checkExplicitOptions,
  checkLoadConfigArguments,
  LOGGING_DEFAULTS,
  levelOrOff,
  withoutLoggingKeys,
} from './options';
import { passwordOf } from '../foundation/redact';
import { type EnvFile, parseEnvFile, readEnvironment } from './environment';
import { isTrackedByGit, trackedSecretWarning } from './git-tracked';
import { type ConfigFileValues, type ConfiguredValue, parseConfigFile } from './ini-file';
import type { ConfigKey } from './ini-schema';
import type { LoadConfigOptions, TelemetryConfig, TelemetryOptions } from './types';
import type { CollectionNames } from '../document/schema';
import type { MongoExporterOptions } from '../shared-options/shared-options';
import { DEFAULTS, ENV } from '../shared-options/shared-options';
import type { AuditSwitches } from '../shared-options/switches';

const log = componentLogger('config');

export const MISSING_CONNECTION_STRING_WARNING =
  'No MongoDB connection string: set MONGODB_CONNECTION_STRING (or MONGODB_URI) in the environment or a .env ' +
  'file, [MONGODB] connection_string in config.ini, or the connectionString option. Remote export is ' +
  'disabled: errors, audit events and metrics are not sent to MongoDB; the application keeps running.';

/**
 * Reads the configuration: explicit options, then environment variables (and a .env file),
 * then config.ini, then defaults. Throws {@link InvalidOptionError} (a `ConfigFileError` for
 * file content) for bad configuration; problems that should not stop the application (no
 * connection string, a secret in a file tracked by git) are returned in `warnings` and
 * reported through `diag`. Never changes `process.env`.
 */
export function loadConfig(args: LoadConfigOptions = {}): TelemetryConfig {
  checkLoadConfigArguments(args);
  const cwd = resolve(args.cwd ?? process.cwd());
  const options: TelemetryOptions = args.options ?? {};
  checkExplicitOptions(options);
  const explicit = explicitValues(options);

  const configPath = locateFile('configFile', args.configFile, cwd, 'config.ini');
  const envPath = locateFile('envFile', args.envFile, cwd, '.env');
  const fileValues: ConfigFileValues | undefined = configPath
    ? parseConfigFile(configPath, readText('configFile', configPath))
    : undefined;
  const envFile: EnvFile | undefined = envPath
    ? parseEnvFile(envPath, readText('envFile', envPath))
    : undefined;
  const environment = readEnvironment(args.env ?? process.env, envFile);

  const sources: Record<string, string> = {};
  const pick = <T>(key: ConfigKey, fallback: T): T => {
    const chosen =
      explicit.get(key) ??
      (key === 'connectionString' && options.client ? undefined : environment.values.get(key)) ??
      (key === 'connectionString' && options.client ? undefined : fileValues?.values.get(key));
    sources[key] = chosen ? chosen.origin : 'default';
    return chosen ? (chosen.value as T) : fallback;
  };

  const exporter: MongoExporterOptions = withoutUndefined({
    ...withoutLoggingKeys(options),
    connectionString: pick<string | undefined>('connectionString', undefined),
    database: pick('database', DEFAULTS.database),
    collections: pickGroup<CollectionNames>('collections', DEFAULTS.collections, pick),
    connectionTimeoutMs: pick('connectionTimeoutMs', DEFAULTS.connectionTimeoutMs),
    remoteLevel: pick<MongoExporterOptions['remoteLevel']>('remoteLevel', DEFAULTS.remoteLevel),
    audit: pickGroup<AuditSwitches>('audit', DEFAULTS.audit, pick),
    metricsEnabled: pick('metricsEnabled', DEFAULTS.metricsEnabled),
    sendMetricsOnShutdown: pick('sendMetricsOnShutdown', DEFAULTS.sendMetricsOnShutdown),
    retentionDays: pick<number | undefined>('retentionDays', undefined),
    trailSize: pick('trailSize', DEFAULTS.trailSize),
  });
  if (exporter.connectionString === undefined) delete sources.connectionString;

  const switchedOn = pick('remoteLoggingEnabled', LOGGING_DEFAULTS.remoteLoggingEnabled);
  const hasDestination = exporter.connectionString !== undefined || exporter.client !== undefined;
  const consoleLevel = pick('consoleLevel', LOGGING_DEFAULTS.consoleLevel);
  const fileLevel = pick('fileLevel', LOGGING_DEFAULTS.fileLevel);

  const warnings: string[] = [];
  if (switchedOn && !hasDestination) warnings.push(MISSING_CONNECTION_STRING_WARNING);
  if (fileValues?.holdsConnectionString && isTrackedByGit(fileValues.file)) {
    const uri = fileValues.values.get('connectionString')?.value;
    warnings.push(trackedSecretWarning(fileValues.file, passwordOf(String(uri)).length > 0));
  }
  if (envFile && environment.envFileHoldsConnectionString && isTrackedByGit(envFile.file)) {
    const uri = ENV.connectionString.map((name) => envFile.variables[name]).find(Boolean);
    warnings.push(trackedSecretWarning(envFile.file, passwordOf(uri).length > 0));
  }
  for (const warning of warnings) log.warn(warning);

  return {
    exporter,
    logging: {
      remoteLoggingEnabled: switchedOn && hasDestination,
      remoteDisabledReason: !switchedOn
        ? 'switched-off'
        : hasDestination
          ? undefined
          : 'no-connection-string',
      consoleLevel: consoleLevel || undefined,
      fileLevel: fileLevel || undefined,
      logFile: resolve(cwd, pick('logFile', LOGGING_DEFAULTS.logFile)),
    },
    warnings,
    sources: { configFile: configPath, envFile: envPath, values: sources },
  };
}

/** Explicit options as configured values, by option path. */
function explicitValues(options: TelemetryOptions): Map<ConfigKey, ConfiguredValue> {
  const values = new Map<ConfigKey, ConfiguredValue>();
  const set = (key: ConfigKey, value: unknown) => {
    if (value !== undefined) values.set(key, { value, origin: 'options' });
  };
  for (const key of [
    'connectionString',
    'database',
    'connectionTimeoutMs',
    'remoteLevel',
    'metricsEnabled',
    'sendMetricsOnShutdown',
    'retentionDays',
    'trailSize',
  ] as const) {
    set(key, options[key]);
  }
  for (const [group, value] of [
    ['collections', options.collections],
    ['audit', options.audit],
  ] as const) {
    for (const [name, entry] of Object.entries(value ?? {})) set(`${group}.${name}` as ConfigKey, entry);
  }
  set('remoteLoggingEnabled', options.remoteLoggingEnabled);
  set(
    'consoleLevel',
    options.consoleLevel === undefined ? undefined : levelOrOff('consoleLevel', options.consoleLevel),
  );
  set('fileLevel', options.fileLevel === undefined ? undefined : levelOrOff('fileLevel', options.fileLevel));
  set('logFile', options.logFile);
  return values;
}

/** A group (`collections`, `audit`) key by key: `options.audit.tags` beats `[AUDIT] auditar_tags`. */
function pickGroup<T extends object>(
  group: string,
  defaults: Readonly<T>,
  pick: <V>(key: ConfigKey, fallback: V) => V,
): T {
  const result = { ...defaults } as Record<string, unknown>;
  for (const [name, fallback] of Object.entries(defaults)) {
    result[name] = pick(`${group}.${name}` as ConfigKey, fallback);
  }
  return result as T;
}

function locateFile(option: string, given: unknown, cwd: string, defaultName: string): string | undefined {
  if (given === false) return undefined;
  if (given === undefined) {
    const path = resolve(cwd, defaultName);
    return existsSync(path) ? path : undefined;
  }
  if (typeof given !== 'string' || given.trim() === '') {
    throw new InvalidOptionError(option, given, 'a file path, or false for none');
  }
  const path = resolve(cwd, given);
  if (!existsSync(path)) throw new InvalidOptionError(option, path, 'an existing file (or false for none)');
  return path;
}

function readText(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new InvalidOptionError(option, path, `a readable file (reading failed: ${code})`, { cause: error });
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
