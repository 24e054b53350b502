import { MongoBulkWriteError, MongoError, MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;
// Server codes that no retry can fix: authentication, authorization, validation.
const PERMANENT_CODES = new Set([13, 18, 8000, 121, 2, 9, 10334, 17280]);

/**
 * For an unordered insert that reached the server: the indexes of documents refused for
 * a reason other than a duplicate `_id`. Undefined when the error carries no per-document
 * errors: the driver also wraps connection failures in `MongoBulkWriteError`, and then
 * nothing is known to be written.
 */
export function failedIndexes(error: unknown): number[] | undefined {
  if (!(error instanceof MongoBulkWriteError)) return undefined;
  const raw = error.writeErrors as unknown;
  const errors = (Array.isArray(raw) ? raw : raw ? [raw] : []) as { code: number; index: number }[];
  if (errors.length === 0) return undefined;
  return errors.filter((e) => e.code !== DUPLICATE_KEY).map((e) => e.index);
}

/** True when the error means the batch may succeed if sent again later. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  // The driver wraps a lost connection during insertMany in a MongoBulkWriteError that has
  // no per-document errors and no cause ("connection 1 to ... closed", "Topology is closed").
  if (error instanceof MongoBulkWriteError && failedIndexes(error) === undefined) {
    return !PERMANENT_CODES.has(Number(error.code));
  }
  if (error instanceof MongoServerError && PERMANENT_CODES.has(Number(error.code))) return false;
  if (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('TransientTransactionError'))
    return true;
  const name = error.name;
  return (
    name === 'MongoNetworkError' ||
    name === 'MongoNetworkTimeoutError' ||
    name === 'MongoServerSelectionError' ||
    name === 'MongoTopologyClosedError' ||
    name === 'MongoPoolClearedError' ||
    name === 'MongoNotConnectedError' ||
    (error instanceof MongoServerError &&
      [6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436].includes(Number(error.code)))
  );
}
