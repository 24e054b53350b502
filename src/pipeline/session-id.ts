import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ATTR_SESSION_ID } from '../resource/attributes';

// From emit to export, the session a record was emitted in travels beside it (as the trail
// does), never as an attribute: other exporters of the same provider print nothing new.
const stamps = new WeakMap<object, string>();

/** Notes, at emit time, the session `record` belongs to. */
export function stampSession(record: ReadableLogRecord, sessionId: string): void {
  stamps.set(record, sessionId);
}

/**
 * The `sessao_id` of a record's document: the application's own `session.id` (a log attribute,
 * then the resource's), else the session it was emitted in, else `fallback` (the process's
 * running session, for in-process records); undefined when none is known (a gateway client
 * that sets no `session.id`).
 */
export function sessionIdOf(
  record: ReadableLogRecord,
  resourceSessionId: string | undefined,
  fallback?: () => string | undefined,
): string | undefined {
  const given = record.attributes[ATTR_SESSION_ID];
  if (typeof given === 'string' && given !== '') return given;
  return resourceSessionId ?? stamps.get(record) ?? fallback?.();
}
