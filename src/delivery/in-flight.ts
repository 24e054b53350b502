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
 * `idle()` is a promise, not a poll: it resolves when the last batch leaves.
 */
export class InFlightBatches {
  private readonly entries = new Set<InFlightBatch>();
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.entries.size;
  }

  add(batch: SpooledBatch, stats: StatsCounter): InFlightBatch {
    const entry: InFlightBatch = { batch, stats, settled: false };
    this.entries.add(entry);
    return entry;
  }

  remove(entry: InFlightBatch): void {
    this.entries.delete(entry);
    if (this.entries.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
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

  /** Resolves once no batch is in flight. */
  idle(): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Every batch not yet counted, now marked counted: the caller spools them (exit, abort). */
  takeUnsettled(): InFlightBatch[] {
    const pending = [...this.entries].filter((entry) => !entry.settled);
    for (const entry of pending) entry.settled = true;
    return pending;
  }

  /** Forgets every batch; whoever waits on `idle()` is released. */
  clear(): void {
    for (const entry of [...this.entries]) this.remove(entry);
  }
}
