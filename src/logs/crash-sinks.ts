import type { AnyValue } from '@opentelemetry/api';
import type { HOLD_CRASH_RECORD } from '../foundation/internal-symbols';

/** A crash record as the error reporter emitted it, handed over directly as well. */
export interface CrashRecord {
  /** Also in the record's `log.record.uid` attribute: both copies get this `_id`. */
  uid: string;
  time: Date;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Record<string, AnyValue>;
  loggerName: string;
}

/** An exporter that can keep a crash record until it is written, and spool it at exit otherwise. */
export interface CrashSink {
  [HOLD_CRASH_RECORD](record: CrashRecord): void;
}

/**
 * The exporters of this process. When the process is about to die, the crash record may still
 * sit in the SDK's batch queue, behind a batch that is being retried; the error reporter gives
 * it to every exporter directly, so that it reaches the spool at exit either way.
 * On globalThis, so that the ESM and CommonJS builds of the package share it.
 */
const sinks = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('opentelemetry-exporter-mongodb.crash-sinks')
] ??= new Set<CrashSink>()) as Set<CrashSink>;

export function registerCrashSink(sink: CrashSink): void {
  sinks.add(sink);
}

export function unregisterCrashSink(sink: CrashSink): void {
  sinks.delete(sink);
}

export function crashSinks(): readonly CrashSink[] {
  return [...sinks];
}
