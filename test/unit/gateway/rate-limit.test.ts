import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/gateway/rate-limit';

describe('RateLimiter', () => {
  it('allows a burst, then one request per 1/rate seconds, answering the seconds to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 4, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([0, 0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    now += 500; // half a second refills one request at 2/s
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
  });

  it('keeps a bucket per key', () => {
    const limiter = new RateLimiter(1, 1, () => 0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
  });

  it('is off at a rate of 0', () => {
    const limiter = new RateLimiter(0, 0, () => 0);
    expect([1, 2, 3].map(() => limiter.take('a'))).toEqual([0, 0, 0]);
  });
});
