import type { Db, Document } from 'mongodb';
import type { ReportWindow } from './types';
import type { CollectionNames } from '../document/schema';

/** What every report query needs. Each query is bounded by `maxTimeMS` and a `limit`. */
export interface QueryContext {
  db: Db;
  collections: CollectionNames;
  window: ReportWindow;
  maxTimeMS: number;
  /** Called before each query with what it is about to read. */
  progress: (step: string) => void;
}

/**
 * Runs a pipeline bounded in time; the pipeline itself ends with a `$limit`. Uses only stages
 * and operators FerretDB 1.24 implements too: `$match`, `$group` with `$sum`, `$sort`, `$limit`
 * (it has no `$min`, `$max`, `$addToSet`, `$first`, date operators or `$objectToArray`).
 */
export function aggregate<T extends Document>(
  context: QueryContext,
  collection: keyof CollectionNames,
  pipeline: Document[],
): Promise<T[]> {
  return context.db
    .collection(context.collections[collection])
    .aggregate<T>(pipeline, { maxTimeMS: context.maxTimeMS })
    .toArray();
}

/** `{ timestamp: { $gte: from, $lt: to } }`: the filter every query starts with (timestamp index). */
export function inWindow(from: Date, to: Date): Document {
  return { timestamp: { $gte: from, $lt: to } };
}
