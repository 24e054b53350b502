/**
 * The delivery's last word at the process's end. At 'exit' (synchronous: no write can finish
 * there) it runs `onExit`, which spools what is still in flight, so that a process ending
 * mid-write loses nothing: the driver's handles do not keep a process alive once idle
 * (`IdleRelease`), so a process can end while a write it never awaited is under way.
 */
export class ExitGuard {
  private readonly onExit: () => void;
  private installed = true;

  constructor(onExit: () => void) {
    this.onExit = onExit;
    process.on('exit', this.onExit);
  }

  /** Removes the 'exit' listener; idempotent. */
  dispose(): void {
    if (!this.installed) return;
    this.installed = false;
    process.removeListener('exit', this.onExit);
  }
}
