import { SanitizeReport } from '../document/bson-safe';
import { componentLogger } from '../foundation/diag';
import { applyBeforeSend } from '../document/before-send';
import { mapLogRecord } from '../pipeline/map-record';
import { routeOf } from '../pipeline/route';
import { StormGuard } from '../pipeline/storm-guard';
import { newStackFactsMemo } from '../pipeline/transform';
import type { IdentifiedDocument } from '../storage/mongo-writer';
import type { ResolvedOptions } from '../types';
import type { GatewayCounter } from './counters';
import type { ReceivedResourceLogs } from './otlp-logs';
import type { GatewayStorage } from './storage';
import type { ErrorDocument } from '../document/schema';

const log = componentLogger('gateway');

/** What became of a request's records: how many were refused, and why (for `partial_success`). */
export interface SinkResult {
  rejected: number;
  message: string;
}

/**
 * Maps received log records as the in-process exporter does (routing, sanitising, shrinking,
 * fingerprint, `beforeSend`, the storm guard) and stores them through the same delivery. Each
 * document's `_id` is the record's content id, so a client's retry stores nothing twice.
 */
export class LogSink {
  private readonly options: ResolvedOptions;
  private readonly storage: GatewayStorage;
  private readonly counter: GatewayCounter;
  private readonly stormGuard: StormGuard | undefined;
  private readonly summaries = new Set<Promise<void>>();
  private readonly stacks = newStackFactsMemo();

  constructor(options: ResolvedOptions, storage: GatewayStorage, counter: GatewayCounter) {
    this.options = options;
    this.storage = storage;
    this.counter = counter;
    this.stormGuard =
      options.stormGuard &&
      new StormGuard(options.stormGuard, {
        summary: (document) => {
          const write = storage.store('errors', 'insert', [document]).catch((error: unknown) => {
            log.error('cannot write a storm summary', error);
          });
          this.summaries.add(write);
          void write.finally(() => this.summaries.delete(write));
        },
        failed: (error) => log.error('cannot write a storm summary', error),
      });
  }

  async store(groups: readonly ReceivedResourceLogs[]): Promise<SinkResult> {
    const errors: IdentifiedDocument[] = [];
    const audit: IdentifiedDocument[] = [];
    const report = new SanitizeReport();
    let rejected = 0;
    let filtered = 0;
    let firstFailure = '';
    for (const group of groups) {
      for (const { record, id } of group.records) {
        const route = routeOf(record, this.options.remoteSeverity);
        if (route === 'filtered') {
          filtered++;
          continue;
        }
        try {
          const mapped = mapLogRecord(record, route, {
            id,
            fields: group.fields,
            report,
            limits: this.options.sanitizeLimits,
            appRoots: this.options.appRoots,
            stacks: this.stacks,
          });
          const document = this.options.beforeSend
            ? applyBeforeSend(this.options.beforeSend, mapped, route, log)
            : mapped;
          if (!document) filtered++;
          else if (route === 'audit') audit.push(document);
          else if (!this.stormGuard || this.stormGuard.admit(document as ErrorDocument))
            errors.push(document);
          else this.storage.stats.add('suppressed', 1);
        } catch (error) {
          rejected++;
          firstFailure ||= `cannot map a log record: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
    }
    this.counter.records.filtered += filtered;
    this.counter.records.rejected += rejected;
    this.storage.stats.add('filtered', filtered);
    if (report.count > 0) {
      this.storage.stats.add('sanitized', report.count);
      log.debug(`made ${report.count} received value(s) storable: ${report.toString()}`);
    }
    await Promise.all([
      this.storage.store('errors', 'insert', errors),
      this.storage.store('audit', 'insert', audit),
    ]);
    return { rejected, message: rejected > 0 ? firstFailure.slice(0, 500) : '' };
  }

  /** Writes the storm guard's open summaries. */
  async close(): Promise<void> {
    this.stormGuard?.close();
    await Promise.allSettled([...this.summaries]);
  }
}
