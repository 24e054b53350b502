/**
 * Calls `release` once no operation has run for `idleMs` (at once after a failure), so that a
 * connection the package opened never keeps the application's process alive.
 *
 * The MongoDB driver's sockets and monitoring timers are referenced: while a client is open,
 * Node's event loop cannot empty, `beforeExit` never fires, and an application that does not
 * call `shutdown()` would never end. Releasing the client when it has been idle for a moment
 * costs one reconnection on the next write; keeping it open would cost the process its exit.
 */
export class IdleRelease {
  private readonly release: () => void;
  private readonly idleMs: number;
  private active = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(release: () => void, idleMs: number) {
    this.release = release;
    this.idleMs = idleMs;
  }

  /** True while an operation runs. */
  get busy(): boolean {
    return this.active > 0;
  }

  /** An operation starts: no release until it ends. */
  begin(): void {
    this.active++;
    this.cancel();
  }

  /** An operation ended; `failed`: the server did not answer, so there is nothing to keep open. */
  end(failed: boolean): void {
    this.active--;
    if (this.active > 0) return;
    this.cancel();
    if (failed) {
      this.release();
      return;
    }
    // Unreferenced: it only has to fire while the client's own handles keep the process alive.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.active === 0) this.release();
    }, this.idleMs);
    this.timer.unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
