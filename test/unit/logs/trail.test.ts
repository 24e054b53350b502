import { describe, expect, it } from 'vitest';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { TrailRing } from '../../../src/logs/trail';

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
