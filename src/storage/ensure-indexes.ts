import type { Db, Document } from 'mongodb';
import type { CollectionNames } from '../types';
import { INDEXES } from './indexes';

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
 * Creates the plan's indexes on the three collections, idempotently (an existing index with the
 * same key is left as it is), and lists every index afterwards.
 */
export async function ensureIndexes(db: Db, collections: CollectionNames): Promise<IndexReport[]> {
  const reports: IndexReport[] = [];
  for (const kind of Object.keys(INDEXES) as (keyof CollectionNames)[]) {
    const collection = db.collection(collections[kind]);
    const before = await listIndexes(db, collections[kind]);
    await collection.createIndexes([...INDEXES[kind]]);
    const after = await listIndexes(db, collections[kind]);
    const existed = new Set(before.map((index) => index.name));
    reports.push({
      kind,
      collection: collections[kind],
      created: after.filter((index) => !existed.has(index.name)).map((index) => index.name),
      indexes: after,
    });
  }
  return reports;
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
