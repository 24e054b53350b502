import type { LevelName } from '../document/schema';
import type { MongoExporterOptions } from '../shared-options/shared-options';

/**
 * Local logging and the remote switch: the `[LOGGING]` keys that are not exporter options.
 * They are read by `setupTelemetry()`, not by the exporters.
 */
export interface LoggingOptions {
  /**
   * Send anything to MongoDB at all (errors, audit, metrics). `false` builds no MongoDB
   * exporter: nothing is sent and nothing fails. (`[LOGGING] remote_logging_enabled`)
   * @default true
   */
  remoteLoggingEnabled?: boolean;
  /**
   * Lowest level printed on the console, one line per record; `false` or unset: no console
   * output. (`[LOGGING] nivel_console`)
   * @default undefined (off)
   */
  consoleLevel?: LevelName | false;
  /**
   * Lowest level appended to {@link logFile}; `false` or unset: no log file.
   * (`[LOGGING] nivel_arquivo`)
   * @default undefined (off)
   */
  fileLevel?: LevelName | false;
  /**
   * The local log file, relative to the working directory. (`[LOGGING] arquivo_log`)
   * @default 'logs/mathbank.log'
   */
  logFile?: string;
}

/** Everything `loadConfig()` can be told explicitly: the exporters' options plus {@link LoggingOptions}. */
export type TelemetryOptions = MongoExporterOptions & LoggingOptions;

/** Why nothing will be sent to MongoDB. */
export type RemoteDisabledReason = 'switched-off' | 'no-connection-string';

/** The resolved `[LOGGING]` part of a {@link TelemetryConfig}. */
export interface LoggingConfig {
  /** Whether to build the MongoDB exporters. False when switched off or when there is no connection string. */
  remoteLoggingEnabled: boolean;
  /** Set when {@link remoteLoggingEnabled} is false. */
  remoteDisabledReason: RemoteDisabledReason | undefined;
  /** Lowest level for the console; undefined: no console output. */
  consoleLevel: LevelName | undefined;
  /** Lowest level for the log file; undefined: no log file. */
  fileLevel: LevelName | undefined;
  /** Absolute path of the log file (used only when {@link fileLevel} is set). */
  logFile: string;
}

/** What `loadConfig()` returns: plain data, safe to print except `exporter.connectionString`. */
export interface TelemetryConfig {
  /**
   * Options for every part of the package (`MongoLogRecordExporter`, `MongoMetricExporter`,
   * `AuditLogger`, `ErrorReporter`, `MetricsCollector`): the configured keys are always
   * filled in, the other explicit options are passed through unchanged.
   */
  exporter: MongoExporterOptions;
  logging: LoggingConfig;
  /** Problems that do not stop the application, already reported through `diag`. */
  warnings: string[];
  sources: ConfigSources;
}

/** Where the configuration came from. */
export interface ConfigSources {
  /** Absolute path of the config.ini read, if any. */
  configFile: string | undefined;
  /** Absolute path of the .env file read, if any. */
  envFile: string | undefined;
  /**
   * The origin of each configured value, by option path (`connectionString`,
   * `collections.errors`, `audit.tags`, `consoleLevel`...): `options`, `environment NAME`,
   * `<.env path> NAME`, `<config.ini path> [SECTION] key` or `default`.
   */
  values: Record<string, string>;
}

/** Arguments of `loadConfig()`. */
export interface LoadConfigOptions {
  /** Explicit options: they win over everything else. */
  options?: TelemetryOptions;
  /**
   * The config.ini to read. `false`: none. An explicit path that does not exist is an error.
   * @default './config.ini' in `cwd`, when it exists
   */
  configFile?: string | false;
  /**
   * The .env file to read (its variables never override real environment variables, and
   * `process.env` is not changed). `false`: none. An explicit path that does not exist is an error.
   * @default './.env' in `cwd`, when it exists
   */
  envFile?: string | false;
  /**
   * Environment variables.
   * @default process.env
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Folder that relative paths are resolved against.
   * @default process.cwd()
   */
  cwd?: string;
}
