import type { Db, Document, IndexDescription } from 'mongodb';
import { INDEXES } from './indexes';
import type { CollectionNames } from '../document/schema';

const UNAUTHORIZED = 13;

/** One index as `listIndexes` shows it. */
export interface IndexSummary {
  name: string;
  key: Document;
  expireAfterSeconds?: number;
}

/** What `ensureIndexes` found and did on one collection. */
export interface IndexReport {
  kind: keyof CollectionNames;
  collection: string;
  /** Names of the indexes this call created (empty when all existed). */
  created: string[];
  /** Every index on the collection afterwards. */
  indexes: IndexSummary[];
}

/**
 * Creates the plan's indexes on the three collections, idempotently (an index with the same key
 * is left as it is, whatever its name), and lists every index afterwards.
 */
export async function ensureIndexes(db: Db, collections: CollectionNames): Promise<IndexReport[]> {
  const reports: IndexReport[] = [];
  for (const kind of Object.keys(INDEXES) as (keyof CollectionNames)[]) {
    const created = await ensureCollectionIndexes(db, collections[kind], INDEXES[kind]);
    reports.push({
      kind,
      collection: collections[kind],
      created,
      indexes: await listIndexes(db, collections[kind]),
    });
  }
  return reports;
}

/**
 * Creates the indexes whose key the collection lacks, one at a time, and returns their names.
 * FerretDB 1.24 drops the connection when one createIndexes command lists several indexes
 * that all exist already, so existing ones are never sent again. A user without the
 * `listIndexes` privilege (the exporter's least-privilege role) sends them all in one
 * `createIndexes`, which MongoDB treats as idempotent.
 */
export async function ensureCollectionIndexes(
  db: Db,
  name: string,
  indexes: readonly IndexDescription[],
): Promise<string[]> {
  let listed: IndexSummary[];
  try {
    listed = await listIndexes(db, name);
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNAUTHORIZED) throw error;
    return db.collection(name).createIndexes([...indexes]);
  }
  const existing = new Set(listed.map((index) => JSON.stringify(index.key)));
  const created: string[] = [];
  for (const index of indexes) {
    if (existing.has(JSON.stringify(index.key))) continue;
    created.push(...(await db.collection(name).createIndexes([index])));
  }
  return created;
}

/** The indexes of a collection; none when it does not exist yet. */
export async function listIndexes(db: Db, name: string): Promise<IndexSummary[]> {
  try {
    const indexes = await db.collection(name).listIndexes().toArray();
    return indexes.map((index) => ({
      name: String(index.name),
      key: index.key as Document,
      ...(typeof index.expireAfterSeconds === 'number'
        ? { expireAfterSeconds: index.expireAfterSeconds }
        : {}),
    }));
  } catch (error) {
    if ((error as { codeName?: string }).codeName === 'NamespaceNotFound') return [];
    throw error;
  }
}
