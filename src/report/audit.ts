import type { Document } from 'mongodb';
import { aggregate, inWindow, type QueryContext } from './context';
import type { AuditEvent, AuditHistory, AuditSection } from './types';

/** Most actions listed; the plan's catalogue has 15. */
export const MAX_ACTIONS = 100;
/** Most events of one entity's or user's history. */
export const MAX_HISTORY = 500;

/** Which history to show: `questao:q-101` for an entity, or a user id. */
export interface HistoryFilter {
  entity?: string;
  user?: string;
}

/** Audit events per action in the window, and the history asked for, oldest first. */
export async function auditSection(context: QueryContext, filter: HistoryFilter): Promise<AuditSection> {
  const { from, to } = context.window;
  context.progress('audit events per action');
  const rows = await aggregate<Document>(context, 'audit', [
    { $match: inWindow(from, to) },
    { $group: { _id: '$acao', count: { $sum: 1 } } },
    { $sort: { count: -1, _id: 1 } },
    { $limit: MAX_ACTIONS },
  ]);
  const actions = rows.map((row) => ({ acao: String(row._id ?? '(none)'), count: row.count as number }));
  return {
    events: actions.reduce((sum, action) => sum + action.count, 0),
    actions,
    history: await history(context, filter),
  };
}

async function history(context: QueryContext, filter: HistoryFilter): Promise<AuditHistory | undefined> {
  const query: AuditHistory['filter'] = {};
  if (filter.entity !== undefined) {
    const separator = filter.entity.indexOf(':');
    if (separator <= 0 || separator === filter.entity.length - 1) {
      throw new RangeError(
        `--entity ${JSON.stringify(filter.entity)}: expected entity:id, such as questao:q-101`,
      );
    }
    query.entidade = filter.entity.slice(0, separator);
    query.entidade_id = filter.entity.slice(separator + 1);
  }
  if (filter.user !== undefined) query.usuario_id = filter.user;
  if (Object.keys(query).length === 0) return undefined;
  context.progress('audit history');
  const docs = await context.db
    .collection(context.collections.audit)
    .find(
      { ...inWindow(context.window.from, context.window.to), ...query },
      { sort: { timestamp: 1 }, limit: MAX_HISTORY + 1, maxTimeMS: context.maxTimeMS },
    )
    .toArray();
  const events: AuditEvent[] = docs.slice(0, MAX_HISTORY).map((doc) => ({
    timestamp: doc.timestamp as Date,
    acao: String(doc.acao),
    entidade: stringOrNull(doc.entidade),
    entidade_id: stringOrNull(doc.entidade_id),
    usuario_id: stringOrNull(doc.usuario_id),
    maquina_id: stringOrNull(doc.maquina_id),
    detalhes: (doc.detalhes ?? {}) as Record<string, unknown>,
  }));
  return { filter: query, events, truncated: docs.length > MAX_HISTORY };
}

function stringOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value);
}
