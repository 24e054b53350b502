import { componentLogger } from '../foundation/diag';
import type { ErrorDocument, StormSummaryDocument } from '../document/schema';

const log = componentLogger('storm-guard');

/**
 * Fingerprints followed at once. A window is ~100 bytes; beyond this many (a flood of distinct
 * errors, or ids in a custom fingerprint), documents of new fingerprints are written one by one
 * until windows end, rather than memory growing with every fingerprint seen.
 */
const MAX_WINDOWS = 10_000;

/** How many documents of one fingerprint are written one by one per window. */
export interface StormGuardSettings {
  /** Documents of one fingerprint written one by one in a window; later ones are folded. */
  maxPerWindow: number;
  /** Length of a window, in milliseconds, from the first occurrence. */
  windowMs: number;
}

export interface StormGuardSinks {
  /** A window ended (or the guard closed) with folded occurrences: write this document. */
  summary(document: StormSummaryDocument): void;
  /** A summary was started: keep it safe until it is written (the exit spool). */
  pending?(document: StormSummaryDocument): void;
  /** The summary callback threw. */
  failed(error: unknown): void;
}

interface Window {
  endsAt: number;
  count: number;
  summary: StormSummaryDocument | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Keeps an error storm from writing one document per occurrence. Per machine and
 * fingerprint, the first `maxPerWindow` documents of a window pass; the later ones are
 * folded into one summary document, written when the window ends (or at `close()`).
 * Windows are timed by this process's clock; timers never keep the process alive. At most
 * `maxWindows` fingerprints are followed at once; the others pass unfolded.
 */
export class StormGuard {
  private readonly windows = new Map<string, Window>();
  private nextSweep = 0;

  private readonly settings: StormGuardSettings;
  private readonly sinks: StormGuardSinks;
  private readonly now: () => number;
  private readonly maxWindows: number;
  private full = false;

  constructor(
    settings: StormGuardSettings,
    sinks: StormGuardSinks,
    now: () => number = Date.now,
    maxWindows = MAX_WINDOWS,
  ) {
    this.settings = settings;
    this.sinks = sinks;
    this.now = now;
    this.maxWindows = maxWindows;
  }

  /** Whether `document` is written as it is; false when it was folded into a summary. */
  admit(document: ErrorDocument): boolean {
    const now = this.now();
    if (now >= this.nextSweep) this.sweep(now);
    const key = `${document.maquina_id}\n${document.erro.fingerprint}`;
    let window = this.windows.get(key);
    if (window && now >= window.endsAt) {
      this.end(key, window);
      window = undefined;
    }
    if (!window) {
      if (this.windows.size >= this.maxWindows) {
        if (!this.full)
          log.warn(
            `more than ${this.maxWindows} error fingerprints in one window: documents of new ones are written one by one, not folded`,
          );
        this.full = true;
        return true;
      }
      window = { endsAt: now + this.settings.windowMs, count: 0, summary: undefined, timer: undefined };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count <= this.settings.maxPerWindow) return true;
    this.fold(key, window, document);
    return false;
  }

  /** Writes every pending summary now and forgets all windows. */
  close(): void {
    for (const [key, window] of [...this.windows]) this.end(key, window);
  }

  private fold(key: string, window: Window, document: ErrorDocument): void {
    const summary = window.summary;
    if (summary) {
      // Updated in place: the object handed to `pending` is the one written at exit.
      // Runs once per folded occurrence: no per-call arrays or objects.
      const { ocorrencias, primeira, _id } = summary;
      const fields = summary as unknown as Record<string, unknown>;
      for (const field in fields) {
        if (!(field in document)) delete fields[field];
      }
      Object.assign(summary, document);
      summary._id = _id;
      summary.ocorrencias = ocorrencias + 1;
      summary.primeira = primeira;
      summary.ultima = document.timestamp;
      return;
    }
    window.summary = {
      ...document,
      ocorrencias: 1,
      primeira: document.timestamp,
      ultima: document.timestamp,
    };
    const delay = Math.max(0, window.endsAt - this.now());
    window.timer = setTimeout(() => {
      if (this.windows.get(key) === window) this.end(key, window);
    }, delay);
    window.timer.unref?.();
    this.sinks.pending?.(window.summary);
  }

  private end(key: string, window: Window): void {
    this.windows.delete(key);
    if (window.timer) clearTimeout(window.timer);
    if (!window.summary) return;
    try {
      this.sinks.summary(window.summary);
    } catch (error) {
      this.sinks.failed(error);
    }
  }

  /** Drops windows that ended without a summary, so that memory follows the active fingerprints. */
  private sweep(now: number): void {
    this.nextSweep = now + this.settings.windowMs;
    for (const [key, window] of this.windows) {
      if (now >= window.endsAt && !window.summary) this.windows.delete(key);
    }
    if (this.windows.size < this.maxWindows) this.full = false;
  }
}
