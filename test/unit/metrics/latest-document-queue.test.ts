import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { LatestDocumentQueue } from '../../../src/metrics/latest-document-queue';

interface Doc {
  _id: string;
  v: number;
}

function recordingQueue(result: () => ExportResult = () => ({ code: ExportResultCode.SUCCESS })) {
  const writes: Doc[][] = [];
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  const queue = new LatestDocumentQueue<Doc>(async (documents) => {
    writes.push(documents);
    await gate;
    return result();
  });
  return {
    queue,
    writes,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
  };
}

describe('LatestDocumentQueue', () => {
  it('writes documents pushed in the same tick together', async () => {
    const { queue, writes } = recordingQueue();
    const results = await Promise.all([queue.push([{ _id: 'a', v: 1 }]), queue.push([{ _id: 'b', v: 1 }])]);
    expect(writes).toEqual([
      [
        { _id: 'a', v: 1 },
        { _id: 'b', v: 1 },
      ],
    ]);
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
  });

  it('writes one at a time, in order, replacing a waiting document by its newer version', async () => {
    const q = recordingQueue();
    q.hold();
    const first = q.queue.push([{ _id: 'a', v: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = q.queue.push([{ _id: 'a', v: 2 }]);
    const third = q.queue.push([{ _id: 'a', v: 3 }]);
    expect(q.writes).toHaveLength(1); // the first write is still running
    q.release();
    await Promise.all([first, second, third]);
    expect(q.writes).toEqual([[{ _id: 'a', v: 1 }], [{ _id: 'a', v: 3 }]]);
    await q.queue.idle();
  });

  it('hands a failed result to every waiter of that write, and a throwing writer becomes FAILED', async () => {
    const failing = recordingQueue(() => ({ code: ExportResultCode.FAILED, error: new Error('down') }));
    expect((await failing.queue.push([{ _id: 'a', v: 1 }])).code).toBe(ExportResultCode.FAILED);
    const throwing = new LatestDocumentQueue<Doc>(async () => {
      throw new Error('bug');
    });
    const result = await throwing.push([{ _id: 'a', v: 1 }]);
    expect(result).toMatchObject({ code: ExportResultCode.FAILED, error: new Error('bug') });
  });

  it('resolves an empty push at once and is idle when nothing is queued', async () => {
    const { queue, writes } = recordingQueue();
    expect((await queue.push([])).code).toBe(ExportResultCode.SUCCESS);
    await queue.idle();
    expect(writes).toEqual([]);
  });
});
