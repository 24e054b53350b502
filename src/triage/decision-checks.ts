import type { Db } from 'mongodb';
import { isAtLeast } from '../document/version-order';
import { groupFilter, type GroupKey } from './group-key';
import { versionsFirstSeen, versionsOfGroup } from './group-lookup';
import type { GroupStateDocument } from './state-document';

/**
 * The regression of a resolved group before `until`: its first occurrence after `resolvido_em`
 * from a version at least `versao_resolucao`. An occurrence from an older version (a machine
 * not updated yet) is not a regression (Sentry's issue #104513 reopens on those; this must not).
 *
 * Versions are compared with `compareVersions`: semver order when both are semver, else by when
 * each first appeared in the app's error documents. A resolved-in version not seen yet counts as
 * first seen at the resolution: a non-semver version that appears after it is newer.
 */
export async function findRegression(
  db: Db,
  errors: string,
  key: GroupKey,
  decision: GroupStateDocument,
  until: Date,
): Promise<{ at: Date; version: string } | undefined> {
  const resolvedAt = decision.resolvido_em;
  const resolvedIn = decision.versao_resolucao;
  if (!resolvedAt || resolvedIn === undefined) return undefined;
  const after = { timestamp: { $gt: resolvedAt, $lt: until } };
  const versions = await versionsOfGroup(db, errors, key, after);
  if (versions.length === 0) return undefined;
  const firstSeen = await versionsFirstSeen(db, errors, key.app, [...versions, resolvedIn]);
  if (!firstSeen.has(resolvedIn)) firstSeen.set(resolvedIn, resolvedAt);
  const newer = versions.filter((version) => isAtLeast(version, resolvedIn, (v) => firstSeen.get(v)));
  if (newer.length === 0) return undefined;
  const first = await db
    .collection(errors)
    .findOne(
      { ...groupFilter(key), ...after, app_version: { $in: newer } },
      { sort: { timestamp: 1 }, projection: { _id: 0, timestamp: 1, app_version: 1 } },
    );
  if (!(first?.timestamp instanceof Date) || typeof first.app_version !== 'string') return undefined;
  return { at: first.timestamp, version: first.app_version };
}

/**
 * Whether an ignored group's condition is passed at `until`: the date `ignorar_ate` is reached,
 * or `ignorar_ocorrencias` occurrences came after `ignorado_em` (a storm-guard summary counts its
 * `ocorrencias`). With neither condition the group stays ignored until `reopen`.
 */
export async function ignorePassed(
  db: Db,
  errors: string,
  key: GroupKey,
  decision: GroupStateDocument,
  until: Date,
): Promise<boolean> {
  if (decision.ignorar_ate && until.getTime() >= decision.ignorar_ate.getTime()) return true;
  const needed = decision.ignorar_ocorrencias;
  if (needed === undefined || !decision.ignorado_em) return false;
  const cursor = db
    .collection(errors)
    .find(
      { ...groupFilter(key), timestamp: { $gt: decision.ignorado_em, $lt: until } },
      { projection: { _id: 0, ocorrencias: 1 }, batchSize: 1000 },
    );
  let seen = 0;
  try {
    for await (const doc of cursor) {
      seen += occurrencesOf(doc.ocorrencias);
      if (seen >= needed) return true;
    }
  } finally {
    await cursor.close();
  }
  return false;
}

/** The occurrences one error document stands for: a storm-guard summary's `ocorrencias`, else 1. */
export function occurrencesOf(ocorrencias: unknown): number {
  return typeof ocorrencias === 'number' && ocorrencias > 0 ? ocorrencias : 1;
}
