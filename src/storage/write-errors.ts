import {
  MongoBulkWriteError,
  MongoClientClosedError,
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

// Server error codes. The driver exports a class or a label for every transient condition it
// detects itself, but no names for the codes a server sends (its MONGODB_ERROR_CODES is
// internal), so the few this module needs are named here.

/** E11000: the `_id` is already stored, by an earlier attempt of the same write. */
export const DUPLICATE_KEY = 11000;

/** Refusals that no retry can fix: the same request would be refused again. */
export const PERMANENT_SERVER_CODES: ReadonlySet<number> = new Set([
  2, // BadValue
  9, // FailedToParse
  13, // Unauthorized: the user lacks the insert privilege
  18, // AuthenticationFailed: wrong user or password
  79, // UnknownReplWriteConcern: the write concern names a tag the replica set lacks
  100, // UnsatisfiableWriteConcern: more members asked for than the replica set has
  121, // DocumentValidationFailure: the collection's validator refuses the document
  8000, // AtlasError: Atlas's own refusals (bad auth, space quota exceeded)
  10334, // BSONObjectTooLarge
  17280, // KeyTooLong: an indexed value beyond the index key limit
]);

/**
 * A server that is stepping down, shutting down or cannot reach its peers. Servers from 4.4
 * add the `RetryableWriteError` label to these themselves; older servers and FerretDB send
 * the code alone. The list is the retryable-writes specification's.
 */
export const TRANSIENT_SERVER_CODES: ReadonlySet<number> = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Labels with which the driver or the server says "the same write may succeed later". */
const RETRY_LABELS = [
  MongoErrorLabel.RetryableWriteError,
  MongoErrorLabel.RetryableError,
  MongoErrorLabel.SystemOverloadedError,
  MongoErrorLabel.TransientTransactionError,
] as const;

/**
 * Driver classes that mean "no server could be reached, or the connection was lost":
 * network errors (timeouts and a cleared pool included), no server selected in time, a
 * client or topology closed under the write (the writer reconnects), an operation timeout.
 */
const UNREACHABLE_CLASSES = [
  MongoNetworkError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoNotConnectedError,
  MongoClientClosedError,
  MongoServerClosedError,
  MongoOperationTimeoutError,
] as const;

interface WriteErrorEntry {
  code: number;
  index: number;
}

function writeErrorsOf(error: MongoBulkWriteError): WriteErrorEntry[] {
  const raw = error.writeErrors as unknown;
  return (Array.isArray(raw) ? raw : raw ? [raw] : []) as WriteErrorEntry[];
}

/**
 * For an unordered insert that reached the server: the indexes of documents refused for
 * a reason other than a duplicate `_id`. Undefined when the error carries no per-document
 * errors: the driver also wraps connection failures in `MongoBulkWriteError`, and then
 * nothing is known to be written.
 */
export function failedIndexes(error: unknown): number[] | undefined {
  if (!(error instanceof MongoBulkWriteError)) return undefined;
  const errors = writeErrorsOf(error);
  if (errors.length === 0) return undefined;
  return errors.filter((e) => Number(e.code) !== DUPLICATE_KEY).map((e) => e.index);
}

/**
 * The driver error behind a `MongoBulkWriteError` without per-document errors: `insertMany`
 * wraps a lost connection or a closed topology in one, and keeps the original in
 * `errorResponse`. Otherwise the error itself.
 */
function underlying(error: MongoError): MongoError {
  if (error instanceof MongoBulkWriteError && writeErrorsOf(error).length === 0) {
    const original = error.errorResponse as unknown;
    if (original instanceof MongoError) return original;
  }
  return error;
}

/** True when the error means the batch may succeed if sent again later. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  const cause = underlying(error);
  const code = Number(cause.code);
  if (cause instanceof MongoServerError && PERMANENT_SERVER_CODES.has(code)) return false;
  if (RETRY_LABELS.some((label) => cause.hasErrorLabel(label))) return true;
  if (UNREACHABLE_CLASSES.some((type) => cause instanceof type)) return true;
  if (cause instanceof MongoServerError && TRANSIENT_SERVER_CODES.has(code)) return true;
  // A write concern failure (no per-document errors, no driver error behind it): the
  // documents may be stored already, and their `_id`s make sending them again harmless.
  return (
    cause instanceof MongoBulkWriteError &&
    writeErrorsOf(cause).length === 0 &&
    !((cause.errorResponse as unknown) instanceof Error)
  );
}
