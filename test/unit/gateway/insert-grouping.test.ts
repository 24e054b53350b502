import { afterEach, describe, expect, it, vi } from 'vitest';
import { InsertGrouping } from '../../../src/gateway/insert-grouping';
import type { CollectionKind, IdentifiedDocument } from '../../../src/storage/mongo-writer';

const docs = (prefix: string, count: number): IdentifiedDocument[] =>
  Array.from({ length: count }, (_, i) => ({ _id: `${prefix}-${i}` }));

function recordingWrite(outcome: () => Promise<void> = () => Promise.resolve()) {
  const writes: { kind: CollectionKind; ids: string[] }[] = [];
  const write = (kind: CollectionKind, documents: IdentifiedDocument[]) => {
    writes.push({ kind, ids: documents.map((document) => String(document._id)) });
    return outcome();
  };
  return { writes, write };
}

afterEach(() => vi.useRealTimers());

describe('InsertGrouping', () => {
  it('writes the inserts of requests made within maxWaitMs as one batch, in arrival order', async () => {
    vi.useFakeTimers();
    const { writes, write } = recordingWrite();
    const grouping = new InsertGrouping(write, { maxWaitMs: 5, maxDocuments: 100, maxInFlight: 2 });
    const first = grouping.insert('errors', docs('a', 2));
    const second = grouping.insert('errors', docs('b', 1));
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(5);
    await Promise.all([first, second]);
    expect(writes).toEqual([{ kind: 'errors', ids: ['a-0', 'a-1', 'b-0'] }]);
  });

  it('writes a group at once when it reaches maxDocuments, without waiting', async () => {
    const { writes, write } = recordingWrite();
    const grouping = new InsertGrouping(write, { maxWaitMs: 60_000, maxDocuments: 3, maxInFlight: 2 });
    const pending = [grouping.insert('errors', docs('a', 2)), grouping.insert('errors', docs('b', 1))];
    expect(writes).toEqual([{ kind: 'errors', ids: ['a-0', 'a-1', 'b-0'] }]);
    await Promise.all(pending);
  });

  it('keeps each collection in its own group', async () => {
    vi.useFakeTimers();
    const { writes, write } = recordingWrite();
    const grouping = new InsertGrouping(write, { maxWaitMs: 5, maxDocuments: 100, maxInFlight: 2 });
    const pending = [grouping.insert('errors', docs('e', 1)), grouping.insert('audit', docs('x', 1))];
    await vi.advanceTimersByTimeAsync(5);
    await Promise.all(pending);
    expect(writes).toEqual(
      expect.arrayContaining([
        { kind: 'errors', ids: ['e-0'] },
        { kind: 'audit', ids: ['x-0'] },
      ]),
    );
    expect(writes).toHaveLength(2);
  });

  it("settles a request only when its group's write does, and rejects every request of a failed group", async () => {
    vi.useFakeTimers();
    let fail: (error: Error) => void = () => undefined;
    const { write } = recordingWrite(() => new Promise((_, reject) => (fail = reject)));
    const grouping = new InsertGrouping(write, { maxWaitMs: 5, maxDocuments: 100, maxInFlight: 2 });
    const outcomes: string[] = [];
    const first = grouping.insert('errors', docs('a', 1)).then(
      () => outcomes.push('a stored'),
      () => outcomes.push('a refused'),
    );
    const second = grouping.insert('errors', docs('b', 1)).then(
      () => outcomes.push('b stored'),
      () => outcomes.push('b refused'),
    );
    await vi.advanceTimersByTimeAsync(5);
    expect(outcomes).toEqual([]);
    fail(new Error('503'));
    await Promise.all([first, second]);
    expect(outcomes).toEqual(['a refused', 'b refused']);
  });

  it('writes what waits at flushAll (close), and nothing for an empty request', async () => {
    const { writes, write } = recordingWrite();
    const grouping = new InsertGrouping(write, { maxWaitMs: 60_000, maxDocuments: 100, maxInFlight: 2 });
    await grouping.insert('errors', []);
    const pending = grouping.insert('errors', docs('a', 1));
    grouping.flushAll();
    await pending;
    expect(writes).toEqual([{ kind: 'errors', ids: ['a-0'] }]);
  });

  it('writes at most maxInFlight groups at once; a waiting group keeps taking documents and goes next', async () => {
    vi.useFakeTimers();
    const finish: (() => void)[] = [];
    const writes: string[][] = [];
    const write = (_kind: CollectionKind, documents: IdentifiedDocument[]) => {
      writes.push(documents.map((document) => String(document._id)));
      return new Promise<void>((resolve) => finish.push(resolve));
    };
    const grouping = new InsertGrouping(write, { maxWaitMs: 5, maxDocuments: 2, maxInFlight: 1 });
    const pending = [grouping.insert('errors', docs('a', 2))]; // full: written at once
    pending.push(grouping.insert('errors', docs('b', 1)));
    await vi.advanceTimersByTimeAsync(5); // b is due, but the only slot is taken
    pending.push(grouping.insert('errors', docs('c', 1))); // joins b's group while it waits
    expect(writes).toEqual([['a-0', 'a-1']]);
    finish.shift()!();
    await vi.advanceTimersByTimeAsync(0);
    expect(writes).toEqual([
      ['a-0', 'a-1'],
      ['b-0', 'c-0'],
    ]);
    finish.shift()!();
    await Promise.all(pending);
  });

  it('writes every waiting group at flushAll, whatever is in flight', async () => {
    const writes: string[][] = [];
    const write = (_kind: CollectionKind, documents: IdentifiedDocument[]) => {
      writes.push(documents.map((document) => String(document._id)));
      return new Promise<void>(() => undefined);
    };
    const grouping = new InsertGrouping(write, { maxWaitMs: 60_000, maxDocuments: 1, maxInFlight: 1 });
    void grouping.insert('errors', docs('a', 1));
    void grouping.insert('errors', docs('b', 1));
    expect(writes).toEqual([['a-0']]);
    grouping.flushAll();
    expect(writes).toEqual([['a-0'], ['b-0']]);
  });
});
