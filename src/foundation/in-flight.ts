/**
 * The promises of work under way, so that a flush, a shutdown or a window of concurrent
 * writes can wait for them. A promise leaves when it settles, fulfilled or rejected; the
 * tracker never adds a rejection of its own (it watches with both handlers), so a caller that
 * handles its promise's failure has no unhandled rejection because of it.
 *
 * Waiting is by promise, never by polling: waiters are checked each time a promise leaves.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();
  private waiters: { limit: number; resolve: () => void }[] = [];
  /** Resolved by `forget()`: ends every `settled()` wait at once. */
  private forgotten: { promise: Promise<void>; resolve: () => void } | undefined;

  /** How many tracked promises have not settled yet. */
  get size(): number {
    return this.pending.size;
  }

  /** Tracks `work` until it settles, and returns it unchanged so that the caller can go on with it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const leave = () => this.leave(work);
    work.then(leave, leave);
    return work;
  }

  /**
   * Resolves once every promise tracked before the call has settled. Work tracked after the
   * call is not waited for: a flush under a steady load still ends. Never rejects.
   */
  settled(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    const all = Promise.allSettled([...this.pending]);
    this.forgotten ??= deferred();
    return Promise.race([all, this.forgotten.promise]).then(() => undefined);
  }

  /**
   * Resolves once fewer than `limit` tracked promises are pending: `below(n)` keeps a window of
   * at most n - 1 under way; `below(1)` waits until nothing is in flight at all, including work
   * tracked meanwhile. Never rejects.
   */
  below(limit: number): Promise<void> {
    if (this.pending.size < limit) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ limit, resolve }));
  }

  /** Resolves once nothing is in flight, including work tracked meanwhile: `below(1)`. */
  idle(): Promise<void> {
    return this.below(1);
  }

  /**
   * Stops tracking what is pending (it runs on, unwatched) and releases every waiter: for an
   * abort that has handed that work over elsewhere and must not wait for it.
   */
  forget(): void {
    this.pending.clear();
    this.forgotten?.resolve();
    this.forgotten = undefined;
    this.release();
  }

  private leave(work: Promise<unknown>): void {
    // Already gone when forgotten: its settling must not release waiters of later work early.
    if (this.pending.delete(work)) this.release();
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const size = this.pending.size;
    const ready = this.waiters.filter((waiter) => size < waiter.limit);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => size >= waiter.limit);
    for (const waiter of ready) waiter.resolve();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
