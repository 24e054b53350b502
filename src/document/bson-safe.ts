import { redactConnectionString } from '../redact';
import { fieldPath, placeByName } from './field-path';
import { DEFAULT_SECRET_KEYS, encodeKey, secretKeyMatcher } from './keys';

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

/**
 * A copy of `value` that MongoDB can store as it is: dotted names nested, other keys encoded
 * where needed (see `fieldPath` and `encodeKey`),
 * secrets redacted (values under secret-looking keys, connection-string passwords), cycles, excessive depth, functions, symbols, `undefined`, BigInt,
 * Map/Set, typed arrays, non-finite numbers, invalid dates, lone surrogates and very
 * long strings replaced by storable equivalents. Every change is noted in `report`.
 * Plain values pass through without copying.
 */
export function toBsonSafe(
  value: unknown,
  report: SanitizeReport,
  limits: SanitizeLimits = DEFAULT_SANITIZE_LIMITS,
  path = '',
): unknown {
  return sanitize(value, path, 0, [], report, limits);
}

/** `toBsonSafe` for a value that must become an object (an attribute map, audit details). */
export function toBsonSafeObject(
  value: unknown,
  report: SanitizeReport,
  limits: SanitizeLimits = DEFAULT_SANITIZE_LIMITS,
  path = '',
): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  const safe = sanitize(value, path, 0, [], report, limits);
  if (isPlainRecord(safe)) return safe;
  report.note(path, `not an object; stored under "valor"`);
  return { valor: safe };
}

function sanitize(
  value: unknown,
  path: string,
  depth: number,
  ancestors: object[],
  report: SanitizeReport,
  limits: SanitizeLimits,
): unknown {
  if (typeof value !== 'string') report.bytesSeen += value instanceof Uint8Array ? 16 + value.byteLength : 16;
  switch (typeof value) {
    case 'string':
      return safeString(value, path, report, limits);
    case 'number':
      if (Number.isFinite(value)) return value;
      report.note(path, `${value} stored as a string`);
      return String(value);
    case 'boolean':
      return value;
    case 'undefined':
      report.note(path, 'undefined stored as null');
      return null;
    case 'bigint': {
      const asNumber = Number(value);
      if (Number.isSafeInteger(asNumber)) {
        report.note(path, 'BigInt stored as a number');
        return asNumber;
      }
      report.note(path, 'BigInt beyond 2^53 stored as a string');
      return value.toString();
    }
    case 'symbol':
      report.note(path, 'symbol stored as a string');
      return value.toString();
    case 'function':
      report.note(path, 'function stored as its name');
      return `[Function ${value.name || 'anonymous'}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) {
      report.note(path, 'invalid date stored as null');
      return null;
    }
    if (!limits.attributeValues) return object;
    report.note(path, 'Date stored as an ISO 8601 string');
    return object.toISOString();
  }
  if ('_bsontype' in object) {
    if (!limits.attributeValues) return object; // ObjectId, Long, Decimal128...: the driver stores them
    report.note(path, `${String(object._bsontype)} stored as a string`);
    return String(object);
  }
  if (object instanceof Uint8Array) return object; // stored as BSON binary
  if (depth >= limits.maxDepth) {
    report.note(path, `nested deeper than ${limits.maxDepth} levels`);
    return '[MaxDepth]';
  }
  if (ancestors.includes(object)) {
    report.note(path, 'circular reference');
    return '[Circular]';
  }
  ancestors.push(object);
  try {
    return sanitizeContainer(object, path, depth + 1, ancestors, report, limits);
  } finally {
    ancestors.pop();
  }
}

function sanitizeContainer(
  object: object,
  path: string,
  depth: number,
  ancestors: object[],
  report: SanitizeReport,
  limits: SanitizeLimits,
): unknown {
  const child = (item: unknown, key: string) =>
    sanitize(item, path ? `${path}.${key}` : key, depth, ancestors, report, limits);

  if (Array.isArray(object)) return object.map((item, index) => child(item, String(index)));
  // Plain objects are by far the most common: skip the checks for special classes.
  const prototype = Object.getPrototypeOf(object);
  if (prototype === Object.prototype || prototype === null) {
    return sanitizeEntries(Object.entries(object), path, child, report, limits);
  }
  if (ArrayBuffer.isView(object)) {
    report.note(path, `${object.constructor.name} stored as an array`);
    return Array.from(object as unknown as ArrayLike<unknown>, (item, index) => child(item, String(index)));
  }
  if (object instanceof ArrayBuffer) {
    report.note(path, 'ArrayBuffer stored as binary');
    return new Uint8Array(object.slice(0));
  }
  if (object instanceof Set) {
    report.note(path, 'Set stored as an array');
    return Array.from(object, (item, index) => child(item, String(index)));
  }
  if (object instanceof Map) {
    report.note(path, 'Map stored as an object');
    return sanitizeEntries(
      Array.from(object, ([k, v]) => [mapKeyText(k), v]),
      path,
      child,
      report,
      limits,
    );
  }
  if (object instanceof RegExp) {
    report.note(path, 'RegExp stored as a string');
    return object.toString();
  }
  if (object instanceof Error) {
    const entries: [string, unknown][] = [
      ['name', object.name],
      ['message', object.message],
      ['stack', object.stack],
    ];
    return sanitizeEntries([...entries, ...Object.entries(object)], path, child, report, limits);
  }
  return sanitizeEntries(Object.entries(object), path, child, report, limits);
}

function sanitizeEntries(
  entries: [string, unknown][],
  path: string,
  child: (item: unknown, key: string) => unknown,
  report: SanitizeReport,
  limits: SanitizeLimits,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let dotted: [string, unknown, readonly string[]][] | undefined;
  for (const [rawKey, item] of entries) {
    const { key, secret, segments } = keyFacts(rawKey, limits);
    report.bytesSeen += 3 * key.length + 2;
    const where = path ? `${path}.${rawKey}` : rawKey;
    let value: unknown;
    if (secret && item !== undefined && item !== null) {
      value = REDACTED_VALUE;
    } else if (item === undefined) {
      // An absent value: omitted, as JSON does, rather than stored as null.
      report.note(where, 'undefined value omitted');
      continue;
    } else {
      value = child(item, rawKey);
    }
    // Dotted names are placed once every plain key is, so that the result is the same in any order.
    if (segments) (dotted ??= []).push([rawKey, value, segments]);
    else {
      if (key !== rawKey) report.note(where, `key stored as "${key}"`);
      if (key === '__proto__')
        defineOwn(result, key, value); // unencoded in attribute values
      else result[key] = value;
    }
  }
  // In name order, a prefix (`a.b`) comes before the names it could hold (`a.b.c`).
  for (const [rawKey, value, fieldSegments] of dotted?.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) ??
    []) {
    const flat = placeByName(result, rawKey.toWellFormed(), value, isPlainObject, undefined, fieldSegments);
    if (flat !== undefined) {
      report.note(
        path ? `${path}.${rawKey}` : rawKey,
        `key stored as "${flat}" (its path holds another value)`,
      );
    }
  }
  return result;
}

interface KeyFacts {
  key: string;
  secret: boolean;
  /** A dotted name's path, where it is stored as nested fields (see `fieldPath`). */
  segments: readonly string[] | undefined;
}

// Records repeat the same attribute keys: their encoding and secret check are computed once
// per matcher. Bounded, so that keys made of data (ids as keys) cannot grow it for ever.
const KEY_CACHE_LIMIT = 2048;
const keyCaches = new WeakMap<SanitizeLimits['isSecretKey'], Map<string, KeyFacts>>();
const attributeKeyCaches = new WeakMap<SanitizeLimits['isSecretKey'], Map<string, KeyFacts>>();

function keyFacts(rawKey: string, limits: SanitizeLimits): KeyFacts {
  const caches = limits.attributeValues ? attributeKeyCaches : keyCaches;
  let cache = caches.get(limits.isSecretKey);
  if (!cache) caches.set(limits.isSecretKey, (cache = new Map()));
  let facts = cache.get(rawKey);
  if (!facts) {
    facts = limits.attributeValues
      ? // Attribute values keep their names: the MongoDB exporter encodes them when it stores them.
        { key: rawKey.toWellFormed(), secret: limits.isSecretKey(rawKey), segments: undefined }
      : {
          key: encodeKey(rawKey.toWellFormed()),
          secret: limits.isSecretKey(rawKey),
          segments: fieldPath(rawKey.toWellFormed()),
        };
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
    cache.set(rawKey, facts);
  }
  return facts;
}

/** Sets `target[key]` as an own property, even for `__proto__` (which assignment takes as the prototype). */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A Map key as text; `String()` throws for some (a null-prototype object, a throwing `toString`). */
function mapKeyText(key: unknown): string {
  try {
    return String(key);
  } catch {
    return Object.prototype.toString.call(key);
  }
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function safeString(value: string, path: string, report: SanitizeReport, limits: SanitizeLimits): string {
  report.bytesSeen += 16 + 3 * value.length;
  let result = value;
  if (!result.isWellFormed()) {
    report.note(path, 'lone UTF-16 surrogate replaced by U+FFFD');
    result = result.toWellFormed();
  }
  // A password in a URI needs both; every ESM stack trace has '://' (file URLs) but no '@'.
  if (result.includes('://') && result.includes('@')) {
    const redacted = redactConnectionString(result);
    if (redacted !== result) {
      report.note(path, 'connection-string password redacted');
      result = redacted;
    }
  }
  if (result.length > limits.maxStringLength) {
    report.note(path, `string of ${result.length} characters truncated`);
    result = truncate(result, limits.maxStringLength);
  }
  return result;
}

/** Cuts `text` to at most `max` characters, ending with a marker that says how much was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // The marker's digits are bounded by the full length's, so the result never exceeds max.
  const keep = Math.max(0, max - `…[truncated ${text.length} chars]`.length);
  return text.slice(0, keep).toWellFormed() + `…[truncated ${text.length - keep} chars]`;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
