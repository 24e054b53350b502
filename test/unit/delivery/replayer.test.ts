import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutageNotice } from '../../../src/delivery/outage-notice';
import { REPLAY_ROUND_MS, REPLAY_WINDOW, Replayer } from '../../../src/delivery/replayer';
import { DiskSpool } from '../../../src/delivery/spool';
import { StatsCounter } from '../../../src/foundation/stats';
import { WriterDouble } from './writer-double';

const roots: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A spool holding `segments` closed segments of one insert batch each, and a replayer on it. */
function setup(segments: number) {
  const root = mkdtempSync(join(tmpdir(), 'replayer-unit-'));
  roots.push(root);
  const spool = new DiskSpool(root, 1024 * 1024, { dropped: () => undefined }, 'test-destination');
  for (let i = 0; i < segments; i++) {
    spool.append({ kind: 'errors', operation: 'insert', documents: [{ _id: `s${i}` }] });
    spool.rotate();
  }
  const writer = new WriterDouble();
  const stats = new StatsCounter();
  const drained = vi.fn();
  const replayer = new Replayer({
    spool,
    writer,
    notice: new OutageNotice(),
    stats: () => stats,
    dropped: () => undefined,
    drained,
  });
  return { root, spool, writer, stats, replayer, drained };
}

describe('Replayer', () => {
  it('replays every segment oldest first, deletes them, counts them and says the spool is drained', async () => {
    const { root, writer, stats, replayer, drained } = setup(3);
    replayer.start();
    await replayer.finished();
    expect(writer.writtenIds()).toEqual(['s0', 's1', 's2']);
    expect(stats.snapshot().replayed).toBe(3);
    expect(readdirSync(root)).toEqual([]);
    expect(drained).toHaveBeenCalledTimes(1);
    expect(replayer.active).toBe(false);
  });

  it('lets the process end once per round: it releases the idle connection after REPLAY_ROUND_MS of writing', async () => {
    const { writer, replayer } = setup(3);
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    // Each write takes a whole round.
    const insert = writer.insert.bind(writer);
    writer.insert = (kind, documents) => {
      vi.setSystemTime(Date.now() + REPLAY_ROUND_MS);
      return insert(kind, documents);
    };
    replayer.start();
    await replayer.finished();
    expect(Date.now() - start).toBe(3 * REPLAY_ROUND_MS);
    expect(writer.releases).toBe(3);
  });

  it('does not release the connection during a replay shorter than a round', async () => {
    const { writer, replayer } = setup(3);
    replayer.start();
    await replayer.finished();
    expect(writer.releases).toBe(0);
  });

  it('gives the unfinished segment back when stopped mid-replay, keeping only its unstored batches', async () => {
    const { root, writer, replayer } = setup(1);
    writer.replies.push('hang');
    replayer.start();
    await new Promise((resolve) => setImmediate(resolve));
    replayer.stop();
    writer.releaseHanging();
    await replayer.finished();
    const names = readdirSync(root);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/\.ejsonl$/);
  });

  it('probes instead of reading the spool while the server is down, and stops at the first failure once a close is requested', async () => {
    const { writer, replayer } = setup(1);
    writer.isDown = true;
    writer.reachable = false;
    replayer.requestClose();
    replayer.start();
    await replayer.finished();
    expect(writer.probes).toBe(1);
    expect(writer.writes).toEqual([]);
  });
});

describe('Replayer: batches in flight', () => {
  /** A spool with one segment of `operations` (one batch each), oldest first. */
  function oneSegment(operations: ('insert' | 'upsert')[]) {
    const context = setup(0);
    operations.forEach((operation, i) =>
      context.spool.append({
        kind: operation === 'insert' ? 'errors' : 'metrics',
        operation,
        documents: [{ _id: `b${i}` }],
      }),
    );
    context.spool.rotate();
    return context;
  }

  it(`writes up to ${REPLAY_WINDOW} insert batches at once, not more`, async () => {
    const { writer, replayer } = oneSegment(['insert', 'insert', 'insert']);
    writer.replies.push('hang', 'hang');
    replayer.start();
    await vi.waitFor(() => expect(writer.writes).toHaveLength(2), { interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writer.writes).toHaveLength(REPLAY_WINDOW);
    replayer.stop();
    writer.releaseHanging();
    await replayer.finished();
  });

  it('writes an upsert alone, after what is in flight, so that session states keep their order', async () => {
    const { writer, replayer } = oneSegment(['insert', 'upsert', 'insert']);
    let answer!: () => void;
    writer.replies.push({ until: new Promise<void>((resolve) => (answer = resolve)) });
    replayer.start();
    await vi.waitFor(() => expect(writer.writes).toHaveLength(1), { interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writer.writes).toHaveLength(1); // the upsert waits for the insert in flight
    answer();
    await replayer.finished();
    expect(writer.writes.map((write) => write.operation)).toEqual(['insert', 'upsert', 'insert']);
  });

  it('counts a batch stored beside one that fails only once it is written again, and gives back both', async () => {
    const { root, writer, stats, replayer } = oneSegment(['insert', 'insert']);
    writer.replies.push('permanent', 'ok');
    replayer.requestClose();
    replayer.start();
    await replayer.finished();
    expect(stats.snapshot().replayed).toBe(0);
    expect(readdirSync(root)).toHaveLength(1); // the whole segment is back
    writer.fallback = 'ok';
  });
});
