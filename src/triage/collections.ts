import type { Db, IndexDescription } from 'mongodb';
import { ensureCollectionIndexes } from '../storage/ensure-indexes';

/**
 * The two collections of triage. Unlike `errors`, `audit` and `metrics`, they are written only
 * by the CLI (`resolve`, `ignore`, `reopen`, `watch`): the clients stay insert-only, so their
 * least-privilege user needs no access to them.
 */
export interface TriageCollections {
  /** One document per error group with a state set by hand (resolved, ignored, reopened). */
  groups: string;
  /** What `watch` last told each destination about each subject, so that it alerts once. */
  alerts: string;
}

export const DEFAULT_TRIAGE_COLLECTIONS: Readonly<TriageCollections> = {
  groups: 'error_groups',
  alerts: 'alerts_sent',
};

/** The groups' documents are looked up by app and fingerprint; `_id` already makes them unique. */
const GROUP_INDEXES: readonly IndexDescription[] = [{ key: { fingerprint: 1, app_nome: 1 } }];
/** The ledger is read by destination on every poll. */
const ALERT_INDEXES: readonly IndexDescription[] = [{ key: { destino_id: 1 } }];

/** Creates the triage indexes when missing (idempotent: an existing key is left alone). */
export async function ensureTriageIndexes(db: Db, names: TriageCollections): Promise<void> {
  await ensureCollectionIndexes(db, names.groups, GROUP_INDEXES);
  await ensureCollectionIndexes(db, names.alerts, ALERT_INDEXES);
}
