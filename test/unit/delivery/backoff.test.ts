import { afterEach, describe, expect, it, vi } from 'vitest';
import { Pause, backoffDelay, keepingAlive, retryUntil, sleep } from '../../../src/delivery/backoff';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Timers that keep the process alive (an unref'd timer is not listed). */
const liveTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

/** Whether `promise` has settled, after letting pending callbacks run. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return settled;
}

describe('backoffDelay', () => {
  it('doubles from the base with each attempt, up to the cap, with full jitter', () => {
    expect(backoffDelay(0, 100, 2000, () => 1)).toBe(100);
    expect(backoffDelay(1, 100, 2000, () => 1)).toBe(200);
    expect(backoffDelay(3, 100, 2000, () => 1)).toBe(800);
    expect(backoffDelay(10, 100, 2000, () => 1)).toBe(2000);
    expect(backoffDelay(10, 100, 2000, () => 0)).toBe(0);
    expect(backoffDelay(3, 100, 2000, () => 0.5)).toBe(400);
  });

  it('rounds the jittered delay to a whole millisecond', () => {
    expect(backoffDelay(0, 100, 2000, () => 0.123_4)).toBe(12);
    expect(backoffDelay(0, 100, 2000, () => 0.127)).toBe(13);
  });

  it('stops doubling after 30 attempts, so that a long outage never overflows the delay', () => {
    expect(backoffDelay(40, 1, Number.POSITIVE_INFINITY, () => 1)).toBe(2 ** 30);
    expect(backoffDelay(30, 1, Number.POSITIVE_INFINITY, () => 1)).toBe(2 ** 30);
    expect(backoffDelay(29, 1, Number.POSITIVE_INFINITY, () => 1)).toBe(2 ** 29);
  });

  it('uses Math.random for the jitter by default', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.25);
    expect(backoffDelay(2, 100, 2000)).toBe(100);
  });
});

describe('keepingAlive', () => {
  it('holds a timer that keeps the process alive while the work runs, and clears it afterwards', async () => {
    const before = liveTimers();
    let finish!: (value: string) => void;
    const result = keepingAlive(new Promise<string>((resolve) => (finish = resolve)), 60_000);
    expect(liveTimers()).toBe(before + 1);
    finish('done');
    expect(await result).toBe('done');
    expect(liveTimers()).toBe(before);
  });

  it('passes the failure of the work on, and clears its timer then too', async () => {
    const before = liveTimers();
    await expect(keepingAlive(Promise.reject(new Error('broken')), 60_000)).rejects.toThrow('broken');
    expect(liveTimers()).toBe(before);
  });

  it('holds the process for at most maxMs', async () => {
    vi.useFakeTimers();
    void keepingAlive(new Promise(() => undefined), 1000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(999);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('sleep', () => {
  it('resolves after the given time, not before', async () => {
    vi.useFakeTimers();
    const done = sleep(500);
    await vi.advanceTimersByTimeAsync(499);
    expect(await isSettled(done)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await isSettled(done)).toBe(true);
  });
});

describe('retryUntil', () => {
  const noWait = () => Promise.resolve();

  it('retries transient failures until success, reporting each retry', async () => {
    let calls = 0;
    const retried: unknown[] = [];
    const result = await retryUntil(
      async () => {
        if (++calls < 3) throw new Error(`transient ${calls}`);
        return 'ok';
      },
      {
        deadline: Date.now() + 60_000,
        isTransient: () => true,
        onRetry: (e) => retried.push(e),
        sleep: noWait,
      },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(retried.map((e) => (e as Error).message)).toEqual(['transient 1', 'transient 2']);
  });

  it('does not retry a permanent failure and rethrows it', async () => {
    let calls = 0;
    const retried: unknown[] = [];
    const failure = new Error('no');
    await expect(
      retryUntil(
        async () => {
          calls++;
          throw failure;
        },
        {
          deadline: Date.now() + 60_000,
          isTransient: () => false,
          onRetry: (e) => retried.push(e),
          sleep: noWait,
        },
      ),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
    expect(retried).toEqual([]);
  });

  it('asks isTransient about the error the attempt threw', async () => {
    const seen: unknown[] = [];
    const failure = new Error('which one');
    await expect(
      retryUntil(() => Promise.reject(failure), {
        deadline: Date.now() + 60_000,
        isTransient: (error) => {
          seen.push(error);
          return false;
        },
        onRetry: () => undefined,
      }),
    ).rejects.toBe(failure);
    expect(seen).toEqual([failure]);
  });

  it('waits a doubling backoff from 100 ms between attempts, capped at 2 s', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const waits: number[] = [];
    let calls = 0;
    await retryUntil(
      async () => {
        if (++calls < 7) throw new Error('transient');
      },
      {
        deadline: Date.now() + 60_000,
        isTransient: () => true,
        onRetry: () => undefined,
        sleep: async (ms) => void waits.push(ms),
      },
    );
    expect(waits).toEqual([100, 200, 400, 800, 1600, 2000]);
  });

  it('gives up without waiting when the next wait would reach the deadline', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    vi.spyOn(Math, 'random').mockReturnValue(1); // first wait: 100 ms
    const failure = new Error('still down');
    let calls = 0;
    const waits: number[] = [];
    const attempt = async () => {
      calls++;
      throw failure;
    };
    const options = (deadline: number) => ({
      deadline,
      isTransient: () => true,
      onRetry: () => undefined,
      sleep: async (ms: number) => {
        waits.push(ms);
        vi.setSystemTime(Date.now() + ms);
      },
    });
    await expect(retryUntil(attempt, options(1_000_100))).rejects.toBe(failure);
    expect({ calls, waits }).toEqual({ calls: 1, waits: [] });

    calls = 0;
    // 100 ms fit before a deadline 101 ms away; the next 200 ms do not.
    await expect(retryUntil(attempt, options(Date.now() + 101))).rejects.toBe(failure);
    expect({ calls, waits }).toEqual({ calls: 2, waits: [100] });
  });

  it('waits with a plain timer when no sleep is given', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1);
    let calls = 0;
    const done = retryUntil(
      async () => {
        if (++calls < 2) throw new Error('transient');
        return 'ok';
      },
      { deadline: Date.now() + 60_000, isTransient: () => true, onRetry: () => undefined },
    );
    await vi.advanceTimersByTimeAsync(99);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await done).toBe('ok');
    expect(calls).toBe(2);
  });
});

describe('Pause', () => {
  it('ends a wait after the given time', async () => {
    vi.useFakeTimers();
    const pause = new Pause({ background: false });
    const waiting = pause.wait(300);
    await vi.advanceTimersByTimeAsync(299);
    expect(await isSettled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await isSettled(waiting)).toBe(true);
  });

  it('wake() ends a wait at once and clears its timer', async () => {
    vi.useFakeTimers();
    const pause = new Pause({ background: false });
    const waiting = pause.wait(60_000);
    pause.wake();
    expect(await isSettled(waiting)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('remembers a wake() with nobody waiting: the next wait ends at once, the one after does not', async () => {
    vi.useFakeTimers();
    const pause = new Pause({ background: false });
    pause.wake();
    expect(await isSettled(pause.wait(60_000))).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(await isSettled(pause.wait(60_000))).toBe(false);
  });

  it('does not carry a wake() that ended a wait over to the next wait', async () => {
    vi.useFakeTimers();
    const pause = new Pause({ background: false });
    const first = pause.wait(60_000);
    pause.wake();
    expect(await isSettled(first)).toBe(true);
    expect(await isSettled(pause.wait(60_000))).toBe(false);
  });

  it('remembers a wake() that comes after a wait timed out, for the next wait only', async () => {
    vi.useFakeTimers();
    const pause = new Pause({ background: false });
    const first = pause.wait(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(await isSettled(first)).toBe(true);
    pause.wake(); // nobody waits: remembered
    expect(await isSettled(pause.wait(60_000))).toBe(true);
    expect(await isSettled(pause.wait(60_000))).toBe(false);
  });

  it('keeps the process alive during a foreground wait, not during a background one', () => {
    const before = liveTimers();
    const foreground = new Pause({ background: false });
    void foreground.wait(60_000);
    expect(liveTimers()).toBe(before + 1);
    foreground.wake();
    expect(liveTimers()).toBe(before);
    const background = new Pause({ background: true });
    void background.wait(60_000);
    expect(liveTimers()).toBe(before);
    background.wake();
  });
});
