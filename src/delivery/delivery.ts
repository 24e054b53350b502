import { componentLogger } from '../diag';
import type { StatsCounter } from '../stats';
import type { CollectionKind, IdentifiedDocument, WriteOutcome } from '../storage/mongo-writer';
import { isTransient } from '../storage/write-errors';
import { Pause, backoffDelay, keepingAlive, retryUntil } from './backoff';
import {
  type ClaimedSegment,
  DiskSpool,
  type SpooledBatch,
  spooledBytes,
  type WriteOperation,
} from './spool';

const log = componentLogger('delivery');
/** The longest pause between two attempts to reach a server that is down. */
const MAX_REPLAY_BACKOFF_MS = 5000;

/** `written` and `spooled` are successes for the exporter; `failed` means the batch is lost. */
export type DeliveryResult = { code: 'written' | 'spooled' } | { code: 'failed'; error: Error };

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
  /** An error's text with every secret removed. */
  describe(error: unknown): string;
}

export interface DeliveryOptions {
  writer: DeliveryWriter;
  /** Where the documents go (servers, database, collections): the spool replays only its own. */
  destination: string;
  /** Undefined: no spool; a transient failure is retried until `retryDeadlineMs`, then lost. */
  spoolDir: string | undefined;
  spoolMaxBytes: number;
  retryDeadlineMs: number;
  /** Where replayed, dropped and internal-error counts of each kind go. */
  spoolStats: (kind: CollectionKind) => StatsCounter;
}

/** A batch being written, and whose counters its outcome goes to. */
interface InFlight {
  batch: SpooledBatch;
  stats: StatsCounter;
  /** Set once the batch is counted (written, spooled or failed): it is never counted twice. */
  settled: boolean;
}

/**
 * Gets batches into MongoDB exactly once, whatever the server does. With a spool:
 * - a batch is written once; a transient failure sends it to the disk spool at once (no
 *   waiting out a retry deadline while the application's queue fills up);
 * - while the server is known to be down (a failed write, or the driver's heartbeat), new
 *   batches are appended to the spool (no export waits on a server that is down);
 * - while the spool drains and the server answers, insert batches are written directly (each
 *   document has its own `_id` and timestamps, so one stored before older spooled ones is
 *   still stored once, and paying the spool's round trip for every live record would cost
 *   several times the write), but upsert batches are appended behind the spool: a session
 *   document replaces by `_id`, and an older state replayed after a newer one would win;
 * - a background loop probes the server and replays the spool, oldest first, as soon as it
 *   answers; documents keep their `_id`, so a batch written twice is stored once;
 * - at process exit and when a bounded shutdown gives up, batches still in flight are
 *   spooled synchronously.
 * Without a spool, a transient failure is retried with backoff until `retryDeadlineMs`.
 * Nothing here throws into the caller: every failure is reported through diag and counted.
 */
export class Delivery {
  private readonly writer: DeliveryWriter;
  private readonly retryDeadlineMs: number;
  private readonly spoolStats: (kind: CollectionKind) => StatsCounter;
  private readonly spool: DiskSpool | undefined;
  private readonly inFlight = new Set<InFlight>();
  /** Documents handed over outside the batch pipeline (crash records) and not yet delivered. */
  private readonly held = new Map<string, { kind: CollectionKind; document: IdentifiedDocument }>();
  /** The segment being replayed, and how many of its batches are stored. */
  private replaying: { segment: ClaimedSegment; stored: number } | undefined;
  private draining: Promise<void> | undefined;
  /** Set by close(): the replay loop stops at its first failure. */
  private closeRequested = false;
  /** No new replay round, no retry. */
  private closing = false;
  /** Set once closed or aborted: nothing more is written or spooled. */
  private closed = false;
  private dropEpisode = false;
  private spoolBroken = false;
  private readonly pause = new Pause({ background: true });
  private readonly retryPause = new Pause({ background: false });
  private readonly stopListening: () => void;
  private readonly spoolOnExit = () => this.abort();

  constructor(options: DeliveryOptions) {
    this.writer = options.writer;
    this.retryDeadlineMs = options.retryDeadlineMs;
    this.spoolStats = options.spoolStats;
    this.spool =
      options.spoolDir === undefined
        ? undefined
        : new DiskSpool(
            options.spoolDir,
            options.spoolMaxBytes,
            {
              dropped: (documents, reason) => this.noteDropped('errors', documents, reason),
            },
            options.destination,
          );
    this.stopListening = this.writer.onReachable(() => this.pause.wake());
    process.on('exit', this.spoolOnExit);
    if (this.spool && this.guard('errors', 'reading the spool', () => !this.spool!.isEmpty()))
      this.startDraining();
  }

  /** True when batches that cannot be written now are kept on disk. */
  get spools(): boolean {
    return this.spool !== undefined;
  }

  /** Whether `batch` could be spooled without dropping older batches (false without a spool). */
  spoolFits(batch: SpooledBatch): boolean {
    return this.spool !== undefined && this.spool.fits(spooledBytes(batch));
  }

  /**
   * Keeps a document that may never reach `deliver` (it waits in a queue) until a batch
   * holding the same `_id` is delivered; at process exit it is spooled otherwise.
   */
  hold(kind: CollectionKind, document: IdentifiedDocument): void {
    if (this.spool) this.held.set(document._id, { kind, document });
  }

  /** Delivers one batch, counting its outcome in `stats`. Never rejects. */
  async deliver(
    kind: CollectionKind,
    operation: WriteOperation,
    documents: IdentifiedDocument[],
    stats: StatsCounter,
  ): Promise<DeliveryResult> {
    const entry: InFlight = { batch: { kind, operation, documents }, stats, settled: false };
    let result: DeliveryResult;
    try {
      result = await this.deliverEntry(entry);
    } catch (error) {
      // Unreachable by design; kept so that no bug here can lose a batch without a word.
      stats.add('internalErrors', 1);
      log.error('delivery failed unexpectedly', error);
      result = this.settle(entry, () => this.toSpool(entry.batch, stats));
    }
    if (result.code !== 'failed' && this.held.size > 0) {
      for (const document of documents) this.held.delete(document._id);
    }
    return result;
  }

  /**
   * Appends documents straight to the spool, without trying the server: the log record
   * processor's spill. Not synced (see `syncSpill`); with `gather`, for a record at a time,
   * gathered in memory into a line of up to 512 documents. Synchronous; false when there is
   * no spool.
   */
  spill(
    kind: CollectionKind,
    documents: IdentifiedDocument[],
    stats: StatsCounter,
    options: { gather?: boolean } = {},
  ): boolean {
    if (!this.spool) return false;
    if (documents.length === 0) return true;
    const mode = options.gather === true ? 'gather' : 'nosync';
    const result = this.toSpool({ kind, operation: 'insert', documents }, stats, mode);
    if (result.code === 'spooled') stats.add('spilled', documents.length);
    return true;
  }

  /** Syncs to disk what `spill()` appended: one fsync for a whole spilled queue. */
  syncSpill(): void {
    this.guard('errors', 'syncing the spool', () => this.spool?.sync());
  }

  private async deliverEntry(entry: InFlight): Promise<DeliveryResult> {
    const { batch, stats } = entry;
    if (this.closed) return this.fail(batch, stats, 'the exporter is shut down', 'closed');
    if (this.goesBehindSpool(batch)) return this.toSpool(batch, stats);
    this.inFlight.add(entry);
    try {
      const outcome = this.spool ? await this.write(batch) : await this.writeWithRetries(batch, stats);
      return this.settle(entry, () => {
        stats.add('written', outcome.written);
        stats.add('rejected', outcome.rejected);
        return { code: 'written' };
      });
    } catch (error) {
      return this.settle(entry, () => this.afterFailure(batch, stats, error));
    } finally {
      this.inFlight.delete(entry);
    }
  }

  /** Whether a new batch is appended to the spool instead of being written now. */
  private goesBehindSpool(batch: SpooledBatch): boolean {
    if (!this.spool) return false;
    if (this.writer.isDown) return true;
    return this.draining !== undefined && batch.operation === 'upsert';
  }

  /**
   * Counts an in-flight batch once: the exit handler or an abort may have spooled it meanwhile.
   * Marked settled only once counted, so that a failure while counting leaves it to the caller.
   */
  private settle(entry: InFlight, count: () => DeliveryResult): DeliveryResult {
    if (entry.settled) return { code: 'spooled' };
    const result = count();
    entry.settled = true;
    return result;
  }

  private afterFailure(batch: SpooledBatch, stats: StatsCounter, error: unknown): DeliveryResult {
    const reason = this.writer.describe(error);
    if (!isTransient(error)) return this.fail(batch, stats, 'a retry cannot fix this', reason, error);
    if (!this.spool) return this.fail(batch, stats, 'the spool is off', reason, error);
    log.warn(
      `cannot reach MongoDB (${reason}); spooling ${batch.documents.length} ${batch.kind} document(s) to disk`,
    );
    return this.toSpool(batch, stats);
  }

  private writeWithRetries(batch: SpooledBatch, stats: StatsCounter): Promise<WriteOutcome> {
    const attempts = retryUntil(() => this.write(batch), {
      deadline: Date.now() + this.retryDeadlineMs,
      isTransient: (error) => isTransient(error) && !this.closing,
      onRetry: (error) => {
        stats.add('retried', batch.documents.length);
        log.debug(
          `retrying ${batch.documents.length} ${batch.kind} document(s): ${this.writer.describe(error)}`,
        );
      },
      sleep: (ms) => this.retryPause.wait(ms),
    });
    // The driver's timers do not keep the process alive; an awaited write must.
    return keepingAlive(attempts, this.retryDeadlineMs + 5000);
  }

  private write(batch: SpooledBatch): Promise<WriteOutcome> {
    return batch.operation === 'insert'
      ? this.writer.insert(batch.kind, batch.documents)
      : this.writer.upsert(batch.kind, batch.documents);
  }

  /** Counts `batch` as lost; `cause` is the error that lost it, kept on the result's error. */
  private fail(
    batch: SpooledBatch,
    stats: StatsCounter,
    why: string,
    reason: string,
    cause?: unknown,
  ): DeliveryResult {
    stats.add('failed', batch.documents.length);
    log.error(`${batch.documents.length} ${batch.kind} document(s) not written (${why}): ${reason}`);
    return { code: 'failed', error: cause === undefined ? new Error(reason) : new Error(reason, { cause }) };
  }

  private toSpool(
    batch: SpooledBatch,
    stats: StatsCounter,
    mode: 'sync' | 'nosync' | 'gather' = 'sync',
  ): DeliveryResult {
    if (!this.spool || this.closed) return this.fail(batch, stats, 'the exporter is shut down', 'closed');
    try {
      if (!this.spool.append(batch, { sync: mode === 'sync', gather: mode === 'gather' })) {
        return this.fail(batch, stats, 'too large to spool', 'one batch is larger than spoolMaxBytes');
      }
      this.spoolBroken = false;
      stats.add('spooled', batch.documents.length);
      this.startDraining();
      return { code: 'spooled' };
    } catch (error) {
      stats.add('failed', batch.documents.length);
      const reason = `cannot spool to ${this.spool.directory}: ${this.writer.describe(error)}`;
      // Once per episode: a broken folder would otherwise repeat this for every batch.
      if (!this.spoolBroken) log.error(`${reason}; documents that cannot be written are lost until it works`);
      this.spoolBroken = true;
      return { code: 'failed', error: new Error(reason, { cause: error }) };
    }
  }

  /**
   * Stops the replay loop. While the server answers, it gets up to `timeoutMs` to write what
   * is in flight and empty the spool (it stops at the first failure); then whatever is still
   * in flight is spooled and the rest of the spool waits for the next start. Never rejects.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    this.closeRequested = true;
    if (!this.spool || this.writer.isDown) this.closing = true;
    this.pause.wake();
    const work = Promise.allSettled([this.draining, this.idle()]);
    const deadline = new Pause({ background: false });
    await Promise.race([work, deadline.wait(timeoutMs)]);
    deadline.wake();
    this.abort();
  }

  /**
   * Gives up at once, synchronously: batches in flight, held documents and the unfinished
   * part of a segment being replayed go (back) to the spool; the replay loop stops.
   * Called at process exit and when a bounded shutdown runs out of time.
   */
  abort(): void {
    if (this.closed) return;
    this.closing = true;
    this.pause.wake();
    this.retryPause.wake();
    this.guard('errors', 'spooling at exit', () => this.spoolUnsettled());
    this.closed = true;
    this.guard('errors', 'releasing the segment being replayed', () => {
      if (this.replaying) this.spool?.release(this.replaying.segment, this.replaying.stored);
      this.replaying = undefined;
    });
    this.guard('errors', 'closing the spool', () => this.spool?.close());
    this.stopListening();
    process.removeListener('exit', this.spoolOnExit);
  }

  /** Resolves when no batch is in flight. */
  private async idle(): Promise<void> {
    while (this.inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  private spoolUnsettled(): void {
    if (!this.spool) return;
    const pending = [...this.inFlight].filter((entry) => !entry.settled);
    const pendingIds = new Set(pending.flatMap((entry) => entry.batch.documents.map((d) => d._id)));
    for (const { kind, document } of this.held.values()) {
      if (pendingIds.has(document._id)) continue;
      const stats = this.spoolStats(kind);
      pending.push({ batch: { kind, operation: 'insert', documents: [document] }, stats, settled: false });
      // A held document was never counted as accepted: it is a copy of one in a queue.
      stats.add('accepted', 1);
    }
    this.held.clear();
    for (const entry of pending) {
      entry.settled = true;
      this.toSpool(entry.batch, entry.stats);
    }
    this.inFlight.clear();
  }

  private startDraining(): void {
    if (this.draining || this.closing) return;
    this.draining = this.drainLoop()
      .catch((error: unknown) => {
        this.spoolStats('errors').add('internalErrors', 1);
        log.error('spool replay stopped unexpectedly; it resumes with the next spooled batch', error);
      })
      .finally(() => (this.draining = undefined));
  }

  private async drainLoop(): Promise<void> {
    let stalled = 0;
    while (!this.closing) {
      const state = this.writer.isDown ? await this.probe() : await this.replayAll();
      if (state === 'empty') {
        if (this.dropEpisode) log.info('spool drained');
        this.dropEpisode = false;
        return;
      }
      // Back off only while the server refuses; new appends during a healthy replay loop at once.
      stalled = state === 'stalled' ? stalled + 1 : 0;
      if (stalled > 0 && this.closeRequested) return;
      if (stalled > 0) await this.pause.wait(backoffDelay(stalled, 250, MAX_REPLAY_BACKOFF_MS) + 50);
    }
  }

  /** Asks the server whether it is back, without reading the spool. */
  private async probe(): Promise<'progress' | 'stalled'> {
    try {
      await this.writer.probe();
      return 'progress';
    } catch (error) {
      log.debug(`MongoDB still unreachable: ${this.writer.describe(error)}`);
      return 'stalled';
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
          'errors',
          0,
          `${segment.unreadableLines} unreadable line(s) in ${segment.path} (a write cut short)`,
        );
      }
      const progress = (this.replaying = { segment, stored: 0 });
      for (const batch of segment.batches) {
        if (this.closing) break;
        let outcome: WriteOutcome;
        try {
          outcome = await this.write(batch);
        } catch (error) {
          return this.pauseReplay(error, replayed);
        }
        if (this.closed) return 'progress'; // abort() already put the rest back
        this.spoolStats(batch.kind).add('replayed', outcome.written);
        if (outcome.rejected > 0) {
          this.noteDropped(batch.kind, outcome.rejected, 'refused by the server at replay');
        }
        progress.stored++;
      }
      this.replaying = undefined;
      if (progress.stored < segment.batches.length) {
        spool.release(segment, progress.stored); // closing: the rest waits for the next start
        return 'progress';
      }
      spool.complete(segment);
      replayed++;
    }
    // Appends made while replaying went to a new segment: the next round takes them.
    return spool.isEmpty() ? 'empty' : 'progress';
  }

  private pauseReplay(error: unknown, replayedSegments: number): 'progress' | 'stalled' {
    const current = this.replaying!;
    this.replaying = undefined;
    if (this.closed) return 'progress';
    const reason = this.writer.describe(error);
    this.spool!.release(current.segment, current.stored);
    if (isTransient(error)) {
      log.debug(`replay paused at batch ${current.stored} of ${current.segment.path}: ${reason}`);
    } else {
      // Not retryable, yet other batches may be fine: kept and tried again, and said loudly.
      log.error(`spool replay failed, will retry: ${reason}`);
    }
    return replayedSegments > 0 || current.stored > 0 ? 'progress' : 'stalled';
  }

  private noteDropped(kind: CollectionKind, documents: number, reason: string): void {
    this.spoolStats(kind).add('dropped', documents);
    if (!this.dropEpisode)
      log.warn(`dropping spooled data: ${reason}; ${documents} document(s) lost so far in this episode`);
    this.dropEpisode = true;
  }

  /** Runs `work`, reporting and counting any failure instead of throwing. */
  private guard<T>(kind: CollectionKind, what: string, work: () => T): T | undefined {
    try {
      return work();
    } catch (error) {
      this.spoolStats(kind).add('internalErrors', 1);
      log.error(`failed while ${what}: ${this.writer.describe(error)}`);
      return undefined;
    }
  }
}
