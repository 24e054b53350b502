/**
 * Counts of what an exporter (or the log record processor in front of it) did with the
 * records it was given, since it was created. One shape for every exporter of the package.
 * Once everything accepted has left memory (after `forceFlush()` or `shutdown()`):
 * `accepted = filtered + written + rejected + failed + spooled + suppressed`. What was spooled (by any
 * process sharing the spool) later becomes `replayed` or `dropped`. See docs/reliability.md.
 */
export interface ExporterStats {
  /** Records (metrics: session documents) taken in for export. */
  accepted: number;
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
  /** Documents appended to the disk spool because the server could not take them then. */
  spooled: number;
  /** Of `spooled`: documents the log record processor moved to disk (queue full, behind a slow export, server down). */
  spilled: number;
  /** Spooled documents later stored in MongoDB (also those spooled by an earlier process). */
  replayed: number;
  /** Spooled documents lost: the spool was full (oldest first), a line was unreadable, or the server refused them at replay. */
  dropped: number;
  /**
   * Error occurrences the storm guard folded into a summary document instead of writing them
   * one by one; each summary's `ocorrencias` says how many it stands for. The summary
   * documents themselves are not counted here (a summary that cannot be written is reported
   * through diag).
   */
  suppressed: number;
  /** Unexpected failures inside the package's background work, reported through diag, never thrown. */
  internalErrors: number;
}

export type StatName = keyof ExporterStats;

/** All counts at zero. */
export function zeroStats(): ExporterStats {
  return {
    accepted: 0,
    written: 0,
    filtered: 0,
    failed: 0,
    rejected: 0,
    sanitized: 0,
    retried: 0,
    spooled: 0,
    spilled: 0,
    replayed: 0,
    dropped: 0,
    suppressed: 0,
    internalErrors: 0,
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

/** The sum of several stats, field by field. */
export function sumStats(all: readonly ExporterStats[]): ExporterStats {
  const total = zeroStats();
  for (const stats of all) for (const name of STAT_NAMES) total[name] += stats[name];
  return total;
}
