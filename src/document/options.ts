import { InvalidOptionError } from '../foundation/errors';
import { type OptionTable, resolveTable } from '../options/descriptor';
import { DEFAULT_SECRET_KEYS, type SecretKeyPattern, secretKeyMatcher } from './keys';
import type { SanitizeLimits } from './sanitize-report';
import { DEFAULT_SANITIZE_LIMITS } from './sanitize-report';

/** How values are made safe to store. Every key is optional. */
export interface SanitizeOptions {
  /**
   * Attribute and detail keys whose values are stored as `[REDACTED]`. Strings match a key
   * case-insensitively, ignoring `-`, `_` and `.`; regular expressions are tested as they are.
   * @default DEFAULT_SECRET_KEYS (password, secret, token, authorization, api key, cookie...)
   */
  redactKeys?: readonly SecretKeyPattern[];
  /**
   * Longest string stored; longer ones are cut and end with `…[truncated N chars]`.
   * @default 65536
   */
  maxStringLength?: number;
}

export const SANITIZE_OPTIONS = {
  redactKeys: { default: DEFAULT_SECRET_KEYS, transform: keyPatterns },
  maxStringLength: { default: DEFAULT_SANITIZE_LIMITS.maxStringLength, transform: stringLength },
} satisfies OptionTable<SanitizeOptions>;

/** The sanitizer's limits; the shared default ones when neither option is given (their key cache is shared). */
export function resolveSanitizeLimits(options: SanitizeOptions): SanitizeLimits {
  const { redactKeys, maxStringLength } = resolveTable(SANITIZE_OPTIONS, options);
  if (options.maxStringLength === undefined && options.redactKeys === undefined)
    return DEFAULT_SANITIZE_LIMITS;
  return {
    maxDepth: DEFAULT_SANITIZE_LIMITS.maxDepth,
    maxStringLength,
    isSecretKey: secretKeyMatcher(redactKeys),
  };
}

function keyPatterns(name: string, value: unknown): readonly SecretKeyPattern[] {
  if (Array.isArray(value) && value.every((k) => typeof k === 'string' || k instanceof RegExp)) return value;
  throw new InvalidOptionError(name, value, 'an array of strings and regular expressions');
}

function stringLength(name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 64) return value;
  throw new InvalidOptionError(name, value, 'an integer of at least 64');
}
