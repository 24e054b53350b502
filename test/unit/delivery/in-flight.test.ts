import { describe, expect, it } from 'vitest';
import { type InFlightBatch, InFlightBatches } from '../../../src/delivery/in-flight';
import type { SpooledBatch } from '../../../src/delivery/spool';
import { StatsCounter } from '../../../src/foundation/stats';

const batch = (id: string): SpooledBatch => ({
  kind: 'errors',
  operation: 'insert',
  documents: [{ _id: id }],
});

/** Starts a write of `batch` that ends when `finish` is called; `entry` is its in-flight entry. */
function start(inFlight: InFlightBatches, id: string, stats = new StatsCounter()) {
  let finish!: () => void;
  let entry!: InFlightBatch;
  const done = inFlight.run(batch(id), stats, (started) => {
    entry = started;
    return new Promise<void>((resolve) => (finish = resolve));
  });
  return { entry, finish, done };
}

async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('InFlightBatches', () => {
  it('is idle at once when nothing is in flight', async () => {
    expect(await isSettled(new InFlightBatches().idle())).toBe(true);
  });

  it('resolves idle() only when the last batch leaves, without polling', async () => {
    const inFlight = new InFlightBatches();
    const a = start(inFlight, 'a');
    const b = start(inFlight, 'b');
    const idle = inFlight.idle();
    a.finish();
    expect(await isSettled(idle)).toBe(false);
    expect(inFlight.size).toBe(1);
    b.finish();
    expect(await isSettled(idle)).toBe(true);
    expect(inFlight.size).toBe(0);
  });

  it('waits in idle() also for a batch that starts while it waits', async () => {
    const inFlight = new InFlightBatches();
    const a = start(inFlight, 'a');
    const idle = inFlight.idle();
    const b = start(inFlight, 'b');
    a.finish();
    expect(await isSettled(idle)).toBe(false);
    b.finish();
    expect(await isSettled(idle)).toBe(true);
  });

  it('takes a batch out when its write rejects, and passes the rejection on', async () => {
    const inFlight = new InFlightBatches();
    const done = inFlight.run(batch('a'), new StatsCounter(), () => Promise.reject(new Error('write broke')));
    await expect(done).rejects.toThrow('write broke');
    expect(inFlight.size).toBe(0);
    expect(await isSettled(inFlight.idle())).toBe(true);
  });

  it('counts a batch once: a second settle answers spooled without counting', () => {
    const inFlight = new InFlightBatches();
    const { entry } = start(inFlight, 'a');
    let counted = 0;
    const count = () => (counted++, { code: 'written' as const });
    expect(inFlight.settle(entry, count)).toEqual({ code: 'written' });
    expect(inFlight.settle(entry, count)).toEqual({ code: 'spooled' });
    expect(counted).toBe(1);
  });

  it('leaves a batch unsettled when counting it throws, so that the caller still accounts for it', () => {
    const inFlight = new InFlightBatches();
    const { entry } = start(inFlight, 'a');
    expect(() =>
      inFlight.settle(entry, () => {
        throw new Error('count failed');
      }),
    ).toThrow('count failed');
    expect(entry.settled).toBe(false);
    expect(inFlight.takeUnsettled()).toEqual([entry]);
  });

  it('hands over only unsettled batches at exit, marked settled, so that a late write does not count them again', () => {
    const inFlight = new InFlightBatches();
    const { entry: done } = start(inFlight, 'done');
    inFlight.settle(done, () => ({ code: 'written' }));
    const { entry: pending } = start(inFlight, 'pending');
    expect(inFlight.takeUnsettled()).toEqual([pending]);
    expect(pending.settled).toBe(true);
    expect(inFlight.settle(pending, () => ({ code: 'written' }))).toEqual({ code: 'spooled' });
  });

  it('releases idle() waiters when cleared', async () => {
    const inFlight = new InFlightBatches();
    start(inFlight, 'a'); // never finishes: a write that hangs
    const idle = inFlight.idle();
    inFlight.clear();
    expect(inFlight.size).toBe(0);
    expect(await isSettled(idle)).toBe(true);
  });
});
