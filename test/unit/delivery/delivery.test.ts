import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoServerError } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spooledBytes } from '../../../src/delivery/spool';
import { StatsCounter, zeroStats } from '../../../src/foundation/stats';
import { captureDiag } from '../../support/diag';
import { counts, docs, fakeTimers, isSettled, setup, spooledIds, until } from './delivery-fixture';

const diagOutput = captureDiag();
const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
  vi.useRealTimers();
});

describe('Delivery with a spool', () => {
  it('writes a batch once and counts its documents as written', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    const result = await delivery.deliver('errors', 'insert', docs('a'), stats);
    expect(result).toEqual({ code: 'written' });
    expect(writer.writes).toEqual([{ operation: 'insert', kind: 'errors', ids: ['a-0', 'a-1', 'a-2'] }]);
    expect(counts(stats)).toEqual({ ...zeroStats(), written: 3 });
    expect(spooledIds(spoolDir)).toEqual([]);
  });

  it('uses upsert for an upsert batch', async () => {
    const { writer, stats, delivery } = setup();
    await delivery.deliver('metrics', 'upsert', docs('m', 1), stats);
    expect(writer.writes.map((w) => w.operation)).toEqual(['upsert']);
  });

  it('counts documents the server refused for good as rejected and the others as written', async () => {
    const { writer, stats, delivery } = setup();
    writer.replies.push({ rejected: 1 });
    const result = await delivery.deliver('errors', 'insert', docs('a'), stats);
    expect(result).toEqual({ code: 'written' });
    expect(counts(stats)).toMatchObject({ written: 2, rejected: 1, failed: 0, spooled: 0 });
  });

  it('spools a batch at its first transient failure, without retrying or waiting', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.reachable = false;
    writer.fallback = 'transient';
    fakeTimers(); // a retry or a wait would leave the result pending
    const pending = delivery.deliver('errors', 'insert', docs('a'), stats);
    expect(await isSettled(pending)).toBe(true);
    const result = await pending;
    expect(result).toEqual({ code: 'spooled' });
    expect(writer.writes).toHaveLength(1);
    expect(counts(stats)).toMatchObject({ spooled: 3, written: 0, retried: 0, failed: 0 });
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'a-1', 'a-2']);
  });

  it('sends batches straight to the spool while the server is known to be down', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false;
    const result = await delivery.deliver('errors', 'insert', docs('a'), stats);
    expect(result).toEqual({ code: 'spooled' });
    expect(writer.writes).toEqual([]);
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'a-1', 'a-2']);
  });

  it('probes a server that is down without replaying, then replays in order as soon as it answers', async () => {
    const { writer, stats, delivery } = setup();
    writer.reachable = false;
    writer.fallback = 'transient';
    await delivery.deliver('errors', 'insert', docs('a', 2), stats);
    await delivery.deliver('errors', 'insert', docs('b', 2), stats);
    await until(() => writer.probes > 0, 'the server is probed');
    expect(writer.writes).toHaveLength(1); // only the first attempt: no replay while down
    writer.recover();
    await until(() => counts(stats).replayed === 4, 'the spool is replayed');
    expect(writer.writtenIds().slice(2)).toEqual(['a-0', 'a-1', 'b-0', 'b-1']);
    expect(counts(stats)).toMatchObject({ spooled: 4, replayed: 4, written: 0, dropped: 0 });
  });

  /** Spools `a-0`, lets the server answer again and holds the replay of `a-0` in flight. */
  async function replayInFlight() {
    const context = setup();
    const { writer, stats, delivery } = context;
    writer.replies.push('transient', 'hang');
    await delivery.deliver('errors', 'insert', docs('a', 1), stats);
    writer.recover();
    await until(() => writer.writes.length === 2, 'the replay of a-0 started');
    return context;
  }

  it('writes an insert batch directly while the spool drains and the server answers', async () => {
    const { writer, stats, delivery, spoolDir } = await replayInFlight();
    const result = await delivery.deliver('errors', 'insert', docs('b', 1), stats);
    expect(result).toEqual({ code: 'written' });
    expect(writer.writes[2]).toEqual({ operation: 'insert', kind: 'errors', ids: ['b-0'] });
    expect(spooledIds(spoolDir)).toEqual(['a-0']);
    writer.releaseHanging(); // the replay fails once, then succeeds: a-0 is stored once
    writer.recover();
    await until(() => counts(stats).replayed === 1, 'a-0 replayed');
    expect(counts(stats)).toMatchObject({ written: 1, spooled: 1, replayed: 1, failed: 0, dropped: 0 });
  });

  it('appends an upsert batch behind the spool while it drains, so that session states keep their order', async () => {
    const { writer, stats, delivery, spoolDir } = await replayInFlight();
    const result = await delivery.deliver('metrics', 'upsert', docs('m', 1), stats);
    expect(result).toEqual({ code: 'spooled' });
    expect(writer.writes).toHaveLength(2);
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'm-0']);
  });

  it('appends an insert batch to the spool while it drains and the server is known to be down', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.reachable = false;
    writer.fallback = 'transient';
    await delivery.deliver('errors', 'insert', docs('a', 1), stats);
    await until(() => writer.probes > 0, 'the replay loop probes the server');
    const result = await delivery.deliver('errors', 'insert', docs('b', 1), stats);
    expect(result).toEqual({ code: 'spooled' });
    expect(writer.writes).toHaveLength(1);
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'b-0']);
    expect(counts(stats)).toMatchObject({ spooled: 2, written: 0, failed: 0 });
  });

  it('reports a permanent failure as failed and never spools it', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.replies.push('permanent');
    const result = await delivery.deliver('errors', 'insert', docs('a'), stats);
    expect(result.code).toBe('failed');
    expect(result.code === 'failed' && result.error.message).toMatch(/not authorized/);
    expect(counts(stats)).toMatchObject({ failed: 3, spooled: 0, written: 0 });
    expect(spooledIds(spoolDir)).toEqual([]);
    expect(diagOutput.text()).toMatch(/3 errors document\(s\) not written \(a retry cannot fix this\)/);
  });

  it('spills documents straight to the spool without a write, counting them as spooled and spilled', () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false; // so that no replay runs meanwhile
    expect(delivery.spill('errors', docs('s', 4), stats)).toBe(true);
    expect(writer.writes).toEqual([]);
    expect(counts(stats)).toMatchObject({ spooled: 4, spilled: 4 });
    delivery.abort();
    expect(spooledIds(spoolDir)).toEqual(['s-0', 's-1', 's-2', 's-3']);
  });

  it('counts every document as failed when the spool folder cannot be used, and says why once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'delivery-file-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const { writer, stats, delivery } = setup({ spoolDir: file });
    writer.isDown = true;
    const first = await delivery.deliver('errors', 'insert', docs('a'), stats);
    await delivery.deliver('errors', 'insert', docs('b'), stats);
    delivery.spill('errors', docs('c'), stats);
    expect(first.code).toBe('failed');
    expect(counts(stats)).toMatchObject({ failed: 9, spooled: 0, spilled: 0 });
    expect(diagOutput.text().match(/cannot spool to/g)).toHaveLength(1);
  });

  it('abort() spools a batch whose write is still in flight, and counts it once even if the write ends later', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.replies.push('hang');
    const pending = delivery.deliver('errors', 'insert', docs('a'), stats);
    await until(() => writer.writes.length === 1, 'the write started');
    delivery.abort();
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'a-1', 'a-2']);
    writer.releaseHanging();
    expect(await pending).toEqual({ code: 'spooled' });
    expect(counts(stats)).toMatchObject({ spooled: 3, failed: 0, written: 0 });
  });

  it('close() with the server down returns without waiting out its bound and leaves the spool for the next start', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.reachable = false;
    writer.fallback = 'transient';
    fakeTimers();
    await delivery.deliver('errors', 'insert', docs('a'), stats);
    expect(await isSettled(delivery.close(10_000))).toBe(true);
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'a-1', 'a-2']);
  });

  it('puts back only the batches not yet stored when a replay stops midway', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false;
    await delivery.deliver('errors', 'insert', docs('a', 1), stats);
    await delivery.deliver('errors', 'insert', docs('b', 1), stats);
    writer.replies.push('ok', 'transient'); // the replay stores `a`, then the server goes away
    writer.recover();
    await until(() => writer.writes.length === 2, 'replay tried both');
    await until(() => counts(stats).replayed === 1, 'a replayed');
    delivery.abort();
    expect(spooledIds(spoolDir)).toEqual(['b-0']);
    expect(counts(stats)).toMatchObject({ replayed: 1, spooled: 2 });
  });

  it('counts documents the server refuses at replay as dropped, not replayed', async () => {
    const { writer, stats, delivery } = setup();
    writer.isDown = true;
    writer.reachable = false;
    await delivery.deliver('errors', 'insert', docs('a', 3), stats);
    writer.replies.push({ rejected: 1 });
    writer.recover();
    await until(() => counts(stats).replayed === 2, 'replayed');
    expect(counts(stats)).toMatchObject({ replayed: 2, dropped: 1, rejected: 0 });
  });

  it('spools a held document at abort unless a delivered batch held it', async () => {
    const { stats, delivery, spoolDir } = setup();
    delivery.hold('errors', { _id: 'crash-1' });
    delivery.hold('errors', { _id: 'crash-2' });
    await delivery.deliver('errors', 'insert', [{ _id: 'crash-2' }], stats);
    delivery.abort();
    expect(spooledIds(spoolDir)).toEqual(['crash-1']);
  });

  it('replays at construction what an earlier process left in the spool', async () => {
    const first = setup();
    first.writer.isDown = true;
    await first.delivery.deliver('errors', 'insert', docs('old', 2), first.stats);
    first.delivery.abort();
    const second = setup({ spoolDir: first.spoolDir });
    await until(() => counts(second.stats).replayed === 2, 'replayed by the new delivery');
    expect(second.writer.writtenIds()).toEqual(['old-0', 'old-1']);
    expect(readdirSync(first.spoolDir).filter((n) => n.endsWith('.ejsonl'))).toEqual([]);
  });
});

describe('Delivery without a spool', () => {
  it('retries a transient failure until the write succeeds, counting the retried documents', async () => {
    const { writer, stats, delivery } = setup({ spool: false });
    writer.replies.push('transient', 'transient');
    const result = await delivery.deliver('errors', 'insert', docs('a', 2), stats);
    expect(result).toEqual({ code: 'written' });
    expect(writer.writes).toHaveLength(3);
    expect(counts(stats)).toMatchObject({ written: 2, retried: 4, failed: 0 });
  });

  it("counts retries in the batch's own counters, not the destination's (a storm summary has its own)", async () => {
    const destination = new StatsCounter();
    const { writer, delivery } = setup({ spool: false, spoolStats: () => destination });
    const own = new StatsCounter();
    writer.replies.push('transient');
    await delivery.deliver('errors', 'insert', docs('a', 2), own);
    expect(counts(own)).toMatchObject({ written: 2, retried: 2 });
    expect(counts(destination).retried).toBe(0);
  });

  it('reports failed when the server is still unreachable at the retry deadline', async () => {
    const { writer, stats, delivery } = setup({ spool: false, retryDeadlineMs: 300 });
    writer.fallback = 'transient';
    const result = await delivery.deliver('errors', 'insert', docs('a', 2), stats);
    expect(result.code).toBe('failed');
    expect(counts(stats)).toMatchObject({ failed: 2, spooled: 0, written: 0 });
    expect(diagOutput.text()).toMatch(/not written \(the spool is off\)/);
  });

  it('does not retry a permanent failure', async () => {
    const { writer, stats, delivery } = setup({ spool: false });
    writer.replies.push('permanent');
    await delivery.deliver('errors', 'insert', docs('a', 2), stats);
    expect(writer.writes).toHaveLength(1);
    expect(counts(stats)).toMatchObject({ failed: 2, retried: 0 });
  });

  it('writes even while the server is known to be down: there is no spool to go behind', async () => {
    const { writer, stats, delivery } = setup({ spool: false });
    writer.isDown = true;
    expect(await delivery.deliver('errors', 'insert', docs('a', 2), stats)).toEqual({ code: 'written' });
    expect(writer.writes).toHaveLength(1);
  });

  it('spill() declines, so that the caller knows nothing was kept', () => {
    const { stats, delivery } = setup({ spool: false });
    expect(delivery.spill('errors', docs('a'), stats)).toBe(false);
    expect(counts(stats)).toEqual(zeroStats());
  });
});

describe('Delivery decisions', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('keeps the driver error as the cause of a failed result', async () => {
    const { writer, stats, delivery } = setup();
    writer.replies.push('permanent');
    const result = await delivery.deliver('errors', 'insert', docs('a'), stats);
    expect(result.code === 'failed' && result.error.cause).toBeInstanceOf(MongoServerError);
  });

  it('keeps the file-system error as the cause when the spool cannot be written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'delivery-file-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    writeFileSync(join(root, 'a-file'), 'x');
    const { writer, stats, delivery } = setup({ spoolDir: join(root, 'a-file', 'spool') });
    writer.isDown = true;
    const result = await delivery.deliver('errors', 'insert', docs('a'), stats);
    expect(result.code === 'failed' && (result.error.cause as NodeJS.ErrnoException).code).toBe('ENOTDIR');
    expect(result.code === 'failed' && result.error.message).toMatch(/^cannot spool to .*a-file.*: ENOTDIR/);
  });

  it('spools a batch whose delivery fails unexpectedly (a bug), counting it as spooled and an internal error', async () => {
    const { writer, stats, delivery } = setup();
    writer.replies.push('permanent');
    vi.spyOn(writer, 'describe').mockImplementationOnce(() => {
      throw new Error('a bug in describe');
    });
    const result = await delivery.deliver('errors', 'insert', docs('a'), stats);
    expect(result).toEqual({ code: 'spooled' });
    expect(counts(stats)).toMatchObject({ spooled: 3, failed: 0, internalErrors: 1 });
    await until(() => counts(stats).replayed === 3, 'the spooled batch is replayed');
    expect(diagOutput.text()).toMatch(/delivery failed unexpectedly.*a bug in describe/);
  });

  it('fails a batch larger than the whole spool, counting it as failed', async () => {
    const { writer, stats, delivery, spoolDir } = setup({ spoolMaxBytes: 100 });
    writer.isDown = true;
    writer.reachable = false;
    const result = await delivery.deliver('errors', 'insert', docs('a', 5), stats);
    expect(result).toEqual({ code: 'failed', error: new Error('one batch is larger than spoolMaxBytes') });
    expect(counts(stats)).toMatchObject({ failed: 5, spooled: 0 });
    expect(spooledIds(spoolDir)).toEqual([]);
  });

  it('says again that the spool cannot be written after it worked in between', async () => {
    const { writer, stats, delivery } = setup();
    writer.isDown = true;
    writer.reachable = false;
    const circular: Record<string, unknown> = { _id: 'loop' };
    circular.self = circular; // cannot be serialized: the append throws
    const broken = () => delivery.deliver('errors', 'insert', [circular as never], stats);
    await broken();
    await broken();
    expect(diagOutput.text().match(/cannot spool to/g)).toHaveLength(1);
    expect(await delivery.deliver('errors', 'insert', docs('b', 1), stats)).toEqual({ code: 'spooled' });
    await broken();
    expect(diagOutput.text().match(/cannot spool to/g)).toHaveLength(2);
    expect(counts(stats)).toMatchObject({ failed: 3, spooled: 1 });
  });

  it('tells whether a batch fits in the spool without dropping older ones; never without a spool', () => {
    const batch = { kind: 'errors' as const, operation: 'insert' as const, documents: docs('a', 1) };
    const bytes = spooledBytes(batch);
    expect(setup({ spoolMaxBytes: bytes }).delivery.spoolFits(batch)).toBe(true);
    expect(setup({ spoolMaxBytes: bytes - 1 }).delivery.spoolFits(batch)).toBe(false);
    expect(setup({ spool: false }).delivery.spoolFits(batch)).toBe(false);
  });

  it('says whether it spools', () => {
    expect(setup().delivery.spools).toBe(true);
    expect(setup({ spool: false }).delivery.spools).toBe(false);
  });

  it('spill() of no documents keeps nothing and counts nothing', () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    expect(delivery.spill('errors', [], stats)).toBe(true);
    expect(counts(stats)).toEqual(zeroStats());
    expect(readdirSync(join(spoolDir, '..'))).toEqual([]);
  });

  it('spill() after an abort counts the documents as failed, not spilled', () => {
    const { stats, delivery } = setup();
    delivery.abort();
    expect(delivery.spill('errors', docs('a', 2), stats)).toBe(true);
    expect(counts(stats)).toMatchObject({ failed: 2, spooled: 0, spilled: 0 });
  });

  it('writes a batch directly once the spool has drained', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false;
    delivery.spill('errors', docs('a', 1), stats);
    writer.recover();
    await until(() => counts(stats).replayed === 1, 'a replayed');
    await until(() => spooledIds(spoolDir).length === 0, 'the spool is empty');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await delivery.deliver('metrics', 'upsert', docs('m', 1), stats)).toEqual({ code: 'written' });
  });

  it('without a spool, retries until retryDeadlineMs and no longer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.spyOn(Math, 'random').mockReturnValue(1); // waits of 100, 200, 400, 800 ms
    const { writer, stats, delivery } = setup({ spool: false, retryDeadlineMs: 1000 });
    writer.fallback = 'transient';
    const pending = delivery.deliver('errors', 'insert', docs('a', 1), stats);
    await vi.advanceTimersByTimeAsync(700);
    // 100 + 200 + 400 ms waited; the next 800 ms would pass the deadline.
    const result = await pending;
    expect(result.code).toBe('failed');
    expect(writer.writes).toHaveLength(4);
    expect(counts(stats)).toMatchObject({ retried: 3, failed: 1 });
  });
});
