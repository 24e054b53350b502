import type { Context } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type {
  BatchLogRecordProcessorOptions,
  LogRecordExporter,
  LogRecordProcessor,
  ReadableLogRecord,
  ReadWriteLogRecord,
} from '@opentelemetry/sdk-logs';
import { componentLogger } from '../foundation/diag';
import { ABORT, EMIT_CAPTURE, KNOWN_DOWN, SPILL, SYNC_SPILLED } from '../foundation/internal-symbols';
import { defaultsOf, type OptionTable, resolveTable } from '../options/descriptor';
import { type ExporterStats, StatsCounter, sumStats } from '../foundation/stats';
import { positiveInteger } from '../options/validators';

const log = componentLogger('batch-processor');

/** The processor's options besides `exporter`: the SDK's `BatchLogRecordProcessor` ones, with its defaults. */
const BATCH_PROCESSOR_OPTIONS = {
  maxExportBatchSize: { default: 512, transform: positiveInteger },
  /** A burst beyond the queue is spilled to the spool, not dropped. */
  maxQueueSize: { default: 2048, transform: positiveInteger },
  scheduledDelayMillis: { default: 1000, transform: positiveInteger },
  exportTimeoutMillis: { default: 30_000, transform: positiveInteger },
} satisfies OptionTable<
  Pick<
    BatchLogRecordProcessorOptions,
    'maxExportBatchSize' | 'maxQueueSize' | 'scheduledDelayMillis' | 'exportTimeoutMillis'
  >
>;

export const BATCH_PROCESSOR_DEFAULTS = defaultsOf(BATCH_PROCESSOR_OPTIONS);

/** What the processor uses of the package's exporters, beyond `LogRecordExporter`. */
interface SpillingExporter extends LogRecordExporter {
  [SPILL]?(records: readonly ReadableLogRecord[], options?: { gather?: boolean }): boolean;
  [SYNC_SPILLED]?(): void;
  [ABORT]?(): void;
  [KNOWN_DOWN]?(): boolean;
  readonly [EMIT_CAPTURE]?: { onEmit(record: ReadWriteLogRecord): void };
  getStats?(): ExporterStats;
}

/**
 * A drop-in for the SDK's `BatchLogRecordProcessor` (same options, same defaults) that never
 * drops a record silently. Records wait in a bounded in-memory queue and are exported in
 * batches, one export at a time. When the queue is full, the whole queue is handed to the
 * exporter's disk spool at once, synchronously (mapped and serialized as one chunk; the
 * network is never waited on), so a burst costs disk writes instead of records, and memory
 * stays bounded: if the disk falls behind, `emit()` waits on the synchronous write.
 * A batch's worth of records is spilled without waiting for the queue to fill when it waits
 * behind an export that has run for `scheduledDelayMillis` or more. While the server is known
 * to be unreachable, each record is spilled as it is emitted, and synced to disk once per
 * `maxQueueSize` records or `scheduledDelayMillis`: it would go to the spool anyway, and
 * records that wait in memory outlive V8's young generation, which then grows (RSS).
 *
 * With `MongoLogRecordExporter` and its spool on, a record is lost only when the spool is full
 * (`spoolMaxBytes`, oldest first) or unusable. With any other exporter (or the spool off), a
 * record arriving at a full queue is lost like in the SDK, but counted (`failed`) and warned
 * about once per episode. When the process is about to end by itself ('beforeExit'), what is
 * queued is exported; at process exit, records still queued go to the spool.
 */
export class MongoBatchLogRecordProcessor implements LogRecordProcessor {
  private readonly exporter: SpillingExporter;
  private readonly capture: SpillingExporter[typeof EMIT_CAPTURE];
  private readonly maxExportBatchSize: number;
  private readonly maxQueueSize: number;
  private readonly scheduledDelayMillis: number;
  private readonly exportTimeoutMillis: number;
  /** Records lost here, before reaching the exporter: only without a spool to spill to. */
  private readonly lost = new StatsCounter();
  private queue: ReadWriteLogRecord[] = [];
  private exporting: Promise<void> | undefined;
  /** When the export in flight started (`Date.now()`). */
  private exportStartedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private lossEpisode = false;
  /** Records spilled and not yet synced to disk, and the timer that syncs them. */
  private unsynced = 0;
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly spillOnExit = () => {
    this.spillQueue('at exit');
    this.syncSpilled();
  };
  /**
   * The application's work is done and nothing keeps the process alive: what is queued is
   * exported now, instead of waiting for a timer that does not hold the process (the SDK's
   * processor loses it there). The export's own write holds the process while it runs; when the
   * queue is empty this does nothing, so the process then ends.
   */
  private readonly flushAtNaturalEnd = () => {
    if (this.shutdownPromise || (this.queue.length === 0 && this.unsynced === 0)) return;
    void this.flushAll();
  };

  constructor(options: BatchLogRecordProcessorOptions) {
    this.exporter = options.exporter;
    // The trail and call site of `errors` documents must be captured while the record is emitted.
    this.capture = this.exporter[EMIT_CAPTURE];
    const resolved = resolveTable(BATCH_PROCESSOR_OPTIONS, options);
    this.maxQueueSize = resolved.maxQueueSize;
    this.maxExportBatchSize = Math.min(resolved.maxExportBatchSize, this.maxQueueSize);
    this.scheduledDelayMillis = resolved.scheduledDelayMillis;
    this.exportTimeoutMillis = resolved.exportTimeoutMillis;
    process.on('exit', this.spillOnExit);
    process.on('beforeExit', this.flushAtNaturalEnd);
  }

  /**
   * The exporter's stats (one shape for every exporter of the package), plus the records
   * this processor lost for want of a spool.
   */
  getStats(): ExporterStats {
    const own = this.lost.snapshot();
    return this.exporter.getStats ? sumStats([this.exporter.getStats(), own]) : own;
  }

  onEmit(logRecord: ReadWriteLogRecord, _context?: Context): void {
    if (this.shutdownPromise) return;
    // Per-record work at emit time belongs here, before the record is queued; it runs on the
    // application's thread, so keep it cheap (whole-batch work is done at export or spill).
    this.capture?.onEmit(logRecord);
    if (this.queue.length >= this.maxQueueSize && !this.spillQueue('queue full')) {
      this.noteLost(1);
      return;
    }
    this.queue.push(logRecord);
    const waiting = this.queue.length;
    if (this.knownDown() && this.spillQueue('server down', true)) {
      this.noteUnsynced(waiting);
      return;
    }
    const behind = this.exporting && this.queue.length >= this.maxExportBatchSize && this.exporterBehind();
    if (!behind || !this.spillQueue('the exporter is behind')) this.schedule();
  }

  forceFlush(): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    return this.flushAll();
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      this.clearTimer();
      process.removeListener('beforeExit', this.flushAtNaturalEnd);
      await this.flushAll();
      process.removeListener('exit', this.spillOnExit);
      await this.exporter.shutdown();
    })();
    return this.shutdownPromise;
  }

  /** Bounded shutdown ran out of time: queued records go to the spool, the exporter gives up. */
  [ABORT](): void {
    this.clearTimer();
    this.spillQueue('shutdown timed out');
    this.syncSpilled();
    process.removeListener('exit', this.spillOnExit);
    process.removeListener('beforeExit', this.flushAtNaturalEnd);
    try {
      this.exporter[ABORT]?.();
    } catch (error) {
      log.error('aborting the exporter failed', error);
    }
  }

  /**
   * Hands every queued record to the exporter's spool (`gather`: a record at a time, gathered
   * into lines and written by `syncSpilled`). False (queue kept) when the exporter cannot spool. Synchronous: it also runs
   * in an 'exit' handler.
   */
  private spillQueue(why: string, gather = false): boolean {
    if (this.queue.length === 0) return true;
    const spill = this.exporter[SPILL];
    if (!spill) return false;
    const records = this.queue;
    this.queue = [];
    try {
      if (spill.call(this.exporter, records, { gather })) return true;
    } catch (error) {
      log.error(`spilling ${records.length} record(s) (${why}) failed`, error);
      this.noteLost(records.length);
      return true;
    }
    this.queue = records;
    return false;
  }

  /** Counts records spilled without a sync: synced once per `maxQueueSize`, or after the delay. */
  private noteUnsynced(records: number): void {
    this.unsynced += records;
    if (this.unsynced >= this.maxQueueSize) this.syncSpilled();
    else if (!this.syncTimer) {
      this.syncTimer = setTimeout(() => this.syncSpilled(), this.scheduledDelayMillis);
      this.syncTimer.unref();
    }
  }

  private syncSpilled(): void {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.unsynced === 0) return;
    this.unsynced = 0;
    try {
      this.exporter[SYNC_SPILLED]?.();
    } catch (error) {
      log.error('syncing spilled records to disk failed', error);
    }
  }

  /** Whether the exporter's server is known to be unreachable (false when it cannot tell). */
  private knownDown(): boolean {
    try {
      return this.exporter[KNOWN_DOWN]?.() === true;
    } catch (error) {
      log.error('asking the exporter whether its server is down failed', error);
      return false;
    }
  }

  /** The export in flight has run for a while. */
  private exporterBehind(): boolean {
    return Date.now() - this.exportStartedAt >= this.scheduledDelayMillis;
  }

  private noteLost(records: number): void {
    this.lost.add('accepted', records);
    this.lost.add('failed', records);
    if (!this.lossEpisode) {
      log.warn(
        `queue full (maxQueueSize ${this.maxQueueSize}) and no spool to spill to: records are being lost (counted as failed)`,
      );
    }
    this.lossEpisode = true;
  }

  private schedule(): void {
    if (this.exporting || this.queue.length === 0) return;
    if (this.queue.length >= this.maxExportBatchSize) {
      this.clearTimer();
      this.exportBatch();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.exporting) this.exportBatch();
    }, this.scheduledDelayMillis);
    this.timer.unref();
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Starts exporting one batch from the head of the queue. */
  private exportBatch(): void {
    const batch =
      this.queue.length <= this.maxExportBatchSize
        ? this.queue.splice(0)
        : this.queue.splice(0, this.maxExportBatchSize);
    if (batch.length === 0) return;
    this.lossEpisode = false;
    this.exportStartedAt = Date.now();
    this.exporting = this.exportOnce(batch).finally(() => {
      this.exporting = undefined;
      if (!this.shutdownPromise) this.schedule();
    });
  }

  private exportOnce(batch: ReadWriteLogRecord[]): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        log.warn(`an export of ${batch.length} record(s) took longer than ${this.exportTimeoutMillis} ms`);
        resolve();
      }, this.exportTimeoutMillis);
      timer.unref();
      const done = (result: ExportResult) => {
        clearTimeout(timer);
        if (result.code !== ExportResultCode.SUCCESS)
          log.debug(`an export of ${batch.length} record(s) failed`, result.error);
        resolve();
      };
      try {
        this.exporter.export(batch, done);
      } catch (error) {
        log.error('the exporter threw from export()', error);
        done({ code: ExportResultCode.FAILED });
      }
    });
  }

  private async flushAll(): Promise<void> {
    while (this.exporting || this.queue.length > 0) {
      if (this.exporting) await this.exporting;
      else this.exportBatch();
    }
    this.syncSpilled();
    try {
      await this.exporter.forceFlush();
    } catch (error) {
      log.error('the exporter failed to flush', error);
    }
  }
}
