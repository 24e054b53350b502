import { componentLogger } from '../foundation/diag';
import { InFlight } from '../foundation/in-flight';
import { LogPipeline } from '../pipeline/log-pipeline';
import type { ResolvedOptions } from '../shared-options/shared-options';
import type { GatewayCounter } from './counters';
import type { ReceivedResourceLogs } from './otlp-logs';
import type { IdentifiedDocument } from '../storage/mongo-writer';
import type { GatewayStorage } from './storage';

const log = componentLogger('gateway');

/** What became of a request's records: how many were refused, and why (for `partial_success`). */
export interface SinkResult {
  rejected: number;
  message: string;
}

/** One request's documents, mapped and not yet written, and what its answer will say. */
export interface MappedRequest {
  errors: IdentifiedDocument[];
  audit: IdentifiedDocument[];
  result: SinkResult;
}

/**
 * Maps received log records through a `LogPipeline`, as the in-process exporter does (routing,
 * sanitising, shrinking, fingerprint, `beforeSend`, the storm guard) and stores them through
 * the same delivery. What is the gateway's own: each group's resource part comes from the
 * sender's resource, each document's `_id` is the record's content id (so a client's retry
 * stores nothing twice), and the outcome goes to the gateway's counters and to
 * `partial_success`.
 */
export class LogSink {
  private readonly storage: GatewayStorage;
  private readonly counter: GatewayCounter;
  private readonly pipeline: LogPipeline;
  private readonly summaries = new InFlight();

  constructor(options: ResolvedOptions, storage: GatewayStorage, counter: GatewayCounter) {
    this.storage = storage;
    this.counter = counter;
    this.pipeline = new LogPipeline(options, {
      log,
      stormSinks: {
        summary: (document) => {
          const write = storage.store('errors', 'insert', [document]).catch((error: unknown) => {
            log.error('cannot write a storm summary', error);
          });
          this.summaries.track(write);
        },
        failed: (error) => log.error('cannot write a storm summary', error),
      },
    });
  }

  /**
   * Maps the records into the documents to write, counting what was filtered, suppressed,
   * sanitised or refused. Synchronous, so that a caller lets go of the received records (and
   * of the request they came from) before it waits for the write: a pending request then holds
   * only its documents.
   */
  map(groups: readonly ReceivedResourceLogs[]): MappedRequest {
    // Counted as the exporter counts them, so that `accepted = filtered + written + rejected +
    // failed + spooled + suppressed` holds for the gateway too (docs/reliability.md).
    for (const group of groups) this.storage.stats.add('accepted', group.records.length);
    const batch = this.pipeline.mapGroups(groups);
    const rejected = batch.failures.length;
    this.storage.stats.add('failed', rejected);
    this.counter.records.filtered += batch.filtered;
    this.counter.records.rejected += rejected;
    this.storage.stats.add('suppressed', batch.suppressed);
    this.storage.stats.add('filtered', batch.filtered);
    if (batch.report.count > 0) {
      this.storage.stats.add('sanitized', batch.report.count);
      log.debug(`made ${batch.report.count} received value(s) storable: ${batch.report.toString()}`);
    }
    return {
      errors: batch.errors,
      audit: batch.audit,
      result: { rejected, message: rejected > 0 ? failureMessage(batch.failures[0]).slice(0, 500) : '' },
    };
  }

  /** Stores or spools what {@link map} made; settles once both collections' documents are. */
  async write(mapped: MappedRequest): Promise<SinkResult> {
    await Promise.all([
      this.storage.store('errors', 'insert', mapped.errors),
      this.storage.store('audit', 'insert', mapped.audit),
    ]);
    return mapped.result;
  }

  /** Writes the storm guard's open summaries. */
  async close(): Promise<void> {
    this.pipeline.close();
    await this.summaries.settled();
  }
}

/** The first refused record's reason, as `partial_success.error_message` gives it. */
function failureMessage(error: unknown): string {
  return `cannot map a log record: ${error instanceof Error ? error.message : String(error)}`;
}
