import { describe, expect, it } from 'vitest';
import { InFlightBatches } from '../../../src/delivery/in-flight';
import type { SpooledBatch } from '../../../src/delivery/spool';
import { StatsCounter } from '../../../src/foundation/stats';

const batch = (id: string): SpooledBatch => ({
  kind: 'errors',
  operation: 'insert',
  documents: [{ _id: id }],
});

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
    const stats = new StatsCounter();
    const a = inFlight.add(batch('a'), stats);
    const b = inFlight.add(batch('b'), stats);
    const idle = inFlight.idle();
    inFlight.remove(a);
    expect(await isSettled(idle)).toBe(false);
    inFlight.remove(b);
    expect(await isSettled(idle)).toBe(true);
  });

  it('counts a batch once: a second settle answers spooled without counting', () => {
    const inFlight = new InFlightBatches();
    const entry = inFlight.add(batch('a'), new StatsCounter());
    let counted = 0;
    const count = () => (counted++, { code: 'written' as const });
    expect(inFlight.settle(entry, count)).toEqual({ code: 'written' });
    expect(inFlight.settle(entry, count)).toEqual({ code: 'spooled' });
    expect(counted).toBe(1);
  });

  it('leaves a batch unsettled when counting it throws, so that the caller still accounts for it', () => {
    const inFlight = new InFlightBatches();
    const entry = inFlight.add(batch('a'), new StatsCounter());
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
    const stats = new StatsCounter();
    const done = inFlight.add(batch('done'), stats);
    inFlight.settle(done, () => ({ code: 'written' }));
    const pending = inFlight.add(batch('pending'), stats);
    expect(inFlight.takeUnsettled()).toEqual([pending]);
    expect(pending.settled).toBe(true);
    expect(inFlight.settle(pending, () => ({ code: 'written' }))).toEqual({ code: 'spooled' });
  });

  it('releases idle() waiters when cleared', async () => {
    const inFlight = new InFlightBatches();
    inFlight.add(batch('a'), new StatsCounter());
    const idle = inFlight.idle();
    inFlight.clear();
    expect(inFlight.size).toBe(0);
    expect(await isSettled(idle)).toBe(true);
  });
});
