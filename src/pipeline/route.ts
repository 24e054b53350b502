import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { effectiveSeverity } from '../document/level';

/** The instrumentation scope of the package's audit logger: how audit records are recognised. */
export const AUDIT_LOGGER_NAME = 'opentelemetry-exporter-mongodb/audit';

export type LogRoute = 'errors' | 'audit' | 'filtered';

/**
 * Audit events (the audit logger's scope, with an event name) go to `audit` whatever
 * their severity; other records at or above the threshold go to `errors`.
 */
export function routeOf(record: ReadableLogRecord, minimumSeverity: number): LogRoute {
  if (record.instrumentationScope.name === AUDIT_LOGGER_NAME && record.eventName) return 'audit';
  return effectiveSeverity(record.severityNumber, record.severityText) >= minimumSeverity
    ? 'errors'
    : 'filtered';
}
