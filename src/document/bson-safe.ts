import { redactConnectionString } from '../foundation/redact';
import { placeByName } from './field-path';
import type { SanitizeLimits, SanitizeReport } from './sanitize-report';
import { DEFAULT_SANITIZE_LIMITS, REDACTED_VALUE } from './sanitize-report';
import { keyFacts } from './key-facts';

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
  return sanitize(value, path, undefined, 0, [], report, limits);
}

/** `toBsonSafe` for a value that must become an object (an attribute map, audit details). */
export function toBsonSafeObject(
  value: unknown,
  report: SanitizeReport,
  limits: SanitizeLimits = DEFAULT_SANITIZE_LIMITS,
  path = '',
): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  const safe = sanitize(value, path, undefined, 0, [], report, limits);
  if (isPlainRecord(safe)) return safe;
  report.note(path, `not an object; stored under "valor"`);
  return { valor: safe };
}

/** `toBsonSafe` of a string, which stays a string: for a document's text fields. */
export function toBsonSafeText(
  value: string,
  report: SanitizeReport,
  limits: SanitizeLimits = DEFAULT_SANITIZE_LIMITS,
  path = '',
): string {
  return safeString(value, path, undefined, report, limits);
}

/**
 * `toBsonSafeObject` of a copy of `fields` without the keys in `skip` (an attribute map
 * whose fields the document keeps elsewhere), made in one pass: the fields are read from
 * `fields` itself, never copied first. The result is the same as for the copy.
 */
export function toBsonSafeFields(
  fields: Readonly<Record<string, unknown>>,
  skip: ReadonlySet<string>,
  report: SanitizeReport,
  limits: SanitizeLimits = DEFAULT_SANITIZE_LIMITS,
  path = '',
): Record<string, unknown> {
  const keys: string[] = [];
  for (const key in fields) if (!skip.has(key)) keys.push(key); // the keys a copy made with for...in holds
  if (limits.maxDepth <= 0) {
    const copy: Record<string, unknown> = {};
    for (const key of keys) copy[key] = fields[key];
    return toBsonSafeObject(copy, report, limits, path);
  }
  report.bytesSeen += 16; // the object, as sanitize() counts it
  // A copy is new, so it is never its own ancestor: `fields` is not pushed as one either.
  return sanitizeFields(fields, keys, undefined, path, 1, [], report, limits);
}

/** Where a value sits: `parent.key` (`key` alone at the top, `parent` when it has no key). */
function pathOf(parent: string, key: string | undefined): string {
  if (key === undefined) return parent;
  return parent ? `${parent}.${key}` : key;
}

// Paths are passed as (parent, key) and joined only when a change is noted or a container is
// entered: most values are left as they are, and their paths would be garbage.
function sanitize(
  value: unknown,
  parent: string,
  key: string | undefined,
  depth: number,
  ancestors: object[],
  report: SanitizeReport,
  limits: SanitizeLimits,
): unknown {
  if (typeof value !== 'string') report.bytesSeen += value instanceof Uint8Array ? 16 + value.byteLength : 16;
  switch (typeof value) {
    case 'string':
      return safeString(value, parent, key, report, limits);
    case 'number':
      if (Number.isFinite(value)) return value;
      report.note(pathOf(parent, key), `${value} stored as a string`);
      return String(value);
    case 'boolean':
      return value;
    case 'undefined':
      report.note(pathOf(parent, key), 'undefined stored as null');
      return null;
    case 'bigint': {
      const asNumber = Number(value);
      if (Number.isSafeInteger(asNumber)) {
        report.note(pathOf(parent, key), 'BigInt stored as a number');
        return asNumber;
      }
      report.note(pathOf(parent, key), 'BigInt beyond 2^53 stored as a string');
      return value.toString();
    }
    case 'symbol':
      report.note(pathOf(parent, key), 'symbol stored as a string');
      return value.toString();
    case 'function':
      report.note(pathOf(parent, key), 'function stored as its name');
      return `[Function ${value.name || 'anonymous'}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) {
      report.note(pathOf(parent, key), 'invalid date stored as null');
      return null;
    }
    if (!limits.attributeValues) return object;
    report.note(pathOf(parent, key), 'Date stored as an ISO 8601 string');
    return object.toISOString();
  }
  if ('_bsontype' in object) {
    if (!limits.attributeValues) return object; // ObjectId, Long, Decimal128...: the driver stores them
    report.note(pathOf(parent, key), `${String(object._bsontype)} stored as a string`);
    return String(object);
  }
  if (object instanceof Uint8Array) return object; // stored as BSON binary
  const path = pathOf(parent, key);
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
  const item = (value: unknown, index: number) =>
    sanitize(value, path, String(index), depth, ancestors, report, limits);
  if (Array.isArray(object)) return object.map(item);
  // Plain objects are by far the most common: skip the checks for special classes.
  const prototype = Object.getPrototypeOf(object);
  if (prototype === Object.prototype || prototype === null) {
    const record = object as Record<string, unknown>;
    return sanitizeFields(record, Object.keys(record), undefined, path, depth, ancestors, report, limits);
  }
  if (ArrayBuffer.isView(object)) {
    report.note(path, `${object.constructor.name} stored as an array`);
    return Array.from(object as unknown as ArrayLike<unknown>, item);
  }
  if (object instanceof ArrayBuffer) {
    report.note(path, 'ArrayBuffer stored as binary');
    return new Uint8Array(object.slice(0));
  }
  if (object instanceof Set) {
    report.note(path, 'Set stored as an array');
    return Array.from(object, item);
  }
  const entries = (list: [string, unknown][]) =>
    sanitizeFields(
      {},
      list.map(([key]) => key),
      list.map(([, value]) => value),
      path,
      depth,
      ancestors,
      report,
      limits,
    );
  if (object instanceof Map) {
    report.note(path, 'Map stored as an object');
    return entries(Array.from(object, ([k, v]) => [mapKeyText(k), v]));
  }
  if (object instanceof RegExp) {
    report.note(path, 'RegExp stored as a string');
    return object.toString();
  }
  if (object instanceof Error) {
    const own: [string, unknown][] = [
      ['name', object.name],
      ['message', object.message],
      ['stack', object.stack],
    ];
    return entries([...own, ...Object.entries(object)]);
  }
  return entries(Object.entries(object));
}

/**
 * The object of the fields `keys` (in that order), each value from `values` at the key's
 * index, or from `source[key]` without `values`.
 */
function sanitizeFields(
  source: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  values: readonly unknown[] | undefined,
  path: string,
  depth: number,
  ancestors: object[],
  report: SanitizeReport,
  limits: SanitizeLimits,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let dotted: [string, unknown, readonly string[]][] | undefined;
  for (let index = 0; index < keys.length; index++) {
    const rawKey = keys[index]!;
    const item = values === undefined ? source[rawKey] : values[index];
    const { key, secret, segments } = keyFacts(rawKey, limits);
    report.bytesSeen += 3 * key.length + 2;
    let value: unknown;
    if (secret && item !== undefined && item !== null) {
      value = REDACTED_VALUE;
    } else if (item === undefined) {
      // An absent value: omitted, as JSON does, rather than stored as null.
      report.note(pathOf(path, rawKey), 'undefined value omitted');
      continue;
    } else {
      value = sanitize(item, path, rawKey, depth, ancestors, report, limits);
    }
    // Dotted names are placed once every plain key is, so that the result is the same in any order.
    if (segments) (dotted ??= []).push([rawKey, value, segments]);
    else {
      if (key !== rawKey) report.note(pathOf(path, rawKey), `key stored as "${key}"`);
      if (key === '__proto__')
        defineOwn(result, key, value); // unencoded in attribute values
      else result[key] = value;
    }
  }
  if (dotted === undefined) return result;
  // In name order, a prefix (`a.b`) comes before the names it could hold (`a.b.c`).
  if (dotted.length > 1) dotted.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [rawKey, value, fieldSegments] of dotted) {
    const flat = placeByName(result, rawKey.toWellFormed(), value, isPlainObject, undefined, fieldSegments);
    if (flat !== undefined) {
      report.note(pathOf(path, rawKey), `key stored as "${flat}" (its path holds another value)`);
    }
  }
  return result;
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

function safeString(
  value: string,
  parent: string,
  key: string | undefined,
  report: SanitizeReport,
  limits: SanitizeLimits,
): string {
  report.bytesSeen += 16 + 3 * value.length;
  let result = value;
  if (!result.isWellFormed()) {
    report.note(pathOf(parent, key), 'lone UTF-16 surrogate replaced by U+FFFD');
    result = result.toWellFormed();
  }
  // A password in a URI needs both; every ESM stack trace has '://' (file URLs) but no '@',
  // so '@' is looked for first.
  if (result.includes('@') && result.includes('://')) {
    const redacted = redactConnectionString(result);
    if (redacted !== result) {
      report.note(pathOf(parent, key), 'connection-string password redacted');
      result = redacted;
    }
  }
  if (result.length > limits.maxStringLength) {
    report.note(pathOf(parent, key), `string of ${result.length} characters truncated`);
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
