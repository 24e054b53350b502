import type { StatsCounter } from '../foundation/stats';
import type { CollectionKind, IdentifiedDocument, WriteOutcome } from '../storage/mongo-writer';
import { isTransient } from '../storage/write-errors';
import { keepingAlive, Pause, retryUntil } from './backoff';
import type { SpooledBatch } from './spool';

/** What the delivery needs from the writer (`MongoWriter`); a test double in unit tests. */
export interface DeliveryWriter {
  insert(kind: CollectionKind, documents: readonly IdentifiedDocument[]): Promise<WriteOutcome>;
  upsert(kind: CollectionKind, documents: readonly IdentifiedDocument[]): Promise<WriteOutcome>;
  /** Resolves once the server answers; rejects with the driver's error otherwise. */
  probe(): Promise<void>;
  /** True once a write or the driver's heartbeat failed, until the server answers again. */
  readonly isDown: boolean;
  /** Calls `listener` when the server answers again after being down; returns an unsubscribe. */
  onReachable(listener: () => void): () => void;
  /** Closes an idle connection so that the process may end; the next write reconnects. */
  releaseIfIdle(): Promise<void>;
  /** An error's text with every secret removed. */
  describe(error: unknown): string;
}

/** Writes a batch the way it was first tried: inserts insert, upserts replace by `_id`. */
export function writeBatch(writer: DeliveryWriter, batch: SpooledBatch): Promise<WriteOutcome> {
  return batch.operation === 'insert'
    ? writer.insert(batch.kind, batch.documents)
    : writer.upsert(batch.kind, batch.documents);
}

/**
 * The path without a spool: one write, and on a transient failure more attempts with backoff
 * until `deadlineMs` after the first, then the last failure is thrown. Same shape in and out
 * (a batch in, a `WriteOutcome` out), like the OpenTelemetry exporters' retrying transport.
 */
export class RetryingWriter {
  private readonly writer: DeliveryWriter;
  private readonly deadlineMs: number;
  private readonly onRetry: (batch: SpooledBatch, error: unknown, stats: StatsCounter) => void;
  /** Awaited by an export, so it keeps the process alive; `stop()` ends it early. */
  private readonly pause = new Pause({ background: false });
  private stopped = false;

  constructor(
    writer: DeliveryWriter,
    options: {
      deadlineMs: number;
      /** Before each new attempt; `stats` are the batch's own counters. */
      onRetry: (batch: SpooledBatch, error: unknown, stats: StatsCounter) => void;
    },
  ) {
    this.writer = writer;
    this.deadlineMs = options.deadlineMs;
    this.onRetry = options.onRetry;
  }

  /** Writes `batch`, retrying; `stats` are handed to `onRetry`. */
  write(batch: SpooledBatch, stats: StatsCounter): Promise<WriteOutcome> {
    const attempts = retryUntil(() => writeBatch(this.writer, batch), {
      deadline: Date.now() + this.deadlineMs,
      isTransient: (error) => isTransient(error) && !this.stopped,
      onRetry: (error) => this.onRetry(batch, error, stats),
      sleep: (ms) => this.pause.wait(ms),
    });
    // The driver's timers do not keep the process alive; a write awaited by an export must.
    return keepingAlive(attempts, this.deadlineMs + 5000);
  }

  /** No more attempts: a write waiting for its next attempt fails with its last error. */
  stop(): void {
    this.stopped = true;
    this.pause.wake();
  }
}
