import type * as Crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdSource } from '../../../src/document/id';

// Random bytes a test may fix: the process part and the counter's start.
const random = vi.hoisted(() => ({ fixed: undefined as number | undefined }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof Crypto>();
  return {
    ...actual,
    randomBytes: (size: number) =>
      random.fixed === undefined ? actual.randomBytes(size) : Buffer.alloc(size, random.fixed),
  };
});

afterEach(() => {
  vi.useRealTimers();
  random.fixed = undefined;
});

describe('createIdSource', () => {
  it('gives ObjectId-shaped ids: 8 hex of seconds, 10 of process, 6 of counter', () => {
    vi.useFakeTimers({ now: 0x65000000 * 1000 });
    const nextId = createIdSource();
    const id = nextId();
    expect(id).toMatch(/^65000000[0-9a-f]{16}$/);
  });

  it('counts up by one per id within a process, wrapping at 2^24', () => {
    const nextId = createIdSource();
    const ids = Array.from({ length: 3 }, nextId);
    const counters = ids.map((id) => parseInt(id.slice(18), 16));
    expect(counters[1]).toBe((counters[0]! + 1) & 0xffffff);
    expect(counters[2]).toBe((counters[1]! + 1) & 0xffffff);
    expect(new Set(ids.map((id) => id.slice(8, 18))).size).toBe(1);
  });

  it('gives unique ids for many calls in the same second', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const nextId = createIdSource();
    const ids = new Set(Array.from({ length: 10_000 }, nextId));
    expect(ids.size).toBe(10_000);
  });

  it('puts the current second in front, so ids sort by time', () => {
    vi.useFakeTimers({ now: 1000 * 0x10 });
    const nextId = createIdSource();
    const first = nextId();
    vi.setSystemTime(1000 * 0x11);
    const second = nextId();
    expect(first.slice(0, 8)).toBe('00000010');
    expect(second.slice(0, 8)).toBe('00000011');
    expect(first.slice(8, 18)).toBe(second.slice(8, 18));
  });

  it('gives two sources different process parts', () => {
    expect(createIdSource()().slice(8, 18)).not.toBe(createIdSource()().slice(8, 18));
  });

  it('wraps the counter from 0xffffff to 0', () => {
    vi.useFakeTimers({ now: 0x65000000 * 1000 });
    random.fixed = 0xff;
    const nextId = createIdSource();
    expect(nextId()).toBe('65000000ffffffffff000000');
    expect(nextId()).toBe('65000000ffffffffff000001');
  });

  it('pads a small counter to 6 hex digits', () => {
    vi.useFakeTimers({ now: 0x65000000 * 1000 });
    random.fixed = 0;
    const nextId = createIdSource();
    expect(nextId()).toBe('650000000000000000000001');
  });

  it('starts the counter at a random value, not at zero', () => {
    const counters = Array.from({ length: 4 }, () => parseInt(createIdSource()().slice(18), 16));
    expect(counters.some((counter) => counter > 1)).toBe(true);
  });

  it('gives the second prefix from the first id on, even at the first second after the epoch', () => {
    vi.useFakeTimers({ now: 1000 });
    random.fixed = 0;
    expect(createIdSource()()).toBe('000000010000000000000001');
  });
});
