import { componentLogger } from '../foundation/diag';
import { InFlight } from '../foundation/in-flight';
import { LogPipeline } from '../pipeline/log-pipeline';
import type { ResolvedOptions } from '../shared-options/shared-options';
import type { GatewayCounter } from './counters';
import type { ReceivedResourceLogs } from './otlp-logs';
import type { GatewayStorage } from './storage';

const log = componentLogger('gateway');

/** What became of a request's records: how many were refused, and why (for `partial_success`). */
export interface SinkResult {
  rejected: number;
  message: string;
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

  async store(groups: readonly ReceivedResourceLogs[]): Promise<SinkResult> {
    const batch = this.pipeline.mapGroups(groups);
    const rejected = batch.failures.length;
    this.counter.records.filtered += batch.filtered;
    this.counter.records.rejected += rejected;
    this.storage.stats.add('suppressed', batch.suppressed);
    this.storage.stats.add('filtered', batch.filtered);
    if (batch.report.count > 0) {
      this.storage.stats.add('sanitized', batch.report.count);
      log.debug(`made ${batch.report.count} received value(s) storable: ${batch.report.toString()}`);
    }
    await Promise.all([
      this.storage.store('errors', 'insert', batch.errors),
      this.storage.store('audit', 'insert', batch.audit),
    ]);
    return { rejected, message: rejected > 0 ? failureMessage(batch.failures[0]).slice(0, 500) : '' };
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
