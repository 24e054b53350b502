import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StatsCounter } from '../../../src/foundation/stats';
import { captureDiag } from '../../support/diag';
import { counts, docs, fakeTimers, isSettled, settle, setup, spooledIds } from './delivery-fixture';

captureDiag();
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('Delivery.close', () => {
  it('waits for a write in flight, then returns without spooling it', async () => {
    fakeTimers();
    const { writer, stats, delivery, spoolDir } = setup();
    let answer!: () => void;
    writer.replies.push({ until: new Promise<void>((resolve) => (answer = resolve)) });
    const pending = delivery.deliver('errors', 'insert', docs('a'), stats);
    const closed = delivery.close(60_000);
    await vi.advanceTimersByTimeAsync(100);
    expect(await isSettled(closed)).toBe(false);
    answer();
    await vi.advanceTimersByTimeAsync(10);
    expect(await isSettled(closed)).toBe(true);
    expect(await pending).toEqual({ code: 'written' });
    expect(spooledIds(spoolDir)).toEqual([]);
    expect(counts(stats)).toMatchObject({ written: 3, spooled: 0 });
  });

  it('gives up after timeoutMs: a write still in flight then goes to the spool, counted once', async () => {
    fakeTimers();
    const { writer, stats, delivery, spoolDir } = setup();
    writer.replies.push('hang');
    const pending = delivery.deliver('errors', 'insert', docs('a'), stats);
    const closed = delivery.close(1000);
    await vi.advanceTimersByTimeAsync(999);
    expect(await isSettled(closed)).toBe(false);
    expect(spooledIds(spoolDir)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await isSettled(closed)).toBe(true);
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'a-1', 'a-2']);
    writer.releaseHanging();
    expect(await pending).toEqual({ code: 'spooled' });
    expect(counts(stats)).toMatchObject({ spooled: 3, failed: 0, written: 0 });
  });

  it('empties the spool before it returns while the server answers', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false;
    await delivery.deliver('errors', 'insert', docs('a', 2), stats);
    writer.reachable = true;
    writer.isDown = false; // the server is back, and nobody told the replay loop yet
    await delivery.close(60_000);
    expect(spooledIds(spoolDir)).toEqual([]);
    expect(counts(stats)).toMatchObject({ spooled: 2, replayed: 2 });
  });

  it('stops replaying at the first failure, without a backoff, and leaves the rest for the next start', async () => {
    fakeTimers();
    const { writer, stats, delivery, spoolDir } = setup();
    writer.replies.push('transient');
    await delivery.deliver('errors', 'insert', docs('a', 2), stats);
    const closed = delivery.close(60_000);
    expect(await isSettled(closed)).toBe(true);
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'a-1']);
    expect(writer.probes).toBe(1);
  });

  it('wakes the replay loop from its backoff, so that it does not wait it out', async () => {
    fakeTimers();
    const { writer, stats, delivery } = setup();
    writer.isDown = true;
    writer.reachable = false;
    delivery.spill('errors', docs('a', 1), stats);
    await settle();
    expect(writer.probes).toBe(1); // now in its backoff
    expect(await isSettled(delivery.close(60_000))).toBe(true);
  });

  it('leaves no timer behind', async () => {
    fakeTimers();
    const { delivery } = setup();
    await delivery.close(60_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('returns at the first refusal of a replay that makes no progress, without backing off', async () => {
    fakeTimers();
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false;
    delivery.spill('errors', docs('a', 1), stats);
    await settle(); // the probe failed: the loop backs off
    writer.isDown = false;
    writer.reachable = true;
    writer.replies.push('permanent');
    expect(await isSettled(delivery.close(60_000))).toBe(true);
    expect(spooledIds(spoolDir)).toEqual(['a-0']);
  });

  it('goes on replaying after a refusal that followed progress', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false;
    for (const label of ['a', 'b']) delivery.spill('errors', docs(label, 1), stats);
    await settle();
    writer.isDown = false;
    writer.reachable = true;
    writer.replies.push('ok', 'permanent', 'ok');
    await delivery.close(60_000);
    expect(writer.writtenIds()).toEqual(['a-0', 'b-0', 'b-0']);
    expect(spooledIds(spoolDir)).toEqual([]);
  });

  it('keeps the process alive while it waits, up to its bound', async () => {
    const { writer, stats, delivery } = setup();
    writer.replies.push('hang');
    void delivery.deliver('errors', 'insert', docs('a', 1), stats);
    await settle();
    const made = recordTimers();
    const closed = delivery.close(60_000);
    await settle();
    const bound = made.filter((t) => t.ms === 60_000);
    expect(bound).toHaveLength(1);
    expect(bound[0]!.timer.hasRef()).toBe(true);
    writer.releaseHanging();
    await closed;
  });

  it('returns at once when already closed', async () => {
    fakeTimers();
    const { delivery } = setup();
    delivery.abort();
    expect(await isSettled(delivery.close(60_000))).toBe(true);
  });

  it('stops retrying without a spool: the batch fails after the current wait instead of at the deadline', async () => {
    fakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1); // waits of 100, 200, 400... ms
    const { writer, stats, delivery } = setup({ spool: false, retryDeadlineMs: 600_000 });
    writer.fallback = 'transient';
    const pending = delivery.deliver('errors', 'insert', docs('a', 2), stats);
    await vi.advanceTimersByTimeAsync(100);
    expect(writer.writes).toHaveLength(2);
    const closed = delivery.close(60_000);
    await vi.advanceTimersByTimeAsync(200);
    expect(await isSettled(pending)).toBe(true);
    expect((await pending).code).toBe('failed');
    expect(writer.writes).toHaveLength(3);
    expect(counts(stats)).toMatchObject({ failed: 2, retried: 4, written: 0 });
    await vi.advanceTimersByTimeAsync(10);
    expect(await isSettled(closed)).toBe(true);
  });

  it('refuses batches once closed, counting them as failed', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    await delivery.close(1000);
    const result = await delivery.deliver('errors', 'insert', docs('late', 2), stats);
    expect(result).toEqual({ code: 'failed', error: new Error('closed') });
    expect(writer.writes).toEqual([]);
    expect(counts(stats)).toMatchObject({ failed: 2, spooled: 0 });
    expect(spooledIds(spoolDir)).toEqual([]);
  });
});

/** Records the timers made from now on (they stay real): their delays, and whether they keep the process alive. */
function recordTimers(): { ms: number; timer: NodeJS.Timeout }[] {
  const made: { ms: number; timer: NodeJS.Timeout }[] = [];
  const real = globalThis.setTimeout;
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
    const timer = real(callback, ms);
    made.push({ ms: ms ?? 0, timer });
    return timer;
  }) as typeof setTimeout);
  return made;
}

describe('keeping the process alive', () => {
  it('does not keep the process alive while the replay loop backs off', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // a backoff of 550 ms
    const made = recordTimers();
    const { writer, stats, delivery } = setup();
    writer.isDown = true;
    writer.reachable = false;
    delivery.spill('errors', docs('a', 1), stats);
    await settle();
    expect(writer.probes).toBe(1);
    const backoff = made.filter((t) => t.ms === 550);
    expect(backoff).toHaveLength(1);
    expect(backoff[0]!.timer.hasRef()).toBe(false);
  });

  it('keeps the process alive while a batch waits for its retry without a spool, and for the whole retry', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // a retry wait of 100 ms
    const made = recordTimers();
    const { writer, stats, delivery } = setup({ spool: false, retryDeadlineMs: 10_000 });
    writer.fallback = 'transient';
    void delivery.deliver('errors', 'insert', docs('a', 1), stats);
    await settle();
    const kept = made.filter((t) => t.timer.hasRef()).map((t) => t.ms);
    expect(kept).toContain(100); // the retry wait
    expect(kept).toContain(15_000); // the bound of the whole retry: retryDeadlineMs + 5 s
  });
});

describe('Delivery.abort', () => {
  it('ends a retry wait at once without a spool: the batch fails without waiting', async () => {
    fakeTimers();
    const { writer, stats, delivery } = setup({ spool: false, retryDeadlineMs: 600_000 });
    writer.fallback = 'transient';
    const pending = delivery.deliver('errors', 'insert', docs('a', 2), stats);
    await settle();
    delivery.abort();
    expect(await isSettled(pending)).toBe(true);
    expect((await pending).code).toBe('failed');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('without a spool, counts a write in flight by its own outcome, not at the abort', async () => {
    const { writer, stats, delivery } = setup({ spool: false });
    let answer!: () => void;
    writer.replies.push({ until: new Promise<void>((resolve) => (answer = resolve)) });
    const pending = delivery.deliver('errors', 'insert', docs('a', 2), stats);
    await settle();
    delivery.abort();
    expect(counts(stats)).toMatchObject({ failed: 0, spooled: 0, written: 0 });
    answer();
    expect(await pending).toEqual({ code: 'written' });
    expect(counts(stats)).toMatchObject({ failed: 0, spooled: 0, written: 2 });
  });

  it('spools a write in flight at process exit, through its exit handler', async () => {
    const before = process.listenerCount('exit');
    const { writer, stats, delivery, spoolDir } = setup();
    expect(process.listenerCount('exit')).toBe(before + 1);
    writer.replies.push('hang');
    const pending = delivery.deliver('errors', 'insert', docs('a', 2), stats);
    await settle();
    const onExit = process.listeners('exit').at(-1) as () => void;
    onExit();
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'a-1']);
    expect(process.listenerCount('exit')).toBe(before);
    writer.releaseHanging();
    expect(await pending).toEqual({ code: 'spooled' });
  });

  it('puts back the part of a segment not yet replayed, and counts only what was stored', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false;
    for (const label of ['a', 'b', 'c']) delivery.spill('errors', docs(label, 1), stats);
    writer.replies.push('ok', 'hang');
    writer.recover();
    await vi.waitFor(() => expect(writer.writes.length).toBeGreaterThanOrEqual(2), { interval: 5 });
    delivery.abort();
    const writesAtAbort = writer.writes.length;
    // b hangs; c may have been written beside it (the replay's window), but b is not stored.
    expect(spooledIds(spoolDir)).toEqual(['b-0', 'c-0']);
    writer.releaseHanging();
    await settle();
    expect(counts(stats)).toMatchObject({ replayed: 1, spooled: 3, internalErrors: 0 });
    expect(writer.writes).toHaveLength(writesAtAbort); // nothing written after the abort
  });

  it('does not count a replayed batch whose write ends after the abort', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false;
    delivery.spill('errors', docs('a', 1), stats);
    let answer!: () => void;
    writer.replies.push({ until: new Promise<void>((resolve) => (answer = resolve)) });
    writer.recover();
    await vi.waitFor(() => expect(writer.writes).toHaveLength(1), { interval: 5 });
    delivery.abort();
    answer();
    await settle();
    expect(counts(stats).replayed).toBe(0);
    expect(spooledIds(spoolDir)).toEqual(['a-0']);
  });

  it('counts a failure to put back the segment being replayed as an internal error, and does not throw', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false;
    delivery.spill('errors', docs('a', 1), stats);
    delivery.spill('errors', docs('b', 1), stats);
    writer.replies.push('ok', 'hang');
    writer.recover();
    await vi.waitFor(() => expect(writer.writes).toHaveLength(2), { interval: 5 });
    const { rmSync } = await import('node:fs');
    rmSync(spoolDir, { recursive: true, force: true });
    expect(() => delivery.abort()).not.toThrow();
    expect(counts(stats).internalErrors).toBe(1);
  });

  it('is done once: a second abort changes nothing', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.replies.push('hang');
    void delivery.deliver('errors', 'insert', docs('a', 1), stats);
    await settle();
    delivery.abort();
    delivery.abort();
    expect(spooledIds(spoolDir)).toEqual(['a-0']);
    expect(counts(stats).spooled).toBe(1);
  });

  it('stops listening for the server coming back', () => {
    const { writer, delivery } = setup();
    const listeners = (writer as unknown as { listeners: Set<unknown> }).listeners;
    expect(listeners.size).toBe(1);
    delivery.abort();
    expect(listeners.size).toBe(0);
  });
});

describe('Delivery.hold', () => {
  it('spools a held document at abort, counted as accepted and spooled in the stats of its kind', () => {
    const { stats, delivery, spoolDir } = setup();
    delivery.hold('errors', { _id: 'crash-1' });
    delivery.abort();
    expect(spooledIds(spoolDir)).toEqual(['crash-1']);
    expect(counts(stats)).toMatchObject({ accepted: 1, spooled: 1, internalErrors: 0 });
    const [segment] = readdirSync(spoolDir);
    expect(readFileSync(join(spoolDir, segment!), 'utf8')).toMatch(/^1\terrors\tinsert\t/);
  });

  it('keeps holding a document whose batch failed, and spools it at abort', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    delivery.hold('errors', { _id: 'crash-1' });
    writer.replies.push('permanent');
    await delivery.deliver('errors', 'insert', [{ _id: 'crash-1' }], stats);
    delivery.abort();
    expect(spooledIds(spoolDir)).toEqual(['crash-1']);
  });

  it('spools a held document once when its batch is still in flight at abort', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    delivery.hold('errors', { _id: 'crash-1' });
    writer.replies.push('hang');
    void delivery.deliver('errors', 'insert', [{ _id: 'crash-1' }, { _id: 'other' }], stats);
    await settle();
    delivery.abort();
    expect(spooledIds(spoolDir)).toEqual(['crash-1', 'other']);
    expect(counts(stats)).toMatchObject({ accepted: 0, spooled: 2 });
  });

  it('holds nothing without a spool', async () => {
    const { stats, delivery } = setup({ spool: false });
    delivery.hold('errors', { _id: 'crash-1' });
    delivery.abort();
    expect(counts(stats)).toEqual(new StatsCounter().snapshot());
  });
});
