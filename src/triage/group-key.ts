import type { Document } from 'mongodb';

/**
 * An error group: the app (`app_nome`, the resource's `service.name`) and `erro.fingerprint`.
 * Documents written before `app_nome` existed have none: they belong to the app `''`, shown as
 * "unknown", everywhere in triage (state documents, alerts, filters).
 */
export interface GroupKey {
  app: string;
  fingerprint: string;
}

/** How an app is shown to people: `''` (no `app_nome`) is "unknown". */
export function appLabel(app: string): string {
  return app === '' ? 'unknown' : app;
}

/** The app of a stored document: its `app_nome`, or `''` when absent or not a string. */
export function appOf(doc: Document): string {
  return typeof doc.app_nome === 'string' ? doc.app_nome : '';
}

/**
 * A filter on `app_nome` for one app. `null` in `$in` matches a missing field too, so the app
 * `''` finds the documents written before `app_nome` existed.
 */
export function appFilter(app: string): Document {
  return app === '' ? { app_nome: { $in: [null, ''] } } : { app_nome: app };
}

/** The filter of a group's error documents. */
export function groupFilter(key: GroupKey): Document {
  return { 'erro.fingerprint': key.fingerprint, ...appFilter(key.app) };
}

/** The `_id` of a group's state document: stable, readable, and unique per app and fingerprint. */
export function groupId(key: GroupKey): string {
  return `${key.app}/${key.fingerprint}`;
}

/** A map key for a group (the app may contain `/`, a NUL cannot). */
export function mapKey(key: GroupKey): string {
  return `${key.app}\u0000${key.fingerprint}`;
}
