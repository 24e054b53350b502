import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

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

/** Attaches the trail to an error record (at emit time). */
export function attachTrail(record: object, trail: readonly ReadableLogRecord[]): void {
  trails.set(record, trail);
}

/** The trail attached to `record`, if any (at export time). */
export function trailOf(record: object): readonly ReadableLogRecord[] | undefined {
  return trails.get(record);
}
