import type { Db } from 'mongodb';
import { InvalidOptionError } from '../foundation/errors';
import { latestVersion } from '../document/version-order';
import { appFilter, appLabel, groupFilter, type GroupKey } from './group-key';

/**
 * The apps whose error documents carry `fingerprint`, sorted; `''` for documents without
 * `app_nome`. A `$match` on the fingerprint index and a `$group` with `$sum`, which FerretDB 1.24
 * runs too.
 */
export async function appsOfFingerprint(db: Db, errors: string, fingerprint: string): Promise<string[]> {
  const rows = await db
    .collection(errors)
    .aggregate<{ _id: unknown }>([
      { $match: { 'erro.fingerprint': fingerprint } },
      { $group: { _id: '$app_nome', n: { $sum: 1 } } },
    ])
    .toArray();
  return [...new Set(rows.map((row) => (typeof row._id === 'string' ? row._id : '')))].sort();
}

/**
 * A command named a group that does not exist or is ambiguous. An {@link InvalidOptionError}
 * (`option` and `value` name the input) whose message says what to do instead.
 */
export class GroupLookupError extends InvalidOptionError {
  override name = 'GroupLookupError';

  constructor(option: string, value: unknown, expectation: string, message: string) {
    super(option, value, expectation);
    this.message = message;
  }
}

/**
 * The group a command names: `fingerprint`, in `app` when given. Throws
 * {@link InvalidOptionError} naming the input when the fingerprint was never seen (in that app),
 * or when it was seen in several apps and `app` is not given (the message lists them).
 */
export async function findGroup(
  db: Db,
  errors: string,
  fingerprint: string,
  app: string | undefined,
): Promise<GroupKey> {
  const apps = await appsOfFingerprint(db, errors, fingerprint);
  const list = apps.map((name) => JSON.stringify(appLabel(name))).join(', ');
  if (apps.length === 0) {
    throw new GroupLookupError(
      '<fingerprint>',
      fingerprint,
      `a fingerprint of ${errors}`,
      `no error group has the fingerprint ${JSON.stringify(fingerprint)} in the ${errors} collection ` +
        '(erro.fingerprint: 16 hex characters, as the report lists them)',
    );
  }
  if (app !== undefined) {
    const wanted = app === 'unknown' && !apps.includes('unknown') ? '' : app;
    if (!apps.includes(wanted)) {
      throw new GroupLookupError(
        '--app',
        app,
        `one of ${list}`,
        `--app ${JSON.stringify(app)}: the fingerprint ${fingerprint} is not seen in that app; it is seen in ${list}`,
      );
    }
    return { app: wanted, fingerprint };
  }
  if (apps.length > 1) {
    throw new GroupLookupError(
      '--app',
      undefined,
      `one of ${list}`,
      `the fingerprint ${fingerprint} is seen in ${apps.length} apps: ${list}; choose one with --app`,
    );
  }
  return { app: apps[0]!, fingerprint };
}

/** The versions (`app_version`) a group's documents carry, matching `extra` too. */
export async function versionsOfGroup(
  db: Db,
  errors: string,
  key: GroupKey,
  extra: Record<string, unknown> = {},
): Promise<string[]> {
  const rows = await db
    .collection(errors)
    .aggregate<{ _id: unknown }>([
      { $match: { ...groupFilter(key), ...extra } },
      { $group: { _id: '$app_version', n: { $sum: 1 } } },
    ])
    .toArray();
  return rows.map((row) => row._id).filter((version): version is string => typeof version === 'string');
}

/**
 * When each of `versions` first appeared in the app's error documents: the order of versions
 * that are not semver. One indexed `find` per version, oldest first, stopping at the first
 * match. A version never seen is absent from the map.
 */
export async function versionsFirstSeen(
  db: Db,
  errors: string,
  app: string,
  versions: Iterable<string>,
): Promise<Map<string, Date>> {
  const seen = new Map<string, Date>();
  for (const version of new Set(versions)) {
    const first = await db
      .collection(errors)
      .findOne(
        { ...appFilter(app), app_version: version },
        { sort: { timestamp: 1 }, projection: { _id: 0, timestamp: 1 } },
      );
    if (first?.timestamp instanceof Date) seen.set(version, first.timestamp);
  }
  return seen;
}

/** The latest version a group was seen in (semver order, else by first seen in the app). */
export async function latestVersionOfGroup(
  db: Db,
  errors: string,
  key: GroupKey,
): Promise<string | undefined> {
  const versions = await versionsOfGroup(db, errors, key);
  const firstSeen = await versionsFirstSeen(db, errors, key.app, versions);
  return latestVersion(versions, (version) => firstSeen.get(version));
}
