import { InvalidOptionError } from '../foundation/errors';
import { parseLevelName } from '../document/level';
import { redactConnectionStringValue } from '../foundation/redact';
import type { LevelName } from '../document/schema';
import type { MongoExporterOptions } from '../shared-options/shared-options';
import { checkSharedValues } from '../shared-options/shared-options';

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

export const BOOLEAN_EXPECTATION = 'true/false, yes/no, on/off or 1/0';
export const LEVEL_EXPECTATION = 'DEBUG, INFO, WARNING, ERROR or CRITICAL';
export const POSITIVE_INTEGER_EXPECTATION = 'a positive whole number of milliseconds';

/** true/false/yes/no/on/off/1/0 in any case (the ini parser already turns true/false into booleans). */
export function parseBooleanText(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** Decimal digits only: `5000`, not `5e3`, `-1` or `0`. */
export function parsePositiveIntegerText(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\s*\d+\s*$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/** Decimal digits only, zero included: `20` or `0`. */
export function parseCountText(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\s*\d+\s*$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}

/** A level name in any common spelling, as a {@link LevelName}. */
export function parseLevelText(value: unknown): LevelName | undefined {
  return typeof value === 'string' ? parseLevelName(value) : undefined;
}

/** A value as it may be shown in an error: see {@link redactConnectionStringValue}. */
export function shownValue(value: unknown): unknown {
  return typeof value === 'string' ? redactConnectionStringValue(value) : value;
}

/**
 * Checks a value with the descriptors of the options (`checkSharedValues`), so that a file or
 * an environment variable accepts exactly what the option accepts. On failure, `fail`
 * receives what was expected and the option's own error (to keep as `cause`), and returns
 * the error to throw.
 */
export function validateAsOption(
  partial: MongoExporterOptions,
  fail: (expectation: string, cause: InvalidOptionError) => Error,
): void {
  try {
    checkSharedValues(partial);
  } catch (error) {
    if (error instanceof InvalidOptionError) throw fail(error.expectation, error);
    throw error;
  }
}
