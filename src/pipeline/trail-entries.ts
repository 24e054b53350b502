import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { toBsonSafeObject } from '../document/bson-safe';
import { routeOf } from './route';
import { levelOf } from '../document/level';
import { hrTimeToDate, type MappingContext, messageOf, toAuditDocument } from './transform';
import type { TrailEntry } from '../document/schema';

/**
 * An error's trail as stored in `trilha`, oldest first. Log records keep their time, level,
 * logger and message, and their attributes as `contexto` (when they have any); audit events
 * keep their action fields. Everything goes through the same redaction and BSON-safe rules
 * as the documents themselves.
 */
export function toTrailEntries(records: readonly ReadableLogRecord[], context: MappingContext): TrailEntry[] {
  // An entry's mapping reads only the context's report and limits: the document's own context
  // serves every entry (an audit document's _id, made from context.id, is not kept).
  return records.map((record, index) => {
    if (routeOf(record, Number.POSITIVE_INFINITY) === 'audit') {
      const { timestamp, acao, entidade, entidade_id, detalhes } = toAuditDocument(record, context);
      return { timestamp, acao, entidade, entidade_id, detalhes };
    }
    const entry: TrailEntry = {
      timestamp: hrTimeToDate(record.hrTime),
      nivel: levelOf(record.severityNumber, record.severityText),
      logger_name: record.instrumentationScope.name,
      mensagem: messageOf(record.body, undefined, context),
    };
    if (hasAny(record.attributes)) {
      entry.contexto = toBsonSafeObject(
        record.attributes,
        context.report,
        context.limits,
        `trilha.${index}.contexto`,
      );
    }
    return entry;
  });
}

function hasAny(attributes: ReadableLogRecord['attributes']): boolean {
  for (const key in attributes) if (Object.hasOwn(attributes, key)) return true;
  return false;
}
