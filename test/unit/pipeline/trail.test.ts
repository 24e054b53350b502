import { describe, expect, it } from 'vitest';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { attachTrail, TrailRing, trailOf } from '../../../src/pipeline/trail';

function record(body: string, ms = 1000): ReadableLogRecord {
  return { body, hrTime: [Math.floor(ms / 1000), (ms % 1000) * 1e6] } as unknown as ReadableLogRecord;
}
const bodies = (records: ReadableLogRecord[]) => records.map((r) => r.body);

describe('TrailRing', () => {
  it('keeps the last size records, oldest first, however many are pushed', () => {
    const ring = new TrailRing(3);
    expect(ring.snapshot()).toEqual([]);
    ring.push(record('a'));
    ring.push(record('b'));
    expect(bodies(ring.snapshot())).toEqual(['a', 'b']);
    for (const body of ['c', 'd', 'e', 'f', 'g']) ring.push(record(body));
    expect(bodies(ring.snapshot())).toEqual(['e', 'f', 'g']);
  });

  it('leaves out records emitted before notBeforeMs', () => {
    const ring = new TrailRing(5);
    ring.push(record('old', 1000));
    ring.push(record('edge', 2000));
    ring.push(record('new', 3000));
    expect(bodies(ring.snapshot(2000))).toEqual(['edge', 'new']);
  });
});

describe('attachTrail / trailOf', () => {
  it('finds the trail by the record, or by another record with the same log.record.uid', () => {
    const trail = [record('before')];
    const emitted = {
      ...record('crash'),
      attributes: { 'log.record.uid': 'u-1' },
    } as unknown as ReadableLogRecord;
    const handedOver = {
      ...record('crash'),
      attributes: { 'log.record.uid': 'u-1' },
    } as unknown as ReadableLogRecord;
    const other = { ...record('other'), attributes: {} } as unknown as ReadableLogRecord;
    attachTrail(emitted, trail);
    expect(trailOf(emitted)).toBe(trail);
    expect(trailOf(handedOver)).toBe(trail);
    expect(trailOf(other)).toBeUndefined();
  });
});
