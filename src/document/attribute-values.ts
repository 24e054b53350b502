import type { AnyValue } from '@opentelemetry/api';
import { DEFAULT_SANITIZE_LIMITS, type SanitizeReport, toBsonSafeObject } from './bson-safe';

/**
 * An object as log-record attribute values that both the OpenTelemetry SDK and MongoDB
 * accept unchanged, for data the package puts on records itself (audit details, the
 * error reporter's `contexto`).
 *
 * The SDK drops a whole attribute when any nested value is not an OpenTelemetry AnyValue
 * (a function, BigInt, cycle, Date, Map, class instance) and silently drops nested
 * `undefined`, so values are made safe before emitting, every change noted in `report`:
 * first BSON-safe (keys encoded, secrets redacted, cycles cut...), then the BSON-only
 * values (dates, ObjectId...) that the SDK would reject become strings.
 */
export function toSafeAttributes(
  value: unknown,
  report: SanitizeReport,
  path: string,
): Record<string, AnyValue> {
  const safe = toBsonSafeObject(value, report, DEFAULT_SANITIZE_LIMITS, path);
  return toAnyValue(safe, path, report) as Record<string, AnyValue>;
}

/** Converts what is left after `toBsonSafe` that is not an AnyValue; plain values pass through uncopied. */
function toAnyValue(value: unknown, path: string, report: SanitizeReport): AnyValue {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value as AnyValue;
  if (value instanceof Date) {
    report.note(path, 'Date stored as an ISO 8601 string');
    return value.toISOString();
  }
  if ('_bsontype' in value) {
    report.note(path, `${String(value._bsontype)} stored as a string`);
    return String(value);
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => toAnyValue(item, `${path}.${index}`, report));
  }
  const result: Record<string, AnyValue> = {};
  for (const [key, item] of Object.entries(value)) result[key] = toAnyValue(item, `${path}.${key}`, report);
  return result;
}
