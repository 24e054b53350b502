import type { AnyValue, Attributes, HrTime } from '@opentelemetry/api';
import { badRequest } from './request-error';

/**
 * Readers of OTLP's common values, shared by the protobuf and the JSON encoding. A decoded
 * protobuf message holds int64 as `Long` objects (or numbers) and bytes as `Uint8Array`; OTLP/JSON
 * holds int64 as decimal strings or numbers and ids as hex strings. Anything else is a bad request.
 */

/** Deeper `AnyValue`s are refused: no SDK sends them, and they cost stack to read. */
export const MAX_VALUE_DEPTH = 32;

interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

/** An int64 / fixed64 in any of its decoded forms, as a BigInt. */
export function toBigInt(value: unknown, what: string): bigint {
  if (value === undefined || value === null || value === '') return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badRequest(`${what}: not a number`);
    return BigInt(Math.trunc(value));
  }
  if (typeof value === 'string') {
    if (!/^-?\d{1,20}$/.test(value)) throw badRequest(`${what}: not an integer`);
    return BigInt(value);
  }
  if (typeof value === 'object' && typeof (value as LongLike).low === 'number') {
    const { low, high, unsigned } = value as LongLike;
    const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    return unsigned ? bits : BigInt.asIntN(64, bits);
  }
  throw badRequest(`${what}: not an integer`);
}

/** An int64 as a JavaScript number when it is safe, else its decimal text. */
export function toInteger(value: unknown, what: string): number | string {
  const big = toBigInt(value, what);
  const number = Number(big);
  return Number.isSafeInteger(number) ? number : big.toString();
}

/** Nanoseconds since the epoch as an HrTime; 0 (unset) stays undefined. */
export function toHrTime(value: unknown, what: string): HrTime | undefined {
  const nanos = toBigInt(value, what);
  if (nanos <= 0n) return undefined;
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
}

/** A trace or span id as lowercase hex; empty when unset. */
export function toHexId(value: unknown, bytes: number, what: string): string {
  if (value === undefined || value === null || value === '') return '';
  if (value instanceof Uint8Array) {
    if (value.length === 0) return '';
    if (value.length !== bytes) throw badRequest(`${what}: ${value.length} bytes instead of ${bytes}`);
    return Buffer.from(value).toString('hex');
  }
  if (typeof value === 'string' && new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(value)) {
    return value.toLowerCase();
  }
  throw badRequest(`${what}: not a ${bytes}-byte id`);
}

export function toText(value: unknown, what: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw badRequest(`${what}: not a string`);
}

export function toList(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw badRequest(`${what}: not a list`);
}

export function toObject(value: unknown, what: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw badRequest(`${what}: not an object`);
}

/**
 * A field that was sent: decoded protobuf messages keep unset fields' defaults on their
 * prototype, so only own properties count; `null` counts as unset.
 */
export function own(message: Record<string, unknown> | undefined, key: string): unknown {
  if (!message || !Object.prototype.hasOwnProperty.call(message, key)) return undefined;
  const value = message[key];
  return value === null ? undefined : value;
}

/** A list of `KeyValue` as attributes. A repeated key keeps its last value, as the SDKs do. */
export function toAttributes(list: unknown, what: string, depth = 0): Attributes {
  const attributes: Record<string, AnyValue> = {};
  for (const item of toList(list, what)) {
    const pair = toObject(item, what);
    if (!pair) continue;
    const key = toText(own(pair, 'key'), `${what} key`);
    const value = toAnyValue(own(pair, 'value'), `${what}.${key}`, depth + 1);
    // `__proto__` is a name like any other: an assignment would set the object's prototype instead.
    if (key === '__proto__') {
      Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
    } else attributes[key] = value;
  }
  return attributes as Attributes;
}

/** An `AnyValue` message as the JavaScript value OpenTelemetry JS uses. */
export function toAnyValue(value: unknown, what: string, depth = 0): AnyValue {
  if (depth > MAX_VALUE_DEPTH)
    throw badRequest(`${what}: values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const message = toObject(value, what);
  if (!message) return null;
  // Decoded protobuf messages keep defaults on their prototype: only own fields were sent.
  const string = own(message, 'stringValue');
  if (string !== undefined) return toText(string, what);
  const bool = own(message, 'boolValue');
  if (bool !== undefined) {
    if (typeof bool !== 'boolean') throw badRequest(`${what}: not a boolean`);
    return bool;
  }
  const int = own(message, 'intValue');
  if (int !== undefined) return toInteger(int, what);
  const double = own(message, 'doubleValue');
  if (double !== undefined) return toDouble(double, what);
  const array = own(message, 'arrayValue');
  if (array !== undefined) {
    return toList(own(toObject(array, what), 'values'), what).map((item) =>
      toAnyValue(item, what, depth + 1),
    );
  }
  const kvlist = own(message, 'kvlistValue');
  if (kvlist !== undefined)
    return toAttributes(own(toObject(kvlist, what), 'values'), what, depth + 1) as AnyValue;
  const bytes = own(message, 'bytesValue');
  if (bytes !== undefined) return toBytes(bytes, what);
  return null;
}

/** A double; OTLP/JSON may spell the special values as strings. */
export function toDouble(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  throw badRequest(`${what}: not a number`);
}

function toBytes(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value))
    return Buffer.from(value, 'base64');
  throw badRequest(`${what}: not base64 bytes`);
}
