import type { Db, Document } from 'mongodb';
import type { CollectionNames } from '../document/schema';
import {
  type HealthWindow,
  releaseHealth,
  type ReleaseHealth,
  type SessionErrors,
  type SessionFact,
  UNKNOWN_APP,
  UNKNOWN_VERSION,
} from './release-health';

/** Most session documents read (both windows); beyond it the section says it is cut. */
export const MAX_HEALTH_SESSIONS = 200_000;
/** Most error documents read to join errors to sessions. */
export const MAX_HEALTH_ERRORS = 2_000_000;

export interface ReleaseHealthQuery {
  db: Db;
  collections: CollectionNames;
  window: HealthWindow;
  maxTimeMS: number;
  progress?: (step: string) => void;
}

/**
 * Reads release health: the session documents whose last update falls in this window or the
 * previous one, then the errors documents that carry a `sessao_id`, from the earliest of those
 * sessions' starts (an error is written while its session runs) to the window's end. Two
 * indexed range reads on `timestamp`, projected to what the figures need; FerretDB 1.24 cannot
 * `$lookup` or `$group` with index pushdown, so the join is done here.
 */
export async function readReleaseHealth(query: ReleaseHealthQuery): Promise<ReleaseHealth> {
  const { window } = query;
  query.progress?.('release health: sessions');
  const sessionDocs = await query.db
    .collection(query.collections.metrics)
    .find(
      { timestamp: { $gte: window.previousFrom, $lt: window.to }, tipo: 'SESSAO' },
      {
        projection: {
          _id: 0,
          sessao_id: 1,
          maquina_id: 1,
          app_nome: 1,
          app_version: 1,
          timestamp: 1,
          'sessao.inicio': 1,
          'sessao.ativa': 1,
          'sessao.encerramento': 1,
        },
        limit: MAX_HEALTH_SESSIONS,
        maxTimeMS: query.maxTimeMS,
      },
    )
    .toArray();
  const sessions = sessionDocs.map(sessionFact).filter((s): s is SessionFact => s !== undefined);

  const ids = new Set(sessions.flatMap((s) => (s.sessionId === undefined ? [] : [s.sessionId])));
  const errors = new Map<string, SessionErrors>();
  let errorsRead = 0;
  if (ids.size > 0) {
    query.progress?.('release health: errors of those sessions');
    // A loop, not Math.min(...): up to MAX_HEALTH_SESSIONS arguments would overflow the stack.
    let earliest = window.previousFrom.getTime();
    for (const s of sessions) earliest = Math.min(earliest, (s.start ?? s.lastUpdate).getTime());
    const cursor = query.db.collection(query.collections.errors).find(
      { timestamp: { $gte: new Date(earliest), $lt: window.to }, sessao_id: { $exists: true } },
      {
        projection: { _id: 0, sessao_id: 1, nao_tratada: 1 },
        limit: MAX_HEALTH_ERRORS,
        batchSize: 10_000,
        maxTimeMS: query.maxTimeMS,
      },
    );
    for await (const doc of cursor) {
      errorsRead++;
      if (typeof doc.sessao_id !== 'string' || !ids.has(doc.sessao_id)) continue;
      const seen = errors.get(doc.sessao_id) ?? { errored: false, unhandled: false };
      seen.errored = true;
      if (doc.nao_tratada === true) seen.unhandled = true;
      errors.set(doc.sessao_id, seen);
    }
  }
  return releaseHealth(
    sessions,
    errors,
    window,
    sessionDocs.length >= MAX_HEALTH_SESSIONS || errorsRead >= MAX_HEALTH_ERRORS,
  );
}

/** A session document as release health reads it; undefined without a `timestamp`. */
export function sessionFact(doc: Document): SessionFact | undefined {
  if (!(doc.timestamp instanceof Date)) return undefined;
  const sessao = (doc.sessao ?? {}) as Document;
  const closing =
    sessao.encerramento === 'crash' || sessao.encerramento === 'normal' ? sessao.encerramento : undefined;
  return {
    sessionId: typeof doc.sessao_id === 'string' && doc.sessao_id !== '' ? doc.sessao_id : undefined,
    app: typeof doc.app_nome === 'string' && doc.app_nome !== '' ? doc.app_nome : UNKNOWN_APP,
    version:
      typeof doc.app_version === 'string' && doc.app_version !== '' ? doc.app_version : UNKNOWN_VERSION,
    machine: typeof doc.maquina_id === 'string' ? doc.maquina_id : undefined,
    lastUpdate: doc.timestamp,
    start: sessao.inicio instanceof Date ? sessao.inicio : undefined,
    active: sessao.ativa === true,
    closing,
  };
}
