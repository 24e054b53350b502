import type { Db } from 'mongodb';
import { appOf } from './group-key';

/**
 * The crash-free session rate per app and version, over a window: a small computation of its own
 * so that the release-health module can replace it.
 *
 * A session is a `metrics` document with `tipo: 'SESSAO'` written in the window (`_id` = the
 * session id). It crashed when its `sessao.encerramento` is `'crash'`, or when an `errors`
 * document of the window with `nao_tratada: true` carries its id in `sessao_id`.
 * crash-free % = sessions that did not crash / sessions × 100.
 */
export interface CrashFreeRate {
  app: string;
  version: string;
  sessions: number;
  crashed: number;
  /** 0–100. */
  crashFreePercent: number;
}

/** Most session documents read in one computation. */
export const MAX_SESSIONS = 200_000;

export async function crashFreeRates(
  db: Db,
  names: { errors: string; metrics: string },
  window: { since: Date; until: Date },
): Promise<CrashFreeRate[]> {
  const range = { timestamp: { $gte: window.since, $lt: window.until } };
  const crashedIds = new Set<string>();
  const unhandled = db
    .collection(names.errors)
    .find(
      { ...range, nao_tratada: true, sessao_id: { $type: 'string' } },
      { projection: { _id: 0, sessao_id: 1 } },
    );
  for await (const doc of unhandled) crashedIds.add(doc.sessao_id as string);

  const rates = new Map<string, CrashFreeRate>();
  const sessions = db
    .collection(names.metrics)
    .find(
      { ...range, tipo: 'SESSAO' },
      { projection: { _id: 1, app_nome: 1, app_version: 1, 'sessao.encerramento': 1 }, limit: MAX_SESSIONS },
    );
  for await (const doc of sessions) {
    const app = appOf(doc);
    const version = typeof doc.app_version === 'string' ? doc.app_version : 'unknown';
    const id = `${app}\u0000${version}`;
    const rate = rates.get(id) ?? { app, version, sessions: 0, crashed: 0, crashFreePercent: 100 };
    rate.sessions++;
    const ending = (doc.sessao as { encerramento?: unknown } | undefined)?.encerramento;
    if (ending === 'crash' || crashedIds.has(String(doc._id))) rate.crashed++;
    rate.crashFreePercent = ((rate.sessions - rate.crashed) / rate.sessions) * 100;
    rates.set(id, rate);
  }
  return [...rates.values()];
}
