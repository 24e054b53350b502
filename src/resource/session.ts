import { randomUUID } from 'node:crypto';
import { componentLogger } from '../foundation/diag';

const log = componentLogger('metrics-session');

/** How a session ended: `normal` (the application closed it) or `crash` (an uncaught error). */
export type SessionEnd = 'normal' | 'crash';

/** One usage session of the application: the unit of one `metrics` document. */
export interface MetricsSession {
  /** Random UUID; the `_id` of the session's document. */
  readonly id: string;
  readonly startedAt: Date;
  /** Started by `startSession()` rather than implicitly. */
  readonly explicit: boolean;
  /** Set when the session ends. Exports that run before it is released still belong to it. */
  endedAt: Date | undefined;
  /** How it ended, once it has: `crash` when the crash path closed it. */
  endReason?: SessionEnd;
}

/** What the registry asks of each exporter when a session ends. */
export interface SessionListener {
  /** Stores the session's final state. Resolves true once stored or when there was nothing to store; never rejects. */
  finishSession(session: MetricsSession): Promise<boolean>;
}

/**
 * The process's session boundaries, shared by `MetricsCollector` (which starts and ends
 * sessions) and `MongoMetricExporter` (which writes one document per session). One session
 * runs at a time; when none was started explicitly, an implicit one begins on first use.
 */
export class SessionRegistry {
  private active: MetricsSession | undefined;
  private nextStart: Date | undefined;
  private readonly listeners = new Set<SessionListener>();

  /** The session that recordings belong to now; an implicit one begins if none is running. */
  current(): MetricsSession {
    this.active ??= newSession(this.nextStart ?? new Date(), false);
    return this.active;
  }

  /** The running session, without starting one. */
  peek(): MetricsSession | undefined {
    return this.active;
  }

  /**
   * Starts an explicit session now. A running session ends at this moment and its final
   * state is written in the background; values recorded but not yet exported go to the new one.
   */
  start(): MetricsSession {
    const now = new Date();
    const previous = this.active;
    this.active = newSession(now, true);
    if (previous) {
      previous.endedAt ??= now;
      void this.finish(previous);
    }
    return this.active;
  }

  /**
   * Ends the running session: marks it ended, runs `flush` (which should export what was
   * recorded so far into it), releases it, then has every listener store its final state.
   * Resolves true when every listener stored it; false when none is attached or a write failed.
   */
  async end(flush: () => Promise<void>, reason: SessionEnd = 'normal'): Promise<boolean> {
    const session = this.current();
    session.endedAt ??= new Date();
    session.endReason ??= reason;
    try {
      await flush();
    } catch (error) {
      log.warn('flushing metrics before the session ends failed; its final state is written anyway', error);
    }
    this.release(session);
    return this.finish(session);
  }

  /**
   * Lets `session` go if it is still the running one: later recordings begin a new implicit
   * session, starting when this one ended. An exporter that shuts down calls this, so that a
   * later exporter never replaces the document it wrote with a fresh, emptier state.
   */
  release(session: MetricsSession): void {
    if (this.active !== session) return;
    this.active = undefined;
    this.nextStart = session.endedAt ?? new Date();
  }

  attach(listener: SessionListener): void {
    this.listeners.add(listener);
  }

  detach(listener: SessionListener): void {
    this.listeners.delete(listener);
  }

  private async finish(session: MetricsSession): Promise<boolean> {
    if (this.listeners.size === 0) return false;
    const results = await Promise.all(
      [...this.listeners].map((listener) =>
        listener.finishSession(session).catch((error: unknown) => {
          log.error('an exporter failed to finish a session', error);
          return false;
        }),
      ),
    );
    return results.every(Boolean);
  }
}

function newSession(startedAt: Date, explicit: boolean): MetricsSession {
  return { id: randomUUID(), startedAt, explicit, endedAt: undefined };
}

/** The registry shared by every collector and exporter of this process (a desktop app: one session at a time). */
export const processSessions = new SessionRegistry();

let scoped: SessionRegistry | undefined;

/**
 * The registry a collector or exporter made now follows: the process's own, unless it is
 * made inside {@link withSessionRegistry}. Not part of the public API.
 */
export function currentSessionRegistry(): SessionRegistry {
  return scoped ?? processSessions;
}

/**
 * Runs `make` so that the collectors and exporters it constructs follow `registry` instead of
 * the process's own: lets tests run several independent "processes" side by side without a
 * parameter in the public constructors. Not part of the public API.
 */
export function withSessionRegistry<T>(registry: SessionRegistry, make: () => T): T {
  const previous = scoped;
  scoped = registry;
  try {
    return make();
  } finally {
    scoped = previous;
  }
}
