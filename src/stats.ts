/** Counts of what an exporter did with the records it was given, since it was created. */
export interface ExporterStats {
  /** Documents confirmed stored (a duplicate `_id` from a repeated write counts as stored). */
  written: number;
  /** Records not meant for MongoDB: below the threshold, or not an audit event. */
  filtered: number;
  /** Records lost: the write failed for good, or could not be spooled; the export reported FAILED. */
  failed: number;
  /** Documents the server refused for good (validation, size). */
  rejected: number;
  /** Values changed to be storable (keys encoded, cycles cut, strings truncated...). */
  sanitized: number;
  /** Documents in write attempts that failed transiently and were tried again. */
  retried: number;
  /** Documents appended to the disk spool because the server could not take them in time. */
  spooled: number;
  /** Spooled documents later stored in MongoDB. */
  replayed: number;
  /** Documents lost because the spool was full (oldest first) or a spool line was unreadable. */
  dropped: number;
  /**
   * Error occurrences the storm guard folded into a summary document instead of writing them
   * one by one; each summary's `ocorrencias` says how many it stands for (the summary itself
   * counts as `written`).
   */
  suppressed: number;
}

export type StatName = keyof ExporterStats;

/** All counts at zero. */
export function zeroStats(): ExporterStats {
  return {
    written: 0,
    filtered: 0,
    failed: 0,
    rejected: 0,
    sanitized: 0,
    retried: 0,
    spooled: 0,
    replayed: 0,
    dropped: 0,
    suppressed: 0,
  };
}

export const STAT_NAMES: readonly StatName[] = Object.freeze(Object.keys(zeroStats()) as StatName[]);

export class StatsCounter {
  private readonly counts: ExporterStats = zeroStats();

  add(name: StatName, amount: number): void {
    this.counts[name] += amount;
  }

  snapshot(): ExporterStats {
    return { ...this.counts };
  }
}
