/** Counts of what an exporter did with the records it was given, since it was created. */
export interface ExporterStats {
  /** Documents confirmed stored (a duplicate `_id` from a repeated write counts as stored). */
  written: number;
  /** Records not meant for MongoDB: below the threshold, or not an audit event. */
  filtered: number;
  /** Records whose write failed; the export reported FAILED for them. */
  failed: number;
  /** Documents the server refused for good (validation, size). */
  rejected: number;
  /** Values changed to be storable (keys encoded, cycles cut, strings truncated...). */
  sanitized: number;
}

export type StatName = keyof ExporterStats;

export class StatsCounter {
  private readonly counts: ExporterStats = { written: 0, filtered: 0, failed: 0, rejected: 0, sanitized: 0 };

  add(name: StatName, amount: number): void {
    this.counts[name] += amount;
  }

  snapshot(): ExporterStats {
    return { ...this.counts };
  }
}
