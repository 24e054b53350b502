import { SANITIZE_OPTIONS, type SanitizeOptions, resolveSanitizeLimits } from '../document/options';
import { SPOOL_OPTIONS, type SpoolOptions, type SpoolSettings, resolveSpool } from '../delivery/options';
import { checkGivenValues, defaultsOf, keysOf } from '../options/descriptor';
import { checkKeys, checkOptionsObject } from '../options/key-table';
import {
  RECORD_OPTIONS,
  type RecordOptions,
  type RecordSettings,
  resolveRecordSettings,
} from '../pipeline/options';
import {
  DESTINATION_ENV,
  DESTINATION_OPTIONS,
  checkOneDestination,
  type DestinationOptions,
  type DestinationSettings,
  resolveDestination,
} from '../storage/options';
import { SWITCH_OPTIONS, type SwitchOptions, type SwitchSettings, resolveSwitches } from './switches';
import type { SanitizeLimits } from '../document/sanitize-report';

/**
 * Options shared by every part of the package: the exporters, the error reporter,
 * the audit logger and `setupTelemetry()`. One object can configure all of them;
 * each part reads the keys it needs. Every key is optional. Each group of keys is
 * declared beside the code that reads it: see the interfaces this one extends.
 */
export interface MongoExporterOptions
  extends DestinationOptions, SpoolOptions, SanitizeOptions, RecordOptions, SwitchOptions {}

/** Options after defaults, environment variables and validation: what the code reads. */
export interface ResolvedOptions extends DestinationSettings, SpoolSettings, RecordSettings, SwitchSettings {
  sanitizeLimits: SanitizeLimits;
}

/** Every table of the shared object, in the order its keys are checked. */
const SHARED_TABLES = [
  DESTINATION_OPTIONS,
  SPOOL_OPTIONS,
  SANITIZE_OPTIONS,
  RECORD_OPTIONS,
  SWITCH_OPTIONS,
] as const;

/** The keys of the shared options object. */
export const SHARED_OPTION_KEYS = keysOf(...SHARED_TABLES);

/** Every default of the shared options, gathered from the parts' tables. */
export const DEFAULTS = Object.freeze({
  ...defaultsOf(DESTINATION_OPTIONS),
  ...defaultsOf(SPOOL_OPTIONS),
  ...defaultsOf(SANITIZE_OPTIONS),
  ...defaultsOf(RECORD_OPTIONS),
  ...defaultsOf(SWITCH_OPTIONS),
});

/** Environment variables read when an option is not given. */
export const ENV = DESTINATION_ENV;

/**
 * Options → resolved options: explicit options first, then environment variables,
 * then defaults. `owner` and `known` name what takes the object and every key it accepts
 * (the shared keys and the owner's own); throws `InvalidOptionError` naming the first bad option.
 */
export function resolveOptions(
  options: MongoExporterOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  owner = 'MongoLogRecordExporter',
  known: readonly string[] = SHARED_OPTION_KEYS,
): ResolvedOptions {
  checkOptionsObject('options', options);
  checkKeys(owner, options, known);
  const destination = resolveDestination(options, env);
  return {
    ...destination,
    ...resolveSpool(options, destination),
    sanitizeLimits: resolveSanitizeLimits(options),
    ...resolveRecordSettings(options),
    ...resolveSwitches(options),
  };
}

/**
 * For a part that takes the shared object besides options of its own (`ErrorReporter`,
 * `AuditLogger`, `MetricsCollector`): the object is checked against every key the part
 * accepts, and the switches the parts read are resolved.
 */
export function resolvePartSwitches(
  owner: string,
  options: object,
  known: readonly string[],
): SwitchSettings {
  checkOptionsObject('options', options);
  checkKeys(owner, options, known);
  return resolveSwitches(options);
}

/**
 * Checks only the shared options given in `partial`: no environment, no defaults, no spool
 * folder. A config file or a variable is held this way to exactly what the option accepts.
 */
export function checkSharedValues(partial: MongoExporterOptions): void {
  checkOneDestination(partial);
  for (const table of SHARED_TABLES) checkGivenValues(table, partial);
}
