import { acquireDestination, type DestinationLease } from '../delivery/destination';
import { StatsCounter } from '../foundation/stats';
import type { CollectionKind, IdentifiedDocument, MongoWriter } from '../storage/mongo-writer';
import type { WriteOperation } from '../delivery/spool';
import { Allowance } from './allowance';
import { DEFAULT_GROUPING, InsertGrouping } from './insert-grouping';
import { GatewayRequestError } from './request-error';
import type { ResolvedOptions } from '../shared-options/shared-options';

/** Seconds a client is asked to wait when the gateway cannot store what it sent. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The gateway's side of the exporters' storage path: the same writer (indexes included) and
 * the same delivery (retries, then the disk spool, replayed in order). It also counts the
 * records accepted and not yet stored or spooled, which bounds the memory requests may hold.
 */
export class GatewayStorage {
  readonly stats = new StatsCounter();
  private readonly destination: DestinationLease;
  private readonly records: Allowance;
  private readonly grouping: InsertGrouping | undefined;

  constructor(options: ResolvedOptions, maxPendingRecords: number, groupWaitMs = DEFAULT_GROUPING.maxWaitMs) {
    this.records = new Allowance(maxPendingRecords);
    this.grouping =
      groupWaitMs > 0
        ? new InsertGrouping((kind, documents) => this.deliver(kind, 'insert', documents), {
            ...DEFAULT_GROUPING,
            maxWaitMs: groupWaitMs,
          })
        : undefined;
    // A server lives on anyway: its connection stays open between requests.
    this.destination = acquireDestination(options, ['errors', 'audit', 'metrics'], this.stats, {
      keepConnected: true,
    });
  }

  get writer(): MongoWriter {
    return this.destination.writer;
  }

  /** Records accepted and not yet stored or spooled. */
  get pending(): number {
    return this.records.held;
  }

  /** Reserves room for `records`, or throws 503 when the gateway already holds too many. */
  reserve(records: number): () => void {
    const hold = this.records.hold();
    if (!hold.take(records)) {
      throw new GatewayRequestError(
        503,
        `the gateway holds ${this.records.held} records not yet stored; retry later`,
        RETRY_AFTER_SECONDS,
      );
    }
    return () => hold.release();
  }

  /**
   * Stores or spools one request's documents; throws 503 (retry later) when neither was
   * possible. Inserts of concurrent requests are written together (see {@link InsertGrouping}).
   */
  store(kind: CollectionKind, operation: WriteOperation, documents: IdentifiedDocument[]): Promise<void> {
    if (documents.length === 0) return Promise.resolve();
    return operation === 'insert' && this.grouping
      ? this.grouping.insert(kind, documents)
      : this.deliver(kind, operation, documents);
  }

  private async deliver(
    kind: CollectionKind,
    operation: WriteOperation,
    documents: IdentifiedDocument[],
  ): Promise<void> {
    // A batch that would make a full spool drop older batches, already answered with 200, is
    // refused instead: the client retries it.
    const result = await this.destination.delivery.deliver(kind, operation, documents, this.stats, {
      refuseWhenSpoolFull: true,
    });
    if (result.code === 'refused') {
      throw new GatewayRequestError(503, `${result.reason}; retry later`, RETRY_AFTER_SECONDS);
    }
    if (result.code === 'failed') {
      throw new GatewayRequestError(
        503,
        `cannot store ${documents.length} ${kind} document(s) now; retry later`,
        RETRY_AFTER_SECONDS,
      );
    }
  }

  /** Lets go of the destination: a running replay gets up to `retryDeadlineMs`, then the client closes. */
  close(): Promise<void> {
    this.grouping?.flushAll();
    return this.destination.release();
  }
}
