import { SanitizeReport } from '../document/bson-safe';
import { componentLogger } from '../diag';
import { mapLogRecord } from '../logs/map-record';
import { routeOf } from '../logs/route';
import type { IdentifiedDocument } from '../storage/mongo-writer';
import type { ResolvedOptions } from '../types';
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
 * Maps received log records with the in-process exporter's mapping (routing, sanitising,
 * shrinking) and stores them through the same delivery. Each document's `_id` is the record's
 * content id, so a client's retry of the same records stores nothing twice.
 */
export async function storeLogs(
  groups: readonly ReceivedResourceLogs[],
  options: ResolvedOptions,
  storage: GatewayStorage,
  counter: GatewayCounter,
): Promise<SinkResult> {
  const errors: IdentifiedDocument[] = [];
  const audit: IdentifiedDocument[] = [];
  const report = new SanitizeReport();
  let rejected = 0;
  let filtered = 0;
  let firstFailure = '';
  for (const group of groups) {
    for (const { record, id } of group.records) {
      const route = routeOf(record, options.remoteSeverity);
      if (route === 'filtered') {
        filtered++;
        continue;
      }
      try {
        const document = mapLogRecord(record, route, {
          id,
          fields: group.fields,
          report,
          limits: options.sanitizeLimits,
          appRoots: options.appRoots,
        });
        (route === 'audit' ? audit : errors).push(document);
      } catch (error) {
        rejected++;
        firstFailure ||= `cannot map a log record: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
  counter.records.filtered += filtered;
  counter.records.rejected += rejected;
  storage.stats.add('filtered', filtered);
  if (report.count > 0) {
    storage.stats.add('sanitized', report.count);
    log.debug(`made ${report.count} received value(s) storable: ${report.toString()}`);
  }
  await Promise.all([storage.store('errors', 'insert', errors), storage.store('audit', 'insert', audit)]);
  return { rejected, message: rejected > 0 ? firstFailure.slice(0, 500) : '' };
}
