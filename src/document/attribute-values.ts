import type { AnyValue } from '@opentelemetry/api';
import { toBsonSafeObject } from './bson-safe';
import type { SanitizeLimits, SanitizeReport } from './sanitize-report';
import { DEFAULT_SANITIZE_LIMITS } from './sanitize-report';

const ATTRIBUTE_LIMITS: Readonly<SanitizeLimits> = Object.freeze({
  ...DEFAULT_SANITIZE_LIMITS,
  attributeValues: true,
});

/**
 * An object as log-record attribute values that both the OpenTelemetry SDK and MongoDB
 * accept unchanged, for data the package puts on records itself (audit details, the
 * error reporter's `contexto`).
 *
 * The SDK drops a whole attribute when any nested value is not an OpenTelemetry AnyValue
 * (a function, BigInt, cycle, Date, Map, class instance) and silently drops nested
 * `undefined`, so values are made safe before emitting, in one pass, every change noted in
 * `report`: BSON-safe (keys encoded, secrets redacted, cycles cut...), with dates and BSON
 * values as strings.
 */
export function toSafeAttributes(
  value: unknown,
  report: SanitizeReport,
  path: string,
): Record<string, AnyValue> {
  return toBsonSafeObject(value, report, ATTRIBUTE_LIMITS, path) as Record<string, AnyValue>;
}
