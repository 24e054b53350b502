import { describe, expect, it } from 'vitest';
import { backoffDelay, retryUntil } from '../../../src/delivery/backoff';

describe('backoff', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    expect(backoffDelay(0, 100, 2000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 2000, () => 1)).toBe(800);
    expect(backoffDelay(10, 100, 2000, () => 1)).toBe(2000);
    expect(backoffDelay(10, 100, 2000, () => 0)).toBe(0);
  });

  it('retries transient failures until success', async () => {
    let calls = 0;
    const retried: unknown[] = [];
    const result = await retryUntil(
      async () => {
        if (++calls < 3) throw new Error('transient');
        return 'ok';
      },
      { deadline: Date.now() + 10_000, isTransient: () => true, onRetry: (e) => retried.push(e) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(retried).toHaveLength(2);
  });

  it('does not retry a permanent failure, and stops at the deadline', async () => {
    let calls = 0;
    const fail = async () => {
      calls++;
      throw new Error('no');
    };
    await expect(
      retryUntil(fail, { deadline: Date.now() + 10_000, isTransient: () => false, onRetry: () => {} }),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryUntil(fail, { deadline: Date.now() + 300, isTransient: () => true, onRetry: () => {} }),
    ).rejects.toThrow('no');
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThan(10);
  });
});
