import { componentLogger } from '../diag';
import type { StatsCounter } from '../stats';
import type { CollectionKind, IdentifiedDocument, MongoWriter, WriteOutcome } from '../storage/mongo-writer';
import { isTransient } from '../storage/write-errors';
import { Pause, backoffDelay, keepingAlive, retryUntil } from './backoff';
import { DiskSpool, type SpooledBatch, type WriteOperation } from './spool';

const log = componentLogger('delivery');
// Beyond the retry deadline, one more attempt may still be waiting on server selection.
const KEEP_ALIVE_MARGIN_MS = 60_000;

/** `written` and `spooled` are successes for the exporter; `failed` means the batch is lost. */
export type DeliveryResult = { code: 'written' | 'spooled' } | { code: 'failed'; error: Error };

export interface DeliveryOptions {
  writer: MongoWriter;
  stats: StatsCounter;
  spoolDir: string | undefined;
  spoolMaxBytes: number;
  retryDeadlineMs: number;
}

/**
 * Gets batches into MongoDB exactly once, whatever the server does:
 * - a transient failure is retried with backoff until `retryDeadlineMs`;
 * - a batch still not written is appended to the disk spool and counts as delivered;
 * - while the spool holds anything, new batches are appended behind it (so order is kept
 *   and no export waits on a server that is down), and a background loop replays the spool,
 *   oldest first, as soon as the server answers; documents keep their `_id`, so a batch
 *   written twice is stored once;
 * - on process exit, batches still in flight are spooled synchronously.
 */
export class Delivery {
  private readonly writer: MongoWriter;
  private readonly stats: StatsCounter;
  private readonly retryDeadlineMs: number;
  private readonly spool: DiskSpool | undefined;
  private readonly inFlight = new Set<SpooledBatch>();
  /** Documents handed over outside the batch pipeline (crash records) and not yet delivered. */
  private readonly held = new Map<string, { kind: CollectionKind; document: IdentifiedDocument }>();
  private draining: Promise<void> | undefined;
  private closed = false;
  private dropEpisode = false;
  private readonly pause = new Pause({ background: true });
  private readonly spoolOnExit = () => this.spoolInFlight();

  constructor(options: DeliveryOptions) {
    this.writer = options.writer;
    this.stats = options.stats;
    this.retryDeadlineMs = options.retryDeadlineMs;
    this.spool =
      options.spoolDir === undefined
        ? undefined
        : new DiskSpool(options.spoolDir, options.spoolMaxBytes, {
            dropped: (documents, reason) => this.noteDropped(documents, reason),
          });
    process.on('exit', this.spoolOnExit);
    if (this.spool && !this.spool.isEmpty()) this.startDraining();
  }

  /**
   * Keeps a document that may never reach `deliver` (it waits in the SDK's queue) until a
   * batch holding the same `_id` is delivered; at process exit it is spooled otherwise.
   */
  hold(kind: CollectionKind, document: IdentifiedDocument): void {
    if (this.spool) this.held.set(document._id, { kind, document });
  }

  /** Delivers one batch. Never rejects. */
  async deliver(
    kind: CollectionKind,
    operation: WriteOperation,
    documents: IdentifiedDocument[],
  ): Promise<DeliveryResult> {
    const result = await this.deliverBatch({ kind, operation, documents });
    if (result.code !== 'failed' && this.held.size > 0) {
      for (const document of documents) this.held.delete(document._id);
    }
    return result;
  }

  private async deliverBatch(batch: SpooledBatch): Promise<DeliveryResult> {
    const { kind, documents } = batch;
    if (this.draining && this.spool) return this.toSpool(batch);
    this.inFlight.add(batch);
    try {
      const attempts = retryUntil(() => this.write(batch), {
        deadline: Date.now() + this.retryDeadlineMs,
        isTransient,
        onRetry: (error) => {
          this.stats.add('retried', documents.length);
          log.debug(`retrying ${documents.length} ${kind} document(s): ${this.writer.describe(error)}`);
        },
      });
      const outcome = await keepingAlive(attempts, this.retryDeadlineMs + KEEP_ALIVE_MARGIN_MS);
      this.stats.add('written', outcome.written);
      this.stats.add('rejected', outcome.rejected);
      return { code: 'written' };
    } catch (error) {
      const reason = this.writer.describe(error);
      if (this.spool && isTransient(error) && !this.closed) {
        log.warn(
          `cannot reach MongoDB (${reason}); spooling ${documents.length} ${kind} document(s) to disk`,
        );
        return this.toSpool(batch);
      }
      this.stats.add('failed', documents.length);
      const why = isTransient(error) ? 'the spool is off' : 'a retry cannot fix this';
      log.error(`${documents.length} ${kind} document(s) not written (${why}): ${reason}`);
      return { code: 'failed', error: new Error(reason) };
    } finally {
      this.inFlight.delete(batch);
    }
  }

  /**
   * Gives a running replay up to `retryDeadlineMs` to empty the spool, then stops it.
   * What remains in the spool is replayed at the next start.
   */
  async close(): Promise<void> {
    if (this.draining) {
      this.pause.wake();
      const deadline = new Pause({ background: false });
      await Promise.race([this.draining, deadline.wait(this.retryDeadlineMs)]);
      deadline.wake();
    }
    this.closed = true;
    this.pause.wake();
    await keepingAlive(this.draining ?? Promise.resolve(), KEEP_ALIVE_MARGIN_MS);
    this.spool?.close();
    process.removeListener('exit', this.spoolOnExit);
  }

  private write(batch: SpooledBatch): Promise<WriteOutcome> {
    return batch.operation === 'insert'
      ? this.writer.insert(batch.kind, batch.documents)
      : this.writer.upsert(batch.kind, batch.documents);
  }

  private toSpool(batch: SpooledBatch): DeliveryResult {
    try {
      this.spool!.append(batch);
      this.stats.add('spooled', batch.documents.length);
      this.startDraining();
      return { code: 'spooled' };
    } catch (error) {
      this.stats.add('failed', batch.documents.length);
      const reason = this.writer.describe(error);
      log.error(
        `cannot spool ${batch.documents.length} ${batch.kind} document(s) to ${this.spool!.directory}: ${reason}`,
      );
      return { code: 'failed', error: new Error(`spool write failed: ${reason}`) };
    }
  }

  private startDraining(): void {
    if (this.draining || this.closed) return;
    this.draining = this.drainLoop().finally(() => (this.draining = undefined));
  }

  private async drainLoop(): Promise<void> {
    let stalled = 0;
    while (!this.closed) {
      const state = await this.replayAll();
      if (state === 'empty') {
        if (this.dropEpisode) log.info('spool drained');
        this.dropEpisode = false;
        return;
      }
      // Back off only while the server refuses; new appends during a healthy replay loop at once.
      stalled = state === 'stalled' ? stalled + 1 : 0;
      if (stalled > 0) await this.pause.wait(backoffDelay(stalled, 250, 30_000) + 50);
    }
  }

  /** Replays every closed segment, oldest first. */
  private async replayAll(): Promise<'empty' | 'progress' | 'stalled'> {
    const spool = this.spool!;
    spool.rotate();
    let replayed = 0;
    for (let segment = spool.claimOldest(); segment; segment = spool.claimOldest()) {
      if (segment.unreadableLines > 0) {
        this.noteDropped(
          0,
          `${segment.unreadableLines} unreadable line(s) in ${segment.path} (a write cut short)`,
        );
      }
      for (const [index, batch] of segment.batches.entries()) {
        try {
          const outcome = await this.write(batch);
          this.stats.add('replayed', outcome.written);
          this.stats.add('rejected', outcome.rejected);
        } catch (error) {
          // Batches before `index` are stored; replaying them again later is harmless.
          log.debug(`replay paused at batch ${index} of ${segment.path}: ${this.writer.describe(error)}`);
          spool.release(segment);
          if (!isTransient(error)) log.error(`spool replay failed: ${this.writer.describe(error)}`);
          return replayed > 0 || index > 0 ? 'progress' : 'stalled';
        }
      }
      spool.complete(segment);
      replayed++;
      if (this.closed) return 'progress';
    }
    // Appends made while replaying went to a new segment: the next round takes them.
    return spool.isEmpty() ? 'empty' : 'progress';
  }

  private spoolInFlight(): void {
    if (!this.spool) return;
    const inFlightIds = new Set([...this.inFlight].flatMap((batch) => batch.documents.map((d) => d._id)));
    for (const { kind, document } of this.held.values()) {
      if (!inFlightIds.has(document._id))
        this.inFlight.add({ kind, operation: 'insert', documents: [document] });
    }
    this.held.clear();
    for (const batch of this.inFlight) {
      try {
        this.spool.append(batch);
        this.stats.add('spooled', batch.documents.length);
      } catch (error) {
        this.stats.add('failed', batch.documents.length);
        log.error(
          `cannot spool ${batch.documents.length} in-flight document(s) at exit: ${this.writer.describe(error)}`,
        );
      }
    }
    this.inFlight.clear();
    this.spool.close();
  }

  private noteDropped(documents: number, reason: string): void {
    this.stats.add('dropped', documents);
    if (!this.dropEpisode)
      log.warn(`dropping spooled data: ${reason}; ${documents} document(s) lost so far in this episode`);
    this.dropEpisode = true;
  }
}
