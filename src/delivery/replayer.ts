import { componentLogger } from '../foundation/diag';
import { InFlight } from '../foundation/in-flight';
import type { StatsCounter } from '../foundation/stats';
import type { CollectionKind, WriteOutcome } from '../storage/mongo-writer';
import { isTransient } from '../storage/write-errors';
import { backoffDelay, Pause } from './backoff';
import type { OutageNotice } from './outage-notice';
import { type DeliveryWriter, writeBatch } from './retrying-writer';
import type { ClaimedSegment, DiskSpool } from './spool';

const log = componentLogger('delivery');
/** The longest pause between two attempts to reach a server that is down. */
const MAX_REPLAY_BACKOFF_MS = 5000;
/**
 * How long the replay writes before it lets the process end: it then closes the idle
 * connection and goes on from an unreferenced timer. A process whose own work is done ends
 * there (its shutdown gives the replay `shutdownTimeoutMs` more); a live one loses a reconnection.
 */
export const REPLAY_ROUND_MS = 3000;
/**
 * Insert batches of a segment written at once: while the server stores one, the next is on
 * the wire, instead of the server idling for a round trip per batch. Upserts go alone, in order.
 */
export const REPLAY_WINDOW = 2;

export interface ReplayerOptions {
  spool: DiskSpool;
  writer: DeliveryWriter;
  notice: OutageNotice;
  /** Where replayed documents of each kind are counted. */
  stats: (kind: CollectionKind) => StatsCounter;
  /** Documents lost at replay: refused for good by the server, or unreadable lines. */
  dropped: (kind: CollectionKind, documents: number, reason: string) => void;
  /** The spool is empty. */
  drained: () => void;
}

/**
 * Empties the spool into the server, oldest segment first, in the background. A segment is
 * leased by renaming it (no other process replays it too); it is deleted once all its batches
 * are stored, or given back with only its unstored batches when the replay stops halfway.
 * While the server is down it probes, with backoff, and resumes as soon as the writer says
 * the server answers (`wake`). Documents keep their `_id`, so a batch written twice is
 * stored once. Never throws: failures are counted and reported.
 */
export class Replayer {
  private readonly spool: DiskSpool;
  private readonly writer: DeliveryWriter;
  private readonly notice: OutageNotice;
  private readonly stats: (kind: CollectionKind) => StatsCounter;
  private readonly dropped: ReplayerOptions['dropped'];
  private readonly drained: () => void;
  /** A background pause: waiting for a server that is down never keeps the process alive. */
  private readonly pause = new Pause({ background: true });
  private running: Promise<void> | undefined;
  /** The segment being replayed, and how many of its batches are stored. */
  private current: { segment: ClaimedSegment; stored: number } | undefined;
  /** Stop at the first failure (a bounded close is under way). */
  private closeRequested = false;
  /** No new round and no new batch: the delivery is closing or closed. */
  private stopped = false;
  private roundStartedAt = 0;

  constructor(options: ReplayerOptions) {
    this.spool = options.spool;
    this.writer = options.writer;
    this.notice = options.notice;
    this.stats = options.stats;
    this.dropped = options.dropped;
    this.drained = options.drained;
  }

  /** True while segments are left to replay. */
  get active(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when the replay loop has ended (spool empty, stopped, or closing after a failure). */
  finished(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Starts the loop unless it runs already or the replayer is stopped. */
  start(): void {
    if (this.running || this.stopped) return;
    this.roundStartedAt = Date.now();
    this.running = this.loop()
      .catch((error: unknown) => {
        this.stats('errors').add('internalErrors', 1);
        log.error('spool replay stopped unexpectedly; it resumes with the next spooled batch', error);
      })
      .finally(() => (this.running = undefined));
  }

  /** The server answers again: end the backoff now. */
  wake(): void {
    this.pause.wake();
  }

  /** A bounded close: go on while the server answers, end at the first failure. */
  requestClose(): void {
    this.closeRequested = true;
    this.pause.wake();
  }

  /**
   * Stops at once: no new batch is written, and the unfinished part of the segment being
   * replayed goes back to the spool (a write under way may still store its batch: it is then
   * stored twice, harmlessly, by `_id`). Synchronous: it also runs at process exit.
   */
  stop(): void {
    this.stopped = true;
    this.pause.wake();
    const current = this.current;
    this.current = undefined;
    if (current) this.spool.release(current.segment, current.stored);
  }

  private async loop(): Promise<void> {
    let stalled = 0;
    while (!this.stopped) {
      const state = this.writer.isDown ? await this.probe() : await this.replayAll();
      if (state === 'empty') {
        this.drained();
        return;
      }
      // Back off only while the server refuses; new appends during a healthy replay loop at once.
      stalled = state === 'stalled' ? stalled + 1 : 0;
      if (stalled > 0 && this.closeRequested) return;
      if (stalled > 0) await this.pause.wait(backoffDelay(stalled, 250, MAX_REPLAY_BACKOFF_MS) + 50);
    }
  }

  /** Asks the server whether it is back, without reading the spool. */
  private async probe(): Promise<'progress' | 'stalled'> {
    try {
      await this.writer.probe();
      this.notice.reachable();
      return 'progress';
    } catch (error) {
      this.notice.unreachable(this.writer.describe(error), 'the spool is replayed once it answers');
      return 'stalled';
    }
  }

  /** Replays every closed segment, oldest first. */
  private async replayAll(): Promise<'empty' | 'progress' | 'stalled'> {
    this.spool.rotate();
    let replayed = 0;
    for (let segment = this.spool.claimOldest(); segment; segment = this.spool.claimOldest()) {
      if (segment.unreadableLines > 0) {
        this.dropped(
          'errors',
          0,
          `${segment.unreadableLines} unreadable line(s) in ${segment.path} (a write cut short)`,
        );
      }
      const progress = (this.current = { segment, stored: 0 });
      const failure = await this.replaySegment(progress);
      if (this.current !== progress) return 'progress'; // stopped meanwhile: the rest is back
      if (failure) return this.pauseAfter(failure.error, replayed);
      this.current = undefined;
      this.spool.complete(segment);
      this.notice.reachable();
      replayed++;
      await this.endOfRound();
      if (this.stopped) return 'progress';
    }
    // Appends made while replaying went to a new segment: the next round takes them.
    return this.spool.isEmpty() ? 'empty' : 'progress';
  }

  /**
   * Writes a segment's batches, up to `REPLAY_WINDOW` inserts at a time; an upsert waits for
   * what is in flight and goes alone, so that a session's states keep their order. A batch is
   * counted (and `stored` advanced) only once every batch before it is stored too: `stored` is
   * what `release` may leave out, and a batch stored beyond it is written again later (stored
   * once, by `_id`) and counted then. Resolves with the first failure, once nothing is in flight.
   */
  private async replaySegment(progress: {
    segment: ClaimedSegment;
    stored: number;
  }): Promise<{ error: unknown } | undefined> {
    const { batches } = progress.segment;
    const outcomes: (WriteOutcome | undefined)[] = [];
    const running = new InFlight();
    let failure: { error: unknown } | undefined;
    const advance = () => {
      while (progress.stored < batches.length && outcomes[progress.stored] !== undefined) {
        const batch = batches[progress.stored]!;
        const outcome = outcomes[progress.stored]!;
        this.stats(batch.kind).add('replayed', outcome.written);
        if (outcome.rejected > 0)
          this.dropped(batch.kind, outcome.rejected, 'refused by the server at replay');
        progress.stored++;
      }
    };
    for (let index = 0; index < batches.length; index++) {
      const batch = batches[index]!;
      const alone = batch.operation === 'upsert';
      await running.below(alone ? 1 : REPLAY_WINDOW);
      if (failure || this.stopped || this.current !== progress) break;
      const write = running.track(
        writeBatch(this.writer, batch).then(
          (outcome) => {
            outcomes[index] = outcome;
            if (this.current === progress) advance();
          },
          (error: unknown) => {
            failure ??= { error };
          },
        ),
      );
      if (alone) await write;
    }
    await running.idle();
    return failure;
  }

  /** Past `REPLAY_ROUND_MS` of writing, lets the process end if nothing else keeps it alive. */
  private async endOfRound(): Promise<void> {
    if (Date.now() - this.roundStartedAt < REPLAY_ROUND_MS) return;
    await this.writer.releaseIfIdle();
    await new Promise<void>((resolve) => setTimeout(resolve, 0).unref());
    this.roundStartedAt = Date.now();
  }

  private pauseAfter(error: unknown, replayedSegments: number): 'progress' | 'stalled' {
    const current = this.current;
    this.current = undefined;
    if (!current) return 'progress'; // stopped meanwhile: the rest is back
    const reason = this.writer.describe(error);
    this.spool.release(current.segment, current.stored);
    if (isTransient(error)) {
      this.notice.unreachable(reason, `replay paused at batch ${current.stored} of ${current.segment.path}`);
    } else {
      // Not retryable, yet other batches may be fine: kept and tried again, and said loudly.
      log.error(`spool replay failed, will retry: ${reason}`);
    }
    return replayedSegments > 0 || current.stored > 0 ? 'progress' : 'stalled';
  }
}
