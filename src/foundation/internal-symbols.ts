/**
 * Methods the package's parts call on each other and applications do not: keyed by symbols
 * that are not exported from the package's entry, so they stay out of the public types.
 * `Symbol.for`, so that the ESM and CommonJS builds of the package agree on them.
 */

/** `(crash: CrashRecord) => void`: keep a crash record until written, spool it at exit otherwise. */
export const HOLD_CRASH_RECORD: unique symbol = Symbol.for(
  'opentelemetry-exporter-mongodb.holdCrashRecord',
) as never;

/**
 * `(records: ReadableLogRecord[], options?: { gather?: boolean }) => boolean`: map and append to
 * the spool at once; false without a spool. With `gather` (a record at a time), the documents
 * are gathered in memory into lines, written and synced by a later `SYNC_SPILLED` call.
 */
export const SPILL: unique symbol = Symbol.for('opentelemetry-exporter-mongodb.spill') as never;

/** `() => void`: write and fsync what `SPILL` gathered. */
export const SYNC_SPILLED: unique symbol = Symbol.for('opentelemetry-exporter-mongodb.syncSpilled') as never;

/** `() => void`: give up at once; what is in flight goes to the spool (bounded shutdown). */
export const ABORT: unique symbol = Symbol.for('opentelemetry-exporter-mongodb.abort') as never;

/**
 * `{ onEmit(record): void }`, a property of the log exporter: the trail and call-site capture
 * its log record processor runs at emit time (see `logs/emit-capture.ts`).
 */
export const EMIT_CAPTURE: unique symbol = Symbol.for('opentelemetry-exporter-mongodb.emitCapture') as never;

/**
 * `() => boolean`: whether the exporter's server is known to be unreachable, so that what it
 * exports goes to the spool anyway (its batch processor then spills without waiting).
 */
export const KNOWN_DOWN: unique symbol = Symbol.for('opentelemetry-exporter-mongodb.knownDown') as never;

/**
 * `(handler: () => unknown) => () => void`, a method of the error reporter: `handler` runs when
 * an uncaught error is about to end the process, before the flush, within the same deadline
 * (`setupTelemetry()` closes the session there). Returns the function that removes it.
 */
export const ON_CRASH: unique symbol = Symbol.for('opentelemetry-exporter-mongodb.onCrash') as never;

/** `() => Promise<boolean>`, a method of the metrics collector: ends the session as crashed. */
export const END_SESSION_CRASHED: unique symbol = Symbol.for(
  'opentelemetry-exporter-mongodb.endSessionCrashed',
) as never;
