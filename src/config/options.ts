import { parseLevelName } from '../document/level';
import type { LevelName } from '../document/schema';
import { InvalidOptionError } from '../foundation/errors';
import { checkGivenValues, defaultsOf, keysOf, type OptionTable } from '../options/descriptor';
import { checkKeys, checkOptionsObject } from '../options/key-table';
import { booleanOption } from '../options/validators';
import {
  checkSharedValues,
  type MongoExporterOptions,
  SHARED_OPTION_KEYS,
} from '../shared-options/shared-options';
import type { LoadConfigOptions, LoggingOptions, TelemetryOptions } from './types';

/** The local logging options (`[LOGGING]` keys that are not exporter options), one descriptor each. */
export const LOGGING_OPTIONS = {
  remoteLoggingEnabled: { default: true, transform: booleanOption },
  consoleLevel: { default: false as LevelName | false, transform: levelOrOff },
  fileLevel: { default: false as LevelName | false, transform: levelOrOff },
  logFile: { default: 'logs/mathbank.log', transform: logFile },
} satisfies OptionTable<LoggingOptions>;

/** Defaults of the local logging options. */
export const LOGGING_DEFAULTS = defaultsOf(LOGGING_OPTIONS);

/** The keys `loadConfig()` takes (its arguments, not the options inside them). */
const LOAD_CONFIG_KEYS = keysOf({
  options: true,
  configFile: true,
  envFile: true,
  env: true,
  cwd: true,
} satisfies Record<keyof Required<LoadConfigOptions>, true>);

/** The keys of `loadConfig()`'s `options`: the shared ones and the local logging ones. */
export const TELEMETRY_OPTION_KEYS = keysOf(SHARED_OPTION_KEYS, LOGGING_OPTIONS);

export function checkLoadConfigArguments(args: unknown): asserts args is LoadConfigOptions {
  checkOptionsObject('loadConfig', args);
  checkKeys('loadConfig', args, LOAD_CONFIG_KEYS);
}

/**
 * Explicit options are checked by the descriptors of the parts that will use them, before
 * anything is merged: a mistake in the code wins over one in a file, since it is the one the
 * developer can see.
 */
export function checkExplicitOptions(options: TelemetryOptions): void {
  checkOptionsObject('options', options);
  checkKeys('loadConfig() options', options, TELEMETRY_OPTION_KEYS);
  checkSharedValues(withoutLoggingKeys(options));
  checkGivenValues(LOGGING_OPTIONS, options);
}

/** The shared options of a `TelemetryOptions` object (what is passed on to the exporters). */
export function withoutLoggingKeys(options: TelemetryOptions): MongoExporterOptions {
  const copy: Record<string, unknown> = { ...options };
  for (const key of Object.keys(LOGGING_OPTIONS)) delete copy[key];
  return copy as MongoExporterOptions;
}

/** A level in any common spelling, stored by its plan name; `false` (or unset) turns the output off. */
export function levelOrOff(name: string, value: unknown): LevelName | false {
  if (value === undefined || value === false) return false;
  const level = typeof value === 'string' ? parseLevelName(value) : undefined;
  if (!level) throw new InvalidOptionError(name, value, 'DEBUG, INFO, WARNING, ERROR, CRITICAL or false');
  return level;
}

function logFile(name: string, value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new InvalidOptionError(name, value, 'a file path');
}
