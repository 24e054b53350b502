import { describe, expect, it } from 'vitest';
import { InFlight } from '../../../src/foundation/in-flight';

/** A promise settled from outside. */
function control<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}

/** Whether `promise` has settled once pending callbacks have run. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('InFlight', () => {
  it('returns the tracked promise itself and counts it until it settles', async () => {
    const inFlight = new InFlight();
    const work = control<string>();
    expect(inFlight.track(work.promise)).toBe(work.promise);
    expect(inFlight.size).toBe(1);
    work.resolve('done');
    await work.promise;
    await isSettled(Promise.resolve());
    expect(inFlight.size).toBe(0);
  });

  it('counts a rejected promise as settled, and adds no unhandled rejection of its own', async () => {
    const inFlight = new InFlight();
    const work = control();
    const tracked = inFlight.track(work.promise);
    const caught = tracked.catch((error: unknown) => error);
    const settled = inFlight.settled();
    work.reject(new Error('write failed'));
    expect(await caught).toEqual(new Error('write failed'));
    expect(await isSettled(settled)).toBe(true);
    expect(inFlight.size).toBe(0);
  });

  it('is settled and idle at once when nothing is in flight', async () => {
    const inFlight = new InFlight();
    expect(await isSettled(inFlight.settled())).toBe(true);
    expect(await isSettled(inFlight.idle())).toBe(true);
  });

  it('settled() waits for every promise tracked before the call, not for one tracked after it', async () => {
    const inFlight = new InFlight();
    const first = control();
    const second = control();
    inFlight.track(first.promise);
    inFlight.track(second.promise);
    const settled = inFlight.settled();
    const later = control();
    inFlight.track(later.promise);
    first.resolve();
    expect(await isSettled(settled)).toBe(false);
    second.resolve();
    expect(await isSettled(settled)).toBe(true);
    expect(inFlight.size).toBe(1);
  });

  it('idle() waits until nothing is in flight, including work tracked while it waits', async () => {
    const inFlight = new InFlight();
    const first = control();
    inFlight.track(first.promise);
    const idle = inFlight.idle();
    const later = control();
    inFlight.track(later.promise);
    first.resolve();
    expect(await isSettled(idle)).toBe(false);
    later.resolve();
    expect(await isSettled(idle)).toBe(true);
  });

  it('below(n) resolves as soon as fewer than n are pending: a window of concurrent work', async () => {
    const inFlight = new InFlight();
    const works = [control(), control(), control()];
    for (const work of works) inFlight.track(work.promise);
    expect(await isSettled(inFlight.below(4))).toBe(true);
    const room = inFlight.below(3);
    expect(await isSettled(room)).toBe(false);
    works[1]!.resolve();
    expect(await isSettled(room)).toBe(true);
    expect(inFlight.size).toBe(2);
  });

  it('forget() releases settled() and idle() waiters while the work still runs, and stops counting it', async () => {
    const inFlight = new InFlight();
    const hanging = control();
    inFlight.track(hanging.promise);
    const settled = inFlight.settled();
    const idle = inFlight.idle();
    inFlight.forget();
    expect(inFlight.size).toBe(0);
    expect(await isSettled(settled)).toBe(true);
    expect(await isSettled(idle)).toBe(true);
  });

  it('a forgotten promise that settles later does not release a waiter of work tracked after forget()', async () => {
    const inFlight = new InFlight();
    const forgotten = control();
    inFlight.track(forgotten.promise);
    inFlight.forget();
    const next = control();
    inFlight.track(next.promise);
    const idle = inFlight.idle();
    forgotten.resolve();
    expect(await isSettled(idle)).toBe(false);
    expect(inFlight.size).toBe(1);
    next.resolve();
    expect(await isSettled(idle)).toBe(true);
  });
});
