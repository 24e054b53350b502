import {
  MongoBulkWriteError,
  MongoClientClosedError,
  MongoError,
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoParseError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
  type TopologyDescription,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { failedIndexes, isTransient } from '../../../src/storage/write-errors';

// The driver builds its errors this way; so do these tests (a real class, a real label).
const NO_TOPOLOGY = { servers: new Map() } as unknown as TopologyDescription;

function serverError(code: number, labels: string[] = []): MongoServerError {
  return new MongoServerError({ message: `server error ${code}`, code, errorLabels: labels });
}

/** What `insertMany` throws when the driver fails under it: the original kept in `errorResponse`. */
function wrapped(error: Error): MongoBulkWriteError {
  return new MongoBulkWriteError(error as never, {} as never);
}

/** What `insertMany` throws when the server refused some documents. */
function refused(writeErrors: { code: number; index: number }[]): MongoBulkWriteError {
  return new MongoBulkWriteError(
    { message: 'write errors', code: writeErrors[0]!.code, writeErrors: writeErrors as never },
    {} as never,
  );
}

function labelled(error: MongoError, label: string): MongoError {
  error.addErrorLabel(label);
  return error;
}

describe('isTransient', () => {
  it.each<[string, unknown]>([
    ['a network error', new MongoNetworkError('connection 1 to db:27017 closed')],
    ['a network timeout', new MongoNetworkTimeoutError('connection timed out')],
    ['no server selected in time', new MongoServerSelectionError('Server selection timed out', NO_TOPOLOGY)],
    ['a closed topology', new MongoTopologyClosedError()],
    ['a client not connected', new MongoNotConnectedError('Client must be connected')],
    ['a client closed under the write', new MongoClientClosedError()],
    ['an operation timeout', new MongoOperationTimeoutError('Timed out')],
    ['a network error wrapped by insertMany', wrapped(new MongoNetworkError('connection closed'))],
    ['a closed topology wrapped by insertMany', wrapped(new MongoTopologyClosedError())],
    ['the RetryableWriteError label', serverError(1, ['RetryableWriteError'])],
    ['the RetryableError label', labelled(new MongoError('overloaded'), 'RetryableError')],
    ['the SystemOverloadedError label', serverError(462, ['SystemOverloadedError'])],
    ['a primary stepping down, without a label', serverError(189)],
    ['a server shutting down, without a label', serverError(91)],
    ['not writable primary, without a label', serverError(10107)],
    ['a write concern failure (documents may be stored)', refusedWriteConcern(64)],
  ])('retries %s', (_case, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['wrong credentials', serverError(18)],
    ['wrong credentials even with a retry label', serverError(18, ['RetryableWriteError'])],
    ['a missing privilege', serverError(13)],
    ['a validator refusal', serverError(121)],
    ['an Atlas refusal', serverError(8000)],
    ['a document too large', serverError(10334)],
    ['an unknown server error', serverError(12345)],
    ['a write concern that cannot be satisfied', refusedWriteConcern(100)],
    ['a refusal of some documents', refused([{ code: 121, index: 0 }])],
    ['a refusal of some documents with an unknown code', refused([{ code: 12345, index: 0 }])],
    ['a bad URI', new MongoParseError('Invalid connection string')],
    ['a bad argument', new MongoInvalidArgumentError('bad')],
    ['a non-driver error wrapped by insertMany', wrapped(new TypeError('cannot serialize'))],
    ['a plain Error that says network', Object.assign(new Error('network'), { name: 'MongoNetworkError' })],
    ['a string', 'MongoNetworkError'],
    ['undefined', undefined],
  ])('does not retry %s', (_case, error) => {
    expect(isTransient(error)).toBe(false);
  });

  it('keeps the write concern error class itself retryable by its label only', () => {
    const error = new MongoWriteConcernError({ writeConcernError: { code: 64, errmsg: 'waiting' } } as never);
    expect(isTransient(error)).toBe(false);
    error.addErrorLabel('RetryableWriteError');
    expect(isTransient(error)).toBe(true);
  });
});

describe('failedIndexes', () => {
  it('counts duplicate keys as written and other refusals as failed', () => {
    const error = refused([
      { code: 11000, index: 0 },
      { code: 121, index: 2 },
      { code: 11000, index: 3 },
      { code: 10334, index: 4 },
    ]);
    expect(failedIndexes(error)).toEqual([2, 4]);
  });

  it('finds no failure when every refusal is a duplicate key', () => {
    expect(failedIndexes(refused([{ code: 11000, index: 1 }]))).toEqual([]);
  });

  it('reads a single write error as well as a list', () => {
    const error = refused([{ code: 121, index: 0 }]);
    (error as unknown as { writeErrors: unknown }).writeErrors = { code: 121, index: 7 };
    expect(failedIndexes(error)).toEqual([7]);
  });

  it('knows nothing when the error has no per-document errors', () => {
    expect(failedIndexes(wrapped(new MongoNetworkError('closed')))).toBeUndefined();
    expect(failedIndexes(serverError(121))).toBeUndefined();
    expect(failedIndexes(new Error('x'))).toBeUndefined();
    const notBulk = Object.assign(serverError(121), { writeErrors: [{ code: 121, index: 0 }] });
    expect(failedIndexes(notBulk)).toBeUndefined();
  });
});

function refusedWriteConcern(code: number): MongoBulkWriteError {
  return new MongoBulkWriteError({ message: 'write concern', code }, {} as never);
}
