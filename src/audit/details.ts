import type { AnyValue } from '@opentelemetry/api';
import { toSafeAttributes } from '../document/attribute-values';
import type { SanitizeReport } from '../document/bson-safe';

/**
 * Audit details as a log-record attribute value that both the OpenTelemetry SDK and
 * MongoDB accept unchanged (see `toSafeAttributes`), every change noted in `report`.
 */
export function toAuditDetails(details: unknown, report: SanitizeReport): Record<string, AnyValue> {
  return toSafeAttributes(details, report, 'detalhes');
}
