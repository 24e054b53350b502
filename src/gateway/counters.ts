import type { ExporterStats } from '../foundation/stats';

/** What the gateway has done since it started, as `GET /stats` shows it. */
export interface GatewayCounters {
  /** Responses by HTTP status code. */
  requests: Record<string, number>;
  /** Records and data points received in requests that were decoded and authorised. */
  records: {
    /** Log records and data points in accepted requests. */
    received: number;
    /** Log records below the remote level and not audit events: answered 200, not stored. */
    filtered: number;
    /** Log records and data points refused in a `partial_success` (unmappable, or summaries). */
    rejected: number;
  };
  /** What the requests not yet answered hold now (bounded by `maxPendingRecords` and `maxPendingBytes`). */
  pending: { records: number; bodyBytes: number };
  /** What the storage pipeline did with the documents: the exporters' own counters. */
  storage: ExporterStats;
}

export class GatewayCounter {
  private readonly requests = new Map<number, number>();
  readonly records = { received: 0, filtered: 0, rejected: 0 };

  response(status: number): void {
    this.requests.set(status, (this.requests.get(status) ?? 0) + 1);
  }

  snapshot(storage: ExporterStats, pending: GatewayCounters['pending']): GatewayCounters {
    const requests: Record<string, number> = {};
    for (const [status, count] of [...this.requests].sort((a, b) => a[0] - b[0])) requests[status] = count;
    return { requests, records: { ...this.records }, pending, storage };
  }
}
