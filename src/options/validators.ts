import type { LoggerProvider, MeterProvider } from '@opentelemetry/api';
import { InvalidOptionError } from '../foundation/errors';

/**
 * The validators every part's option table uses: one dialect, `(name, value) => resolved`.
 * Each throws {@link InvalidOptionError} naming the option, the value and what was expected.
 */

export function positiveInteger(name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new InvalidOptionError(name, value, 'a positive integer');
}

/** A whole number in `[min, max]`; the expectation names the range. */
export function integerIn(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (name: string, value: unknown): number => {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max)
      return value;
    const range = max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `from ${min}`;
    throw new InvalidOptionError(name, value, `an integer ${range}`);
  };
}

export function nonEmptyString(name: string, value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new InvalidOptionError(name, value, 'a non-empty string');
}

/** A positive integer, or undefined when the option is left out (an optional limit). */
export function optionalPositiveInteger(name: string, value: unknown): number | undefined {
  return value === undefined ? undefined : positiveInteger(name, value);
}

export function booleanOption(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new InvalidOptionError(name, value, 'true or false');
}

/** A function option (a hook), or undefined when left out. */
export function optionalFunction<F>(expectation: string) {
  return (name: string, value: unknown): F | undefined => {
    if (value === undefined || typeof value === 'function') return value as F | undefined;
    throw new InvalidOptionError(name, value, expectation);
  };
}

/** An OpenTelemetry provider option: undefined, or an object with the provider's `method`. */
function providerOption<P>(kind: string, method: string) {
  return (name: string, value: unknown): P | undefined => {
    if (value === undefined) return undefined;
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as Record<string, unknown>)[method] === 'function'
    ) {
      return value as P;
    }
    throw new InvalidOptionError(name, `[not a ${kind}]`, `an OpenTelemetry ${kind}`);
  };
}

/** A `loggerProvider` option: undefined, or something with `getLogger()`. */
export const loggerProviderOption = providerOption<LoggerProvider>('LoggerProvider', 'getLogger');

/** A `meterProvider` option: undefined, or something with `getMeter()`. */
export const meterProviderOption = providerOption<MeterProvider>('MeterProvider', 'getMeter');

/**
 * A text from the environment or a file: trimmed, and undefined when empty, so that
 * `MONGODB_DATABASE=` (set but blank) counts as not set.
 */
export function nonEmptyText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
