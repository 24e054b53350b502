import type { Db, Document } from 'mongodb';
import { componentLogger } from '../foundation/diag';
import { compareVersions } from '../document/version-order';
import { findRegression, ignorePassed, occurrencesOf } from './decision-checks';
import { appOf, groupFilter, groupId, type GroupKey, mapKey } from './group-key';
import { computeState, ESCALATION, type GroupState } from './group-state';
import { readDecisions, type GroupStateDocument } from './state-document';

const log = componentLogger('triage');

/** Most error documents one read goes through; beyond it the counts are cut (and diag says so). */
export const MAX_SCANNED_DOCUMENTS = 2_000_000;

/** Where {@link readGroupStates} reads: the `errors` collection and the groups' decisions. */
export interface GroupStateNames {
  errors: string;
  groups: string;
}

/** The window: occurrences in `[since, until)`; `until` defaults to now. */
export interface GroupStateWindow {
  since: Date;
  until?: Date;
}

/**
 * One error group and its state, as the report, the dashboard and `watch` read it.
 *
 * - `app` (`''` for documents without `app_nome`) and `fingerprint`: the group;
 * - `state`: see `GroupState` (group-state.ts) and docs/triage.md;
 * - `firstSeen`, `lastSeen`: its first and last occurrence ever (before `until`); null only for a
 *   decided group whose documents are all gone (retention);
 * - `count`: occurrences in the window (a storm-guard summary counts its `ocorrencias`);
 * - `lastHour`, `previousSevenDays`: occurrences in the hour before `until` and in the 7 days
 *   before that hour (the escalation's inputs);
 * - `versions`: the versions seen in the window, in version order;
 * - `title`: `tipo: mensagem` of its newest document in the window, when it has one there;
 * - `resolvedIn`, `resolvedAt`: the resolution, for a resolved or regressed group;
 * - `regressedAt`, `regressedIn`: the occurrence that regressed it;
 * - `ignoredAt`, `ignoreUntilCount`, `ignoreUntil`: the ignore decision and its condition.
 */
export interface GroupStateEntry {
  app: string;
  fingerprint: string;
  state: GroupState;
  firstSeen: Date | null;
  lastSeen: Date | null;
  count: number;
  lastHour: number;
  previousSevenDays: number;
  versions: string[];
  title?: string;
  resolvedIn?: string;
  resolvedAt?: Date;
  regressedAt?: Date;
  regressedIn?: string;
  ignoredAt?: Date;
  ignoreUntilCount?: number;
  ignoreUntil?: Date;
}

interface Tally {
  key: GroupKey;
  count: number;
  lastHour: number;
  previousSevenDays: number;
  earliest: number;
  latest: number;
  versions: Set<string>;
  newest: number;
  title: string | undefined;
}

/**
 * The state of every error group with occurrences in the window, and of every group resolved or
 * ignored by hand (even without occurrences in the window), most occurrences first.
 *
 * One indexed range read of the error documents from `min(since, until - 7 days - 1 hour)` to
 * `until`, projected to a few fields and tallied here (FerretDB runs no `$group` on an index);
 * then, per group, an index seek on `{ erro.fingerprint, timestamp }` for its first occurrence
 * before that range, and for decided groups the regression or ignore check. Decisions are the
 * current ones: a window in the past is read with today's decisions.
 */
export async function readGroupStates(
  db: Db,
  names: GroupStateNames,
  window: GroupStateWindow,
): Promise<GroupStateEntry[]> {
  const until = window.until ?? new Date();
  const since = window.since;
  const recentFrom = until.getTime() - ESCALATION.recentMs;
  const baselineFrom = recentFrom - ESCALATION.baselineMs;
  const scanFrom = new Date(Math.min(since.getTime(), baselineFrom));
  const tallies = await tally(db, names.errors, scanFrom, until, since.getTime(), recentFrom, baselineFrom);
  const decisions = await readDecisions(db, names.groups);

  const keys = new Map<string, GroupKey>();
  for (const [id, entry] of tallies) if (entry.count > 0) keys.set(id, entry.key);
  for (const decision of decisions.values()) {
    if (decision.estado === 'aberto') continue;
    const key = { app: decision.app_nome, fingerprint: decision.fingerprint };
    keys.set(mapKey(key), key);
  }

  const entries: GroupStateEntry[] = [];
  for (const [id, key] of keys) {
    const seen = tallies.get(id);
    const decision = decisions.get(groupId(key));
    const [firstSeen, lastSeen] = await seenRange(db, names.errors, key, seen, scanFrom, until);
    const regression =
      decision?.estado === 'resolvido'
        ? await findRegression(db, names.errors, key, decision, until)
        : undefined;
    const passed =
      decision?.estado === 'ignorado' ? await ignorePassed(db, names.errors, key, decision, until) : false;
    const entry: GroupStateEntry = {
      app: key.app,
      fingerprint: key.fingerprint,
      state: computeState({
        decision,
        ignorePassed: passed,
        regression,
        // A decided group with no document left is no longer "new".
        firstSeen: firstSeen ?? new Date(0),
        since,
        lastHour: seen?.lastHour ?? 0,
        previousSevenDays: seen?.previousSevenDays ?? 0,
      }),
      firstSeen,
      lastSeen,
      count: seen?.count ?? 0,
      lastHour: seen?.lastHour ?? 0,
      previousSevenDays: seen?.previousSevenDays ?? 0,
      versions: [...(seen?.versions ?? [])].sort((a, b) => compareVersions(a, b)),
      ...(seen?.title === undefined ? {} : { title: seen.title }),
      ...decisionFields(decision, regression),
    };
    entries.push(entry);
  }
  return entries.sort(
    (a, b) => b.count - a.count || (b.lastSeen?.getTime() ?? 0) - (a.lastSeen?.getTime() ?? 0),
  );
}

async function tally(
  db: Db,
  errors: string,
  scanFrom: Date,
  until: Date,
  sinceMs: number,
  recentFrom: number,
  baselineFrom: number,
): Promise<Map<string, Tally>> {
  const tallies = new Map<string, Tally>();
  const cursor = db.collection(errors).find(
    { timestamp: { $gte: scanFrom, $lt: until }, 'erro.fingerprint': { $type: 'string' } },
    {
      projection: {
        _id: 0,
        timestamp: 1,
        app_nome: 1,
        app_version: 1,
        ocorrencias: 1,
        'erro.fingerprint': 1,
        'erro.tipo': 1,
        'erro.mensagem': 1,
      },
      limit: MAX_SCANNED_DOCUMENTS,
      batchSize: 10_000,
    },
  );
  let read = 0;
  for await (const doc of cursor) {
    read++;
    const erro = (doc.erro ?? {}) as Document;
    if (!(doc.timestamp instanceof Date) || typeof erro.fingerprint !== 'string') continue;
    const key = { app: appOf(doc), fingerprint: erro.fingerprint };
    const id = mapKey(key);
    let entry = tallies.get(id);
    if (!entry) {
      entry = {
        key,
        count: 0,
        lastHour: 0,
        previousSevenDays: 0,
        earliest: Infinity,
        latest: -Infinity,
        versions: new Set(),
        newest: -Infinity,
        title: undefined,
      };
      tallies.set(id, entry);
    }
    const time = doc.timestamp.getTime();
    const occurrences = occurrencesOf(doc.ocorrencias);
    entry.earliest = Math.min(entry.earliest, time);
    entry.latest = Math.max(entry.latest, time);
    if (time >= recentFrom) entry.lastHour += occurrences;
    else if (time >= baselineFrom) entry.previousSevenDays += occurrences;
    if (time < sinceMs) continue;
    entry.count += occurrences;
    if (typeof doc.app_version === 'string') entry.versions.add(doc.app_version);
    if (time >= entry.newest) {
      entry.newest = time;
      entry.title = `${typeof erro.tipo === 'string' ? erro.tipo : '(no type)'}: ${String(erro.mensagem ?? '')}`;
    }
  }
  if (read >= MAX_SCANNED_DOCUMENTS) {
    log.warn(
      `group states: stopped after ${read} error documents from ${scanFrom.toISOString()}; counts are cut`,
    );
  }
  return tallies;
}

/** First and last occurrence ever before `until`: the scan's, or an index seek before/after it. */
async function seenRange(
  db: Db,
  errors: string,
  key: GroupKey,
  seen: Tally | undefined,
  scanFrom: Date,
  until: Date,
): Promise<[Date | null, Date | null]> {
  const edge = async (filter: Document, order: 1 | -1) => {
    const doc = await db
      .collection(errors)
      .findOne(
        { ...groupFilter(key), ...filter },
        { sort: { timestamp: order }, projection: { _id: 0, timestamp: 1 } },
      );
    return doc?.timestamp instanceof Date ? doc.timestamp : null;
  };
  const before = await edge({ timestamp: { $lt: scanFrom } }, 1);
  const first = before ?? (seen ? new Date(seen.earliest) : null);
  const last = seen ? new Date(seen.latest) : await edge({ timestamp: { $lt: until } }, -1);
  return [first, last];
}

function decisionFields(
  decision: GroupStateDocument | undefined,
  regression: { at: Date; version: string } | undefined,
): Partial<GroupStateEntry> {
  if (decision?.estado === 'resolvido') {
    return {
      ...(decision.versao_resolucao === undefined ? {} : { resolvedIn: decision.versao_resolucao }),
      ...(decision.resolvido_em ? { resolvedAt: decision.resolvido_em } : {}),
      ...(regression ? { regressedAt: regression.at, regressedIn: regression.version } : {}),
    };
  }
  if (decision?.estado === 'ignorado') {
    return {
      ...(decision.ignorado_em ? { ignoredAt: decision.ignorado_em } : {}),
      ...(decision.ignorar_ocorrencias === undefined
        ? {}
        : { ignoreUntilCount: decision.ignorar_ocorrencias }),
      ...(decision.ignorar_ate ? { ignoreUntil: decision.ignorar_ate } : {}),
    };
  }
  return {};
}
