import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { destinationKey, spooledBytes } from '../../../src/delivery/spool';
import { captureDiag } from '../../support/diag';
import { counts, docs, setup, spooledIds, until } from './delivery-fixture';

// Decisions of the delivery that one test alone used to protect (Stryker: a killed mutant covered
// by a single test). Each test here is a second, independent witness, through another path than
// the first one: docs/development.md ("Mutation testing", "Decisions with a second test").

const diagOutput = captureDiag();
afterEach(() => vi.restoreAllMocks());

/** A pid beyond Linux's pid_max: no process has it. */
const DEAD_PID = 4194311;

describe('Delivery: a full spool refuses instead of dropping (the gateway answers 503)', () => {
  it('with refuseWhenSpoolFull, answers "refused", counts nothing and leaves the spooled batches alone', async () => {
    const batchBytes = spooledBytes({ kind: 'errors', operation: 'insert', documents: docs('x', 2) });
    const { writer, stats, delivery, spoolDir } = setup({ spoolMaxBytes: batchBytes + 10 });
    writer.isDown = true;
    writer.reachable = false;
    expect(
      await delivery.deliver('errors', 'insert', docs('a', 2), stats, { refuseWhenSpoolFull: true }),
    ).toEqual({
      code: 'spooled',
    });
    const before = counts(stats);
    const result = await delivery.deliver('errors', 'insert', docs('b', 2), stats, {
      refuseWhenSpoolFull: true,
    });
    expect(result.code).toBe('refused');
    expect(result).toHaveProperty('reason', 'the database is unreachable and the spool is full');
    expect(counts(stats)).toEqual(before);
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'a-1']);
    expect(writer.writes).toEqual([]);
  });
});

describe('Delivery: held documents (crash records) are spooled at abort only while undelivered', () => {
  it('spools none of the held documents a delivered batch carried, and counts no held copy as accepted', async () => {
    const { stats, delivery, spoolDir } = setup();
    const held = docs('held', 3);
    for (const document of held) delivery.hold('errors', document);
    expect(await delivery.deliver('errors', 'insert', held, stats)).toEqual({ code: 'written' });
    delivery.abort();
    expect(spooledIds(spoolDir)).toEqual([]);
    expect(counts(stats)).toMatchObject({ written: 3, spooled: 0, accepted: 0 });
  });
});

describe('Delivery: a bug while delivering loses nothing', () => {
  it('spools the batch when planning it throws, and counts one internal error', async () => {
    const { writer, stats, delivery, spoolDir } = setup();
    writer.isDown = true;
    writer.reachable = false;
    vi.spyOn(delivery, 'spoolFits').mockImplementation(() => {
      throw new Error('a bug in spoolFits');
    });
    const result = await delivery.deliver('errors', 'insert', docs('a', 2), stats, {
      refuseWhenSpoolFull: true,
    });
    expect(result).toEqual({ code: 'spooled' });
    expect(counts(stats)).toMatchObject({ internalErrors: 1, spooled: 2, failed: 0 });
    expect(spooledIds(spoolDir)).toEqual(['a-0', 'a-1']);
    expect(diagOutput.text()).toMatch(/delivery failed unexpectedly.*a bug in spoolFits/);
  });
});

describe('Delivery: a batch larger than the whole spool', () => {
  it('is failed and counted as failed when a transient write failure sends it to the spool', async () => {
    const { writer, stats, delivery, spoolDir } = setup({ spoolMaxBytes: 100 });
    writer.replies.push('transient');
    const result = await delivery.deliver('errors', 'insert', docs('big', 4), stats);
    expect(result.code).toBe('failed');
    expect(result).toHaveProperty('error.message', 'one batch is larger than spoolMaxBytes');
    expect(counts(stats)).toMatchObject({ failed: 4, spooled: 0, written: 0 });
    expect(spooledIds(spoolDir)).toEqual([]);
    expect(diagOutput.text()).toMatch(/4 errors document\(s\) not written \(too large to spool\)/);
  });
});

describe('Delivery at start: what a crashed process left in the spool is replayed, once', () => {
  const line = (id: string) => `1\terrors\tinsert\t[{"_id":"${id}"}]\n`;

  it('replays an open segment a dead process left, never one of another destination or of a live process', async () => {
    const first = setup();
    first.writer.isDown = true;
    first.writer.reachable = false; // no replay by the first delivery meanwhile
    await first.delivery.deliver('errors', 'insert', docs('own', 1), first.stats);
    const [own] = readdirSync(first.spoolDir);
    expect(own).toMatch(/\.ejsonl\.open$/);
    first.delivery.abort();
    const spoolDir = first.spoolDir;
    const second = setup({ spoolDir });
    let answer!: () => void;
    second.writer.replies.push({ until: new Promise<void>((resolve) => (answer = resolve)) });
    await until(() => second.writer.writes.length === 1, 'the replay of the closed segment has begun');
    // Found by the replay's next listing: open segments (the name of `own`, another writer's pid
    // and destination key) of processes that died while writing, and of a live one (pid 1).
    const named = (pid: number, key: string) =>
      own!.replace(`-${process.pid}-`, `-${pid}-`).replace(destinationKey('test-destination'), key);
    const ours = destinationKey('test-destination');
    const theirs = destinationKey('other-destination');
    writeFileSync(join(spoolDir, named(DEAD_PID, ours)), line('dead'));
    writeFileSync(join(spoolDir, named(DEAD_PID, theirs)), line('theirs'));
    writeFileSync(join(spoolDir, named(1, ours)), line('live'));
    answer();
    const left = [named(1, ours), named(DEAD_PID, theirs).slice(0, -'.open'.length)].sort();
    await until(() => readdirSync(spoolDir).sort().join() === left.join(), 'only the two others are left');
    expect(second.writer.writtenIds()).toEqual(['own-0', 'dead']);
    expect(counts(second.stats).replayed).toBe(2);
  });

  it('takes over a segment a dead process had claimed for replay, and replays all of it', async () => {
    const { spoolDir } = setup({ spool: false });
    mkdirSync(spoolDir, { recursive: true });
    // A segment of the first releases (no destination key in its name), mid-replay when its process died.
    const original = `000000000000001-${DEAD_PID}-000000.ejsonl`;
    writeFileSync(join(spoolDir, `${original}.replay-${DEAD_PID}`), line('x') + line('y'));
    const next = setup({ spoolDir });
    await until(() => counts(next.stats).replayed === 2, 'the claimed segment is replayed');
    expect(next.writer.writtenIds()).toEqual(['x', 'y']);
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});
