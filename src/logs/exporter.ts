import { type ExportResult, ExportResultCode, millisToHrTime } from '@opentelemetry/core';
import { emptyResource, type Resource } from '@opentelemetry/resources';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { Delivery } from '../delivery/delivery';
import { SanitizeReport } from '../document/bson-safe';
import { createIdSource, createRecordIdSource } from '../document/id';
import { resourceFields } from '../document/resource-fields';
import { componentLogger } from '../diag';
import { LifecycleError } from '../errors';
import { resolveOptions } from '../options';
import { type ExporterStats, StatsCounter } from '../stats';
import { type IdentifiedDocument, MongoWriter } from '../storage/mongo-writer';
import type { MongoExporterOptions, ResolvedOptions } from '../types';
import { type CrashRecord, type CrashSink, registerCrashSink, unregisterCrashSink } from './crash-sinks';
import { applyBeforeSend } from './before-send';
import { routeOf } from './route';
import { mapLogRecord } from './map-record';
import { StormGuard, type StormGuardSinks } from './storm-guard';
import type { ErrorDocument, MappingContext } from './transform';
import { callOnce, failed } from '../export-result';

const log = componentLogger('log-exporter');

interface MappedBatch {
  errors: IdentifiedDocument[];
  audit: IdentifiedDocument[];
}

/**
 * A `LogRecordExporter` that stores error records in `errors` and audit events in
 * `audit`. Use it in a `BatchLogRecordProcessor`.
 *
 * `export()` never throws and calls back exactly once; `forceFlush()` waits for the
 * writes in flight; `shutdown()` flushes, then closes the client if the exporter made it.
 */
export class MongoLogRecordExporter implements LogRecordExporter, CrashSink {
  private readonly options: ResolvedOptions;
  private readonly writer: MongoWriter;
  private readonly delivery: Delivery;
  private readonly stats = new StatsCounter();
  private readonly nextId = createIdSource();
  private readonly idOf = createRecordIdSource(this.nextId);
  private readonly inFlight = new Set<Promise<void>>();
  private shutdownPromise: Promise<void> | undefined;
  private lastResource: Resource | undefined;
  private readonly stormGuard: StormGuard | undefined;

  constructor(options: MongoExporterOptions = {}) {
    this.options = resolveOptions(options);
    this.writer = new MongoWriter(this.options);
    this.delivery = new Delivery({ writer: this.writer, stats: this.stats, ...this.options });
    this.stormGuard = this.options.stormGuard && new StormGuard(this.options.stormGuard, this.stormSinks());
    registerCrashSink(this);
  }

  /** Whether the last contact with the server succeeded. */
  get isConnected(): boolean {
    return this.writer.isConnected;
  }

  /** What the exporter has done so far. */
  getStats(): ExporterStats {
    return this.stats.snapshot();
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const finish = callOnce(resultCallback, log);
    if (this.shutdownPromise) {
      finish({
        code: ExportResultCode.FAILED,
        error: new LifecycleError('MongoLogRecordExporter is shut down'),
      });
      return;
    }
    try {
      const write = this.write(this.map(records)).then(finish, (error: unknown) => {
        log.error('export failed unexpectedly', error);
        finish(failed(error));
      });
      this.inFlight.add(write);
      void write.finally(() => this.inFlight.delete(write));
    } catch (error) {
      log.error('export failed unexpectedly', error);
      finish(failed(error));
    }
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Called by the error reporter when the process is about to die: the crash record may not
   * reach `export()` in time, so its document is kept and spooled at exit unless a batch
   * delivers it first. Not for applications to call.
   */
  holdCrashRecord(crash: CrashRecord): void {
    if (this.shutdownPromise) return;
    try {
      const record = crashAsLogRecord(crash, this.lastResource ?? emptyResource());
      if (routeOf(record, this.options.remoteSeverity) !== 'errors') return;
      const report = new SanitizeReport();
      const mapped = mapLogRecord(record, 'errors', {
        id: this.nextId(),
        fields: resourceFields(record.resource),
        report,
        limits: this.options.sanitizeLimits,
        appRoots: this.options.appRoots,
      }) as ErrorDocument;
      const { beforeSend } = this.options;
      const document = beforeSend ? applyBeforeSend(beforeSend, mapped, 'errors', log) : mapped;
      if (document) this.delivery.hold('errors', document);
    } catch (error) {
      log.error('cannot keep the crash record for the exit spool', error);
    }
  }

  shutdown(): Promise<void> {
    unregisterCrashSink(this);
    this.shutdownPromise ??= this.forceFlush()
      .then(() => {
        this.stormGuard?.close();
        return this.forceFlush();
      })
      .then(() => this.delivery.close())
      .then(() => this.writer.close());
    return this.shutdownPromise;
  }

  private map(records: readonly ReadableLogRecord[]): MappedBatch {
    const batch: MappedBatch = { errors: [], audit: [] };
    const report = new SanitizeReport();
    let filtered = 0;
    for (const record of records) {
      this.lastResource = record.resource;
      const route = routeOf(record, this.options.remoteSeverity);
      if (route === 'filtered') {
        filtered++;
        continue;
      }
      const context: MappingContext = {
        id: this.idOf(record),
        fields: resourceFields(record.resource),
        report,
        limits: this.options.sanitizeLimits,
        appRoots: this.options.appRoots,
      };
      try {
        const mapped = mapLogRecord(record, route, context);
        const document = this.options.beforeSend
          ? applyBeforeSend(this.options.beforeSend, mapped, route, log)
          : mapped;
        if (!document) filtered++;
        else if (route === 'audit' || !this.stormGuard || this.stormGuard.admit(document as ErrorDocument))
          batch[route].push(document);
        else this.stats.add('suppressed', 1);
      } catch (error) {
        // A record the mapping cannot read at all is reported and counted, never fatal to the batch.
        this.stats.add('failed', 1);
        log.error(`cannot map a log record to a document; dropped`, error);
      }
    }
    this.stats.add('filtered', filtered);
    if (report.count > 0) {
      this.stats.add('sanitized', report.count);
      log.warn(`made ${report.count} value(s) storable: ${report.toString()}`);
    }
    return batch;
  }

  /** Summaries go out as their own insert, tracked like an export so that shutdown waits for them. */
  private stormSinks(): StormGuardSinks {
    return {
      summary: (document) => {
        const write = this.write({ errors: [document], audit: [] }).then(
          () => undefined,
          (error: unknown) => log.error('cannot write a storm summary', error),
        );
        this.inFlight.add(write);
        void write.finally(() => this.inFlight.delete(write));
      },
      pending: (document) => this.delivery.hold('errors', document),
      failed: (error) => log.error('cannot write a storm summary', error),
    };
  }

  private async write(batch: MappedBatch): Promise<ExportResult> {
    const kinds = (['errors', 'audit'] as const).filter((kind) => batch[kind].length > 0);
    const results = await Promise.all(
      kinds.map((kind) => this.delivery.deliver(kind, 'insert', batch[kind])),
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
