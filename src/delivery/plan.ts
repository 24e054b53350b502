import type { SpooledBatch } from './spool';

/** What becomes of a batch offered to the delivery. */
export type Plan =
  /** Try the server now. */
  | 'write'
  /** Append to the spool without trying the server. */
  | 'spool'
  /** Take nothing: the caller keeps the batch and may offer it again (the gateway answers 503). */
  | 'refuse'
  /** Shut down: the batch is lost, and counted. */
  | 'closed';

export interface PlanState {
  readonly closed: boolean;
  /** A spool is configured. */
  readonly spools: boolean;
  /** The server is known to be unreachable (a failed write, or the driver's heartbeat). */
  readonly serverDown: boolean;
  /** The spool holds batches not yet replayed. */
  readonly replaying: boolean;
  /** Whether the batch fits in the spool without dropping older batches. */
  spoolFits(batch: SpooledBatch): boolean;
}

/**
 * The one "live or spool" decision, for the exporters and the gateway alike.
 * - While the server is known down, a batch goes to the spool: no export waits on it.
 * - While the spool drains and the server answers, inserts are written directly (each document
 *   has its own `_id`, so one stored before older spooled ones is still stored once), but
 *   upserts queue behind the spool: a session document replaces by `_id`, and an older state
 *   replayed after a newer one would win.
 * - `refuseWhenSpoolFull` (the gateway): a batch that would make a full spool drop older
 *   batches, already acknowledged to their senders, is refused instead; its sender retries it.
 */
export function planBatch(
  state: PlanState,
  batch: SpooledBatch,
  options: { refuseWhenSpoolFull?: boolean } = {},
): Plan {
  if (state.closed) return 'closed';
  if (!state.spools) return 'write';
  const behind = state.serverDown || (state.replaying && batch.operation === 'upsert');
  if (!behind) return 'write';
  if (options.refuseWhenSpoolFull === true && !state.spoolFits(batch)) return 'refuse';
  return 'spool';
}
