import { componentLogger } from '../foundation/diag';

const log = componentLogger('delivery');

/**
 * Says once per outage, at WARN, that MongoDB cannot be reached and why (the driver's error,
 * secrets removed by the caller), and at INFO when it answers again. Every other failure of the
 * same outage goes to DEBUG: a server that is down for an hour must not print a line per batch,
 * and a short-lived process must still get the cause in its first line.
 */
export class OutageNotice {
  private down = false;

  /** The server did not answer; `what` says what happens to the data (spooled, retried...). */
  unreachable(reason: string, what: string): void {
    if (this.down) {
      log.debug(`MongoDB still unreachable (${reason}); ${what}`);
      return;
    }
    this.down = true;
    log.warn(`cannot reach MongoDB (${reason}); ${what}`);
  }

  /** The server answered. */
  reachable(): void {
    if (!this.down) return;
    this.down = false;
    log.info('MongoDB answers again');
  }

  get inOutage(): boolean {
    return this.down;
  }
}
