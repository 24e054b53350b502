/** Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(random() * ceiling);
}

/**
 * Awaits `work` while holding a timer that keeps the process alive, at most `maxMs`.
 * The MongoDB driver's timers do not keep a process alive, so without this a process
 * awaiting a write or a shutdown could end halfway, with the batch neither written nor spooled.
 */
export async function keepingAlive<T>(work: Promise<T>, maxMs: number): Promise<T> {
  const timer = setTimeout(() => undefined, maxMs);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}

/** A plain wait. It keeps the process alive: someone is awaiting the export it delays. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` until it succeeds, a failure is not transient, or the deadline would be
 * passed by the next wait. Rethrows the last failure.
 */
export async function retryUntil<T>(
  attempt: () => Promise<T>,
  options: {
    deadline: number;
    isTransient: (error: unknown) => boolean;
    onRetry: (error: unknown) => void;
    /** The wait between attempts; a plain timer by default. */
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<T> {
  const wait = options.sleep ?? sleep;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = backoffDelay(tries, 100, 2000);
      if (!options.isTransient(error) || Date.now() + delay >= options.deadline) throw error;
      options.onRetry(error);
      await wait(delay);
    }
  }
}

/**
 * A wait that `wake()` ends early: lets a shutdown interrupt a long backoff. A background
 * pause does not keep the process alive; one that a caller awaits does.
 */
export class Pause {
  private readonly background: boolean;
  private wakeUp: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A wake() with nobody waiting: the next wait ends at once (it would otherwise be lost). */
  private woken = false;

  constructor(options: { background: boolean }) {
    this.background = options.background;
  }

  wait(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      this.timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      if (this.background) this.timer.unref();
    });
  }

  wake(): void {
    clearTimeout(this.timer);
    if (this.wakeUp) {
      const wakeUp = this.wakeUp;
      this.wakeUp = undefined;
      wakeUp();
    } else {
      this.woken = true;
    }
  }
}
