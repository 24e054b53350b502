import { LOGGING_OPTIONS, TELEMETRY_OPTION_KEYS } from '../config/options';
import type { LoggingOptions } from '../config/types';
import { BATCH_PROCESSOR_DEFAULTS } from '../logs/batch-processor';
import { defaultsOf, keysOf, type OptionTable, resolveTable } from '../options/descriptor';
import { checkKeys, checkOptionsObject } from '../options/key-table';
import { booleanOption, positiveInteger } from '../options/validators';
import { type MongoExporterOptions, SHARED_OPTION_KEYS } from '../shared-options/shared-options';
import type { SetupTelemetryOptions } from './types';

/** Checked where they are used: the resource (names) and `loadConfig()` (files). */
const checkedWhereUsed = (_name: string, value: unknown) => value;

/** `setupTelemetry()`'s own options, one descriptor each; the shared and logging ones are the parts'. */
const SETUP_OPTIONS = {
  serviceName: { transform: checkedWhereUsed },
  appVersion: { transform: checkedWhereUsed },
  configFile: { transform: checkedWhereUsed },
  envFile: { transform: checkedWhereUsed },
  installGlobalHandlers: { default: true, transform: booleanOption },
  registerGlobalProviders: { default: true, transform: booleanOption },
  shutdownOnExit: { default: true, transform: booleanOption },
  shutdownTimeoutMs: { default: 5000, transform: positiveInteger },
  metricExportIntervalMs: { default: 60_000, transform: positiveInteger },
  /** The log record processor's queue: a burst beyond it is spilled to the spool, not dropped. */
  maxQueueSize: { default: BATCH_PROCESSOR_DEFAULTS.maxQueueSize, transform: positiveInteger },
} satisfies OptionTable<Omit<SetupTelemetryOptions, keyof MongoExporterOptions | keyof LoggingOptions>>;

/** Defaults of `setupTelemetry()`'s own options. */
export const SETUP_DEFAULTS = defaultsOf(SETUP_OPTIONS);

/** Every key `setupTelemetry()` accepts: the shared options, the local logging ones and its own. */
export const SETUP_TELEMETRY_KEYS = keysOf(SHARED_OPTION_KEYS, LOGGING_OPTIONS, SETUP_OPTIONS);

/** `setupTelemetry()`'s own options (the others are resolved by `loadConfig()` and the parts). */
export function resolveSetupOptions(options: SetupTelemetryOptions) {
  checkOptionsObject('options', options);
  checkKeys('setupTelemetry', options, SETUP_TELEMETRY_KEYS);
  return resolveTable(SETUP_OPTIONS, options);
}

/** The options of `setupTelemetry()` that `loadConfig()` reads, without setupTelemetry's own. */
export function telemetryOptionsOf(options: SetupTelemetryOptions): MongoExporterOptions & LoggingOptions {
  const known = new Set(TELEMETRY_OPTION_KEYS);
  return Object.fromEntries(Object.entries(options).filter(([key]) => known.has(key)));
}
