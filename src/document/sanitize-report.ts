import { DEFAULT_SECRET_KEYS, secretKeyMatcher } from './keys';

export const REDACTED_VALUE = '[REDACTED]';

/** Limits applied while making a value storable. */
export interface SanitizeLimits {
  /** Deeper values become `"[MaxDepth]"`. */
  maxDepth: number;
  /** Longer strings are cut and marked `…[truncated N chars]`. */
  maxStringLength: number;
  /** Keys whose values become `"[REDACTED]"`. */
  isSecretKey: (key: string) => boolean;
  /**
   * Produce OpenTelemetry attribute values rather than BSON: dates become ISO 8601 strings
   * and BSON values (ObjectId, Long...) strings, which the SDK would otherwise reject.
   */
  attributeValues?: boolean;
}

export const DEFAULT_SANITIZE_LIMITS: Readonly<SanitizeLimits> = Object.freeze({
  maxDepth: 20,
  maxStringLength: 64 * 1024,
  isSecretKey: secretKeyMatcher(DEFAULT_SECRET_KEYS),
});

const MAX_CHANGES_KEPT = 20;

/**
 * What the sanitizer changed, as `path: reason` lines (at most 20 kept, `count` is exact),
 * so the caller can say it once through `diag`.
 */
export class SanitizeReport {
  readonly changes: string[] = [];
  count = 0;
  /**
   * An upper bound of the BSON bytes of the values seen (3 bytes per UTF-16 unit, 16 per
   * other value): lets the caller skip measuring documents that cannot be near 16 MB.
   */
  bytesSeen = 0;

  note(path: string, reason: string): void {
    this.count++;
    if (this.changes.length < MAX_CHANGES_KEPT) this.changes.push(`${path || '<value>'}: ${reason}`);
  }

  toString(): string {
    const more = this.count - this.changes.length;
    return this.changes.join('; ') + (more > 0 ? `; and ${more} more` : '');
  }
}
