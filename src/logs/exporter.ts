import { type ExportResult, ExportResultCode, millisToHrTime } from '@opentelemetry/core';
import { emptyResource, type Resource } from '@opentelemetry/resources';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { acquireDestination, type DestinationLease } from '../delivery/destination';
import {
  ABORT,
  EMIT_CAPTURE,
  HOLD_CRASH_RECORD,
  KNOWN_DOWN,
  SPILL,
  SYNC_SPILLED,
} from '../foundation/internal-symbols';
import { resourceFields } from '../document/resource-fields';
import { componentLogger } from '../foundation/diag';
import { type ExporterStats, StatsCounter } from '../foundation/stats';
import type { IdentifiedDocument } from '../storage/mongo-writer';
import { type CrashRecord, type CrashSink, registerCrashSink, unregisterCrashSink } from './crash-sinks';
import { EmitCapture } from './emit-capture';
import { currentSessionRegistry } from '../resource/session';
import { LogPipeline } from '../pipeline/log-pipeline';
import type { StormGuardSinks } from '../pipeline/storm-guard';
import { runExport } from '../foundation/export-result';
import { InFlight } from '../foundation/in-flight';
import type { MongoExporterOptions, ResolvedOptions } from '../shared-options/shared-options';
import { resolveOptions } from '../shared-options/shared-options';

const log = componentLogger('log-exporter');
/** Records mapped, serialized and appended to the spool at a time when the processor spills. */
const SPILL_SLICE = 512;

interface MappedBatch {
  errors: IdentifiedDocument[];
  audit: IdentifiedDocument[];
}

/**
 * A `LogRecordExporter` that stores error records in `errors` and audit events in
 * `audit`. Use it in a `MongoBatchLogRecordProcessor`, which spills to the disk spool
 * instead of dropping when its queue is full (the SDK's `BatchLogRecordProcessor` works too,
 * but drops silently beyond its `maxQueueSize`).
 *
 * `export()` never throws and calls back exactly once; `forceFlush()` waits for the
 * writes in flight; `shutdown()` flushes, then closes the client if the exporter made it.
 */
export class MongoLogRecordExporter implements LogRecordExporter, CrashSink {
  private readonly options: ResolvedOptions;
  private readonly stats = new StatsCounter();
  private readonly destination: DestinationLease;
  private readonly inFlight = new InFlight();
  private shutdownPromise: Promise<void> | undefined;
  private lastResource: Resource | undefined;
  private readonly pipeline: LogPipeline;
  /** Summaries stand for occurrences already counted as `suppressed`: their writes are counted apart. */
  private readonly summaryStats = new StatsCounter();
  /** Run by `MongoBatchLogRecordProcessor` when a record is emitted. */
  readonly [EMIT_CAPTURE]: EmitCapture;

  constructor(options: MongoExporterOptions = {}) {
    this.options = resolveOptions(options);
    // Records are joined to the session they were emitted in: the registry this exporter follows.
    const sessions = currentSessionRegistry();
    const localSession = () => sessions.peek()?.id;
    this[EMIT_CAPTURE] = new EmitCapture(this.options, localSession);
    this.destination = acquireDestination(this.options, ['errors', 'audit'], this.stats);
    this.pipeline = new LogPipeline(this.options, { log, stormSinks: this.stormSinks(), localSession });
    registerCrashSink(this);
  }

  /** Whether the last contact with the server succeeded. */
  get isConnected(): boolean {
    return this.destination.writer.isConnected;
  }

  /** What the exporter has done so far. */
  getStats(): ExporterStats {
    return this.stats.snapshot();
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const call = { exporter: 'MongoLogRecordExporter', log, shutDown: this.shutdownPromise !== undefined };
    const exported = runExport(call, resultCallback, () => {
      this.stats.add('accepted', records.length);
      return this.write(this.map(records));
    });
    this.inFlight.track(exported);
  }

  async forceFlush(): Promise<void> {
    await this.inFlight.settled();
  }

  /**
   * The log record processor's spill: maps `records` and appends them to the spool at once,
   * synchronously, without trying the server. False (nothing done) when the spool is off.
   */
  [SPILL](records: readonly ReadableLogRecord[], options: { gather?: boolean } = {}): boolean {
    const delivery = this.destination.delivery;
    if (!delivery.spools || this.shutdownPromise) return false;
    // In slices: a whole queue mapped and serialized at once stays alive long enough to be
    // promoted to V8's old space, which then grows (RSS) until a full collection.
    for (let start = 0; start < records.length; start += SPILL_SLICE) {
      const slice = records.slice(start, start + SPILL_SLICE);
      try {
        this.stats.add('accepted', slice.length);
        const batch = this.map(slice);
        for (const kind of ['errors', 'audit'] as const)
          delivery.spill(kind, batch[kind], this.stats, options);
      } catch (error) {
        this.stats.add('internalErrors', 1);
        log.error('spilling records to the spool failed unexpectedly', error);
      }
    }
    if (options.gather !== true) delivery.syncSpill();
    return true;
  }

  /** Writes and syncs to disk what was spilled with `gather`. */
  [SYNC_SPILLED](): void {
    this.destination.delivery.syncSpill();
  }

  /** Whether the server is known to be unreachable: new batches go to the spool. */
  [KNOWN_DOWN](): boolean {
    return this.destination.delivery.spools && this.destination.writer.isDown;
  }

  /** Bounded shutdown ran out of time: what is in flight goes to the spool now. */
  [ABORT](): void {
    this.destination.abort();
  }

  /**
   * Called by the error reporter when the process is about to die: the crash record may not
   * reach `export()` in time, so its document is kept and spooled at exit unless a batch
   * delivers it first.
   */
  [HOLD_CRASH_RECORD](crash: CrashRecord): void {
    if (this.shutdownPromise) return;
    try {
      const record = crashAsLogRecord(crash, this.lastResource ?? emptyResource());
      const document = this.pipeline.errorDocumentOf(record, resourceFields(record.resource));
      if (document) this.destination.delivery.hold('errors', document);
    } catch (error) {
      log.error('cannot keep the crash record for the exit spool', error);
    }
  }

  shutdown(): Promise<void> {
    unregisterCrashSink(this);
    this.shutdownPromise ??= this.forceFlush()
      .then(() => {
        this.pipeline.close();
        return this.forceFlush();
      })
      .then(() => this.destination.release());
    return this.shutdownPromise;
  }

  private map(records: readonly ReadableLogRecord[]): MappedBatch {
    const batch = this.pipeline.map(records);
    if (records.length > 0) this.lastResource = records[records.length - 1]!.resource;
    // A record the mapping cannot read at all is reported and counted, never fatal to the batch.
    for (const error of batch.failures) log.error(`cannot map a log record to a document; dropped`, error);
    this.stats.add('failed', batch.failures.length);
    this.stats.add('suppressed', batch.suppressed);
    this.stats.add('filtered', batch.filtered);
    if (batch.report.count > 0) {
      this.stats.add('sanitized', batch.report.count);
      log.warn(`made ${batch.report.count} value(s) storable: ${batch.report.toString()}`);
    }
    return batch;
  }

  /** Summaries go out as their own insert, tracked like an export so that shutdown waits for them. */
  private stormSinks(): StormGuardSinks {
    return {
      summary: (document) => {
        const write = this.write({ errors: [document], audit: [] }, this.summaryStats).then(
          (result) => {
            if (result.code === ExportResultCode.FAILED) {
              log.error(`a storm summary standing for ${document.ocorrencias} occurrence(s) was not written`);
            }
          },
          (error: unknown) => log.error('cannot write a storm summary', error),
        );
        this.inFlight.track(write);
      },
      pending: (document) => this.destination.delivery.hold('errors', document),
      failed: (error) => log.error('cannot write a storm summary', error),
    };
  }

  private async write(batch: MappedBatch, stats: StatsCounter = this.stats): Promise<ExportResult> {
    const kinds = (['errors', 'audit'] as const).filter((kind) => batch[kind].length > 0);
    const results = await Promise.all(
      kinds.map((kind) => this.destination.delivery.deliver(kind, 'insert', batch[kind], stats)),
    );
    const failure = results.find((result) => result.code === 'failed');
    return failure
      ? { code: ExportResultCode.FAILED, error: failure.error }
      : { code: ExportResultCode.SUCCESS };
  }
}

/** The reporter's crash record in the shape the mapping reads. */
function crashAsLogRecord(crash: CrashRecord, resource: Resource): ReadableLogRecord {
  const time = millisToHrTime(crash.time.getTime());
  return {
    hrTime: time,
    hrTimeObserved: time,
    severityNumber: crash.severityNumber,
    severityText: crash.severityText,
    body: crash.body,
    attributes: crash.attributes,
    instrumentationScope: { name: crash.loggerName },
    resource,
    droppedAttributesCount: 0,
  };
}
