import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { toBsonSafeObject } from '../document/bson-safe';
import { routeOf } from './route';
import { levelOf } from './severity';
import { hrTimeToDate, type MappingContext, messageOf, type TrailEntry, toAuditDocument } from './transform';

/**
 * An error's trail as stored in `trilha`, oldest first. Log records keep their time, level,
 * logger and message, and their attributes as `contexto` (when they have any); audit events
 * keep their action fields. Everything goes through the same redaction and BSON-safe rules
 * as the documents themselves.
 */
export function toTrailEntries(records: readonly ReadableLogRecord[], context: MappingContext): TrailEntry[] {
  return records.map((record, index) => {
    const entryContext = { ...context, id: `${context.id}:${index}` };
    if (routeOf(record, Number.POSITIVE_INFINITY) === 'audit') {
      const { timestamp, acao, entidade, entidade_id, detalhes } = toAuditDocument(record, entryContext);
      return { timestamp, acao, entidade, entidade_id, detalhes };
    }
    const path = `trilha.${index}`;
    const entry: TrailEntry = {
      timestamp: hrTimeToDate(record.hrTime),
      nivel: levelOf(record.severityNumber, record.severityText),
      logger_name: record.instrumentationScope.name,
      mensagem: messageOf(record.body, undefined, entryContext),
    };
    if (Object.keys(record.attributes).length > 0) {
      entry.contexto = toBsonSafeObject(
        record.attributes,
        context.report,
        context.limits,
        `${path}.contexto`,
      );
    }
    return entry;
  });
}
