import { type Db, MongoServerError } from 'mongodb';
import { MongoExporterError } from '../foundation/errors';
import { listIndexes } from './ensure-indexes';

/** Name of the TTL index that bounds a collection by `timestamp`. */
export const TTL_INDEX_NAME = 'timestamp_ttl';

const SECONDS_PER_DAY = 86_400;
// NotImplemented (FerretDB), CommandNotFound, InvalidOptions: the server has no TTL indexes.
const UNSUPPORTED_CODES = new Set([238, 59, 72]);

/** What `applyRetention` did on one collection. */
export interface RetentionChange {
  collection: string;
  action: 'created' | 'updated' | 'unchanged' | 'removed' | 'none';
  /** The TTL afterwards, in seconds (undefined when documents are kept forever). */
  expireAfterSeconds?: number;
  /** The TTL before an update or a removal. */
  previousSeconds?: number;
}

/** The server cannot keep a TTL index (FerretDB 1.x: `expireAfterSeconds` is not implemented). */
export class RetentionUnsupportedError extends MongoExporterError {
  override name = 'RetentionUnsupportedError';
}

/**
 * Bounds a collection to `days` days with a TTL index on `timestamp`; `0` removes the bound.
 * Idempotent: the same value changes nothing, another value updates the index in place with
 * `collMod` (no rebuild, nothing deleted but what has expired). Throws
 * {@link RetentionUnsupportedError} when the server has no TTL indexes.
 */
export async function applyRetention(db: Db, collection: string, days: number): Promise<RetentionChange> {
  if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`retention days: ${days}`);
  const existing = (await listIndexes(db, collection)).find((index) => index.name === TTL_INDEX_NAME);
  const previousSeconds = existing?.expireAfterSeconds;
  if (days === 0) {
    if (!existing) return { collection, action: 'none' };
    await db.collection(collection).dropIndex(TTL_INDEX_NAME);
    return { collection, action: 'removed', ...(previousSeconds === undefined ? {} : { previousSeconds }) };
  }
  const expireAfterSeconds = days * SECONDS_PER_DAY;
  try {
    if (!existing) {
      await db
        .collection(collection)
        .createIndex({ timestamp: 1 }, { name: TTL_INDEX_NAME, expireAfterSeconds });
      return { collection, action: 'created', expireAfterSeconds };
    }
    if (previousSeconds === expireAfterSeconds)
      return { collection, action: 'unchanged', expireAfterSeconds };
    await db.command({ collMod: collection, index: { name: TTL_INDEX_NAME, expireAfterSeconds } });
    return {
      collection,
      action: 'updated',
      expireAfterSeconds,
      ...(previousSeconds === undefined ? {} : { previousSeconds }),
    };
  } catch (error) {
    if (error instanceof MongoServerError && UNSUPPORTED_CODES.has(Number(error.code))) {
      throw new RetentionUnsupportedError(
        `this server cannot keep TTL indexes, so documents in ${collection} are not deleted after ${days} days ` +
          `(${error.message}); FerretDB 1.x has no TTL indexes: delete old documents yourself, or use MongoDB`,
        { cause: error },
      );
    }
    throw error;
  }
}
