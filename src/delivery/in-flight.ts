import { InFlight } from '../foundation/in-flight';
import type { StatsCounter } from '../foundation/stats';
import type { SpooledBatch } from './spool';

/** `written` and `spooled` are successes for the exporter; `failed` means the batch is lost. */
export type DeliveryResult =
  | { code: 'written' | 'spooled' }
  | { code: 'failed'; error: Error }
  /** Not taken, nothing counted: the caller may offer it again later (the gateway's 503). */
  | { code: 'refused'; reason: string };

/** A batch being written, and whose counters its outcome goes to. */
export interface InFlightBatch {
  readonly batch: SpooledBatch;
  readonly stats: StatsCounter;
  /** Set once the batch is counted (written, spooled or failed): it is never counted twice. */
  settled: boolean;
}

/**
 * The batches being written now. Each is counted exactly once: by the write that finishes it,
 * or by an exit or abort that spools it first (`takeUnsettled`), whichever comes first.
 * The waiting is the foundation's `InFlight` (a promise, not a poll); the counting is this one's.
 */
export class InFlightBatches {
  private readonly entries = new Set<InFlightBatch>();
  private readonly writes = new InFlight();

  get size(): number {
    return this.entries.size;
  }

  /**
   * Runs `write` for `batch`, which is in flight until the write settles. Resolves or rejects
   * as the write does.
   */
  run<T>(batch: SpooledBatch, stats: StatsCounter, write: (entry: InFlightBatch) => Promise<T>): Promise<T> {
    const entry: InFlightBatch = { batch, stats, settled: false };
    this.entries.add(entry);
    let work: Promise<T>;
    try {
      work = write(entry);
    } catch (error) {
      this.entries.delete(entry);
      throw error;
    }
    return this.writes.track(work.finally(() => this.entries.delete(entry)));
  }

  /**
   * Counts `entry` with `count` unless it was counted already (spooled by an exit or abort:
   * then it is `spooled`). Marked settled only once counted, so that a failure while counting
   * leaves it to the caller.
   */
  settle(entry: InFlightBatch, count: () => DeliveryResult): DeliveryResult {
    if (entry.settled) return { code: 'spooled' };
    const result = count();
    entry.settled = true;
    return result;
  }

  /** Resolves once no batch is in flight, including batches that start while it waits. */
  idle(): Promise<void> {
    return this.writes.idle();
  }

  /** Every batch not yet counted, now marked counted: the caller spools them (exit, abort). */
  takeUnsettled(): InFlightBatch[] {
    const pending = [...this.entries].filter((entry) => !entry.settled);
    for (const entry of pending) entry.settled = true;
    return pending;
  }

  /** Forgets every batch (their writes run on, unwatched); whoever waits on `idle()` is released. */
  clear(): void {
    this.entries.clear();
    this.writes.forget();
  }
}
