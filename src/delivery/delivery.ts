import { componentLogger } from '../foundation/diag';
import type { StatsCounter } from '../foundation/stats';
import type { CollectionKind, IdentifiedDocument, WriteOutcome } from '../storage/mongo-writer';
import { isTransient } from '../storage/write-errors';
import { ExitGuard } from './exit-guard';
import { type DeliveryResult, type InFlightBatch, InFlightBatches } from './in-flight';
import { OutageNotice } from './outage-notice';
import { type Plan, planBatch } from './plan';
import { Replayer } from './replayer';
import { type DeliveryWriter, RetryingWriter, writeBatch } from './retrying-writer';
import { DiskSpool, type SpooledBatch, spooledBytes, type WriteOperation } from './spool';

export type { DeliveryResult } from './in-flight';
export type { DeliveryWriter } from './retrying-writer';

const log = componentLogger('delivery');

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

/**
 * Gets batches into MongoDB exactly once, whatever the server does, composed of one part per
 * job (see docs/reliability.md, "The delivery"):
 * - `planBatch`: the one "live or spool" decision;
 * - the writer (`MongoWriter`), or without a spool `RetryingWriter` (backoff until
 *   `retryDeadlineMs`);
 * - `InFlightBatches`: what is being written, each batch counted once;
 * - `DiskSpool`: batches that cannot be written now, on disk;
 * - `Replayer`: empties the spool in the background once the server answers;
 * - `OutageNotice`: one WARN per outage with its cause;
 * - `ExitGuard`: at process exit, what is in flight goes to the spool.
 * With a spool, a batch is written once, and a transient failure sends it to the spool at once
 * (no waiting out a retry deadline while the application's queue fills up).
 * Nothing here throws into the caller: every failure is reported through diag and counted.
 */
export class Delivery {
  private readonly writer: DeliveryWriter;
  private readonly spoolStats: (kind: CollectionKind) => StatsCounter;
  private readonly spool: DiskSpool | undefined;
  private readonly retrying: RetryingWriter | undefined;
  private readonly replayer: Replayer | undefined;
  private readonly inFlight = new InFlightBatches();
  private readonly notice = new OutageNotice();
  private readonly exitGuard: ExitGuard;
  /** Documents handed over outside the batch pipeline (crash records) and not yet delivered. */
  private readonly held = new Map<string, { kind: CollectionKind; document: IdentifiedDocument }>();
  /** Set once closed or aborted: nothing more is written or spooled. */
  private closed = false;
  /** Documents dropped from the spool since it was last empty; undefined: none. */
  private droppedInEpisode: number | undefined;
  private spoolBroken = false;
  private readonly stopListening: () => void;

  constructor(options: DeliveryOptions) {
    this.writer = options.writer;
    this.spoolStats = options.spoolStats;
    this.spool =
      options.spoolDir === undefined
        ? undefined
        : new DiskSpool(
            options.spoolDir,
            options.spoolMaxBytes,
            { dropped: (documents, reason) => this.noteDropped('errors', documents, reason) },
            options.destination,
          );
    this.retrying = this.spool
      ? undefined
      : new RetryingWriter(this.writer, {
          deadlineMs: options.retryDeadlineMs,
          onRetry: (batch, error, stats) => {
            stats.add('retried', batch.documents.length);
            log.debug(
              `retrying ${batch.documents.length} ${batch.kind} document(s): ${this.writer.describe(error)}`,
            );
          },
        });
    this.replayer = this.spool && this.newReplayer(this.spool);
    this.stopListening = this.writer.onReachable(() => this.replayer?.wake());
    this.exitGuard = new ExitGuard(() => this.abort());
    if (this.spool && this.guard('errors', 'reading the spool', () => !this.spool!.isEmpty()))
      this.replayer?.start();
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

  /**
   * Delivers one batch, counting its outcome in `stats`. Never rejects. With
   * `refuseWhenSpoolFull`, a batch that could only be spooled by dropping older ones is
   * `refused` (nothing counted) instead.
   */
  async deliver(
    kind: CollectionKind,
    operation: WriteOperation,
    documents: IdentifiedDocument[],
    stats: StatsCounter,
    options: { refuseWhenSpoolFull?: boolean } = {},
  ): Promise<DeliveryResult> {
    const batch: SpooledBatch = { kind, operation, documents };
    let result: DeliveryResult;
    try {
      result = await this.deliverPlanned(batch, stats, this.plan(batch, options));
    } catch (error) {
      // Unreachable by design; kept so that no bug here can lose a batch without a word.
      stats.add('internalErrors', 1);
      log.error('delivery failed unexpectedly', error);
      result = this.toSpool(batch, stats);
    }
    if (result.code !== 'failed' && result.code !== 'refused' && this.held.size > 0) {
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

  /**
   * Stops the replay. While the server answers, it gets up to `timeoutMs` to write what is in
   * flight and empty the spool (it stops at the first failure); then whatever is still in
   * flight is spooled and the rest of the spool waits for the next start. The process is kept
   * alive meanwhile, at most `timeoutMs`. Never rejects.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    if (this.writer.isDown) this.replayer?.stop();
    else this.replayer?.requestClose();
    this.retrying?.stop();
    // A referenced timer: it also keeps the process alive while the close runs, since the
    // driver's handles may be released when idle.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    const work = Promise.allSettled([this.replayer?.finished(), this.inFlight.idle()]);
    await Promise.race([work, deadline]);
    clearTimeout(timer);
    this.abort();
  }

  /**
   * Gives up at once, synchronously: batches in flight, held documents and the unfinished
   * part of a segment being replayed go (back) to the spool; the replay stops.
   * Called at process exit and when a bounded shutdown runs out of time.
   */
  abort(): void {
    if (this.closed) return;
    this.retrying?.stop();
    this.guard('errors', 'releasing the segment being replayed', () => this.replayer?.stop());
    this.guard('errors', 'spooling at exit', () => this.spoolUnsettled());
    this.closed = true;
    this.inFlight.clear();
    this.guard('errors', 'closing the spool', () => this.spool?.close());
    this.stopListening();
    this.exitGuard.dispose();
  }

  private plan(batch: SpooledBatch, options: { refuseWhenSpoolFull?: boolean }): Plan {
    return planBatch(
      {
        closed: this.closed,
        spools: this.spool !== undefined,
        serverDown: this.writer.isDown,
        replaying: this.replayer?.active === true,
        spoolFits: (candidate) => this.spoolFits(candidate),
      },
      batch,
      options,
    );
  }

  private async deliverPlanned(
    batch: SpooledBatch,
    stats: StatsCounter,
    plan: Plan,
  ): Promise<DeliveryResult> {
    switch (plan) {
      case 'closed':
        return this.fail(batch, stats, 'the exporter is shut down', 'closed');
      case 'refuse':
        return { code: 'refused', reason: 'the database is unreachable and the spool is full' };
      case 'spool':
        return this.toSpool(batch, stats);
      case 'write':
        return this.write(batch, stats);
    }
  }

  private write(batch: SpooledBatch, stats: StatsCounter): Promise<DeliveryResult> {
    return this.inFlight.run(batch, stats, (entry) => this.writeInFlight(entry));
  }

  private async writeInFlight(entry: InFlightBatch): Promise<DeliveryResult> {
    const { batch, stats } = entry;
    try {
      const outcome: WriteOutcome = this.retrying
        ? await this.retrying.write(batch, stats)
        : await writeBatch(this.writer, batch);
      this.notice.reachable();
      return this.inFlight.settle(entry, () => {
        stats.add('written', outcome.written);
        stats.add('rejected', outcome.rejected);
        return { code: 'written' };
      });
    } catch (error) {
      return this.inFlight.settle(entry, () => this.afterFailure(batch, stats, error));
    }
  }

  private afterFailure(batch: SpooledBatch, stats: StatsCounter, error: unknown): DeliveryResult {
    const reason = this.writer.describe(error);
    if (!isTransient(error)) return this.fail(batch, stats, 'a retry cannot fix this', reason, error);
    if (!this.spool) return this.fail(batch, stats, 'the spool is off', reason, error);
    this.notice.unreachable(reason, `spooling ${batch.kind} documents to disk until it answers`);
    return this.toSpool(batch, stats);
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
      this.replayer?.start();
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

  /** At exit or abort: in-flight batches and held documents go to the spool, each counted once. */
  private spoolUnsettled(): void {
    if (!this.spool) return;
    const pending: InFlightBatch[] = this.inFlight.takeUnsettled();
    const pendingIds = new Set(pending.flatMap((entry) => entry.batch.documents.map((d) => d._id)));
    for (const { kind, document } of this.held.values()) {
      if (pendingIds.has(document._id)) continue;
      const stats = this.spoolStats(kind);
      pending.push({ batch: { kind, operation: 'insert', documents: [document] }, stats, settled: true });
      // A held document was never counted as accepted: it is a copy of one in a queue.
      stats.add('accepted', 1);
    }
    this.held.clear();
    for (const entry of pending) this.toSpool(entry.batch, entry.stats);
  }

  private newReplayer(spool: DiskSpool): Replayer {
    return new Replayer({
      spool,
      writer: this.writer,
      notice: this.notice,
      stats: (kind) => this.spoolStats(kind),
      dropped: (kind, documents, reason) => this.noteDropped(kind, documents, reason),
      drained: () => {
        if (this.droppedInEpisode !== undefined)
          log.info(`spool drained; ${this.droppedInEpisode} spooled document(s) were dropped before it did`);
        this.droppedInEpisode = undefined;
      },
    });
  }

  /** Counts documents dropped from the spool; says so once per episode (until the spool is empty). */
  private noteDropped(kind: CollectionKind, documents: number, reason: string): void {
    this.spoolStats(kind).add('dropped', documents);
    if (this.droppedInEpisode === undefined) {
      log.warn(
        `dropping spooled data: ${reason}; ${documents} document(s) lost (later drops until the spool is empty are counted in stats, not printed)`,
      );
    }
    this.droppedInEpisode = (this.droppedInEpisode ?? 0) + documents;
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
