import { componentLogger } from '../foundation/diag';

const log = componentLogger('gateway');
/** At most one WARN line per kind of refusal (a token's name, or an unknown token) per window. */
export const REFUSAL_LOG_WINDOW_MS = 60_000;

/**
 * Logs refused requests (401, 403) at WARN through `diag`, at most once per `windowMs` for each
 * key: a token's name, or the kind of 401 (no token, a token that matches none, two headers),
 * which has no name. The next line after a window gives the count of refusals it did not show.
 * Nothing logged ever holds a presented token.
 */
export class RefusalLog {
  private readonly last = new Map<string, { at: number; unshown: number }>();
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(windowMs = REFUSAL_LOG_WINDOW_MS, now: () => number = () => performance.now()) {
    this.windowMs = windowMs;
    this.now = now;
  }

  /** Notes one refusal of kind `key`, described by `message` (which must hold no token). */
  refused(key: string, message: string): void {
    const now = this.now();
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.windowMs) {
      entry.unshown++;
      return;
    }
    const unshown = entry?.unshown ?? 0;
    const seconds = Math.round(this.windowMs / 1000);
    const more = unshown > 0 ? `; ${unshown} more since the last such line, not logged` : '';
    log.warn(`${message}${more} (logged at most once every ${seconds} s)`);
    this.last.set(key, { at: now, unshown: 0 });
  }
}
