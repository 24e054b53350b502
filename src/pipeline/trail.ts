import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ATTR_LOG_RECORD_UID } from './attributes';

/**
 * The last `size` records a process emitted, in a fixed-size ring: pushing is a pointer
 * store, and memory stays bounded whatever the volume. Records are kept by reference (the
 * SDK makes them read-only after emit) and mapped only when an error needs them.
 */
export class TrailRing {
  readonly size: number;
  private readonly slots: (ReadableLogRecord | undefined)[];
  private next = 0;
  private count = 0;

  constructor(size: number) {
    this.size = size;
    this.slots = new Array<ReadableLogRecord | undefined>(size);
  }

  push(record: ReadableLogRecord): void {
    this.slots[this.next] = record;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
  }

  /** The records kept, oldest first; with `notBeforeMs`, only those emitted at or after it. */
  snapshot(notBeforeMs?: number): ReadableLogRecord[] {
    const records: ReadableLogRecord[] = [];
    const start = (this.next - this.count + this.size) % this.size;
    for (let offset = 0; offset < this.count; offset++) {
      const record = this.slots[(start + offset) % this.size]!;
      if (notBeforeMs === undefined || hrTimeMs(record.hrTime) >= notBeforeMs) records.push(record);
    }
    return records;
  }
}

function hrTimeMs(time: ReadableLogRecord['hrTime']): number {
  return time[0] * 1000 + time[1] / 1e6;
}

// From emit to export: the trail travels beside the error record, never as an attribute, so
// other exporters of the same provider do not see it and it costs no attribute limits.
const trails = new WeakMap<object, readonly ReadableLogRecord[]>();
// Also by `log.record.uid`: the error reporter hands a crash record to the exporter directly
// too, as another object with the same uid. Only the latest few are kept.
const trailsByUid = new Map<string, readonly ReadableLogRecord[]>();
const MAX_TRAILS_BY_UID = 16;

/** Attaches the trail to an error record (at emit time). */
export function attachTrail(record: ReadableLogRecord, trail: readonly ReadableLogRecord[]): void {
  trails.set(record, trail);
  const uid = record.attributes[ATTR_LOG_RECORD_UID];
  if (typeof uid !== 'string') return;
  trailsByUid.set(uid, trail);
  if (trailsByUid.size > MAX_TRAILS_BY_UID) trailsByUid.delete(trailsByUid.keys().next().value!);
}

/** The trail attached to `record`, or to a record with the same `log.record.uid` (at export time). */
export function trailOf(record: ReadableLogRecord): readonly ReadableLogRecord[] | undefined {
  const trail = trails.get(record);
  if (trail) return trail;
  const uid = record.attributes[ATTR_LOG_RECORD_UID];
  return typeof uid === 'string' ? trailsByUid.get(uid) : undefined;
}
