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

/** A timer that does not keep the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Runs `attempt` until it succeeds, a failure is not transient, or the deadline would be
 * passed by the next wait. Rethrows the last failure.
 */
export async function retryUntil<T>(
  attempt: () => Promise<T>,
  options: { deadline: number; isTransient: (error: unknown) => boolean; onRetry: (error: unknown) => void },
): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const wait = backoffDelay(tries, 100, 2000);
      if (!options.isTransient(error) || Date.now() + wait >= options.deadline) throw error;
      options.onRetry(error);
      await sleep(wait);
    }
  }
}
