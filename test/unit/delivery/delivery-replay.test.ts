import { appendFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spooledBytes } from '../../../src/delivery/spool';
import { StatsCounter } from '../../../src/foundation/stats';
import { captureDiag } from '../../support/diag';
import { counts, docs, fakeTimers, settle, setup, spooledIds } from './delivery-fixture';

const diagOutput = captureDiag();
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Fake timers, and backoff waits at their ceiling (no jitter): 250 ms × 2^stalls + 50, up to 5 s. */
function fakeTimersNoJitter(): void {
  fakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(1);
}

/** A delivery whose server is down, with `labels` spooled (one batch of one document each). */
function downWith(...labels: string[]) {
  const context = setup();
  context.writer.isDown = true;
  context.writer.reachable = false;
  for (const label of labels) context.delivery.spill('errors', docs(label, 1), context.stats);
  return context;
}

/** Room for two spooled batches of one document (labels of one letter), not three. */
const TWO_AND_A_HALF_LINES = Math.floor(
  spooledBytes({ kind: 'errors', operation: 'insert', documents: docs('a', 1) }) * 2.5,
);

describe('Delivery replay loop', () => {
  it('probes a server known to be down, backing off 550 ms, 1050 ms, 2050 ms... up to 5050 ms', async () => {
    fakeTimersNoJitter();
    const { writer } = downWith('a');
    await settle();
    expect(writer.probes).toBe(1);
    const probeTimes: number[] = [];
    let elapsed = 0;
    while (probeTimes.length < 6) {
      await vi.advanceTimersByTimeAsync(50);
      elapsed += 50;
      if (writer.probes > probeTimes.length + 1) probeTimes.push(elapsed);
    }
    expect(probeTimes).toEqual([550, 1600, 3650, 7700, 12750, 17800]);
    expect(writer.writes).toEqual([]);
  });

  it('replays at once when the writer says the server is back, without waiting out the backoff', async () => {
    fakeTimersNoJitter();
    const { writer, stats } = downWith('a', 'b');
    await settle();
    expect(writer.probes).toBe(1);
    writer.recover();
    await settle();
    expect(writer.writtenIds()).toEqual(['a-0', 'b-0']);
    expect(counts(stats)).toMatchObject({ replayed: 2, spooled: 2 });
  });

  it('replays in the order of spooling, each batch with its own operation', async () => {
    const { writer, stats, delivery } = downWith('a');
    await delivery.deliver('metrics', 'upsert', docs('m', 1), stats);
    delivery.spill('errors', docs('b', 1), stats);
    writer.recover();
    await vi.waitFor(() => expect(counts(stats).replayed).toBe(3), { interval: 5 });
    expect(writer.writes).toEqual([
      { operation: 'insert', kind: 'errors', ids: ['a-0'] },
      { operation: 'upsert', kind: 'metrics', ids: ['m-0'] },
      { operation: 'insert', kind: 'errors', ids: ['b-0'] },
    ]);
    expect(diagOutput.text()).not.toMatch(/dropping spooled data/);
  });

  it('replays what was spooled while it replayed, in a further round', async () => {
    const { writer, stats, delivery, spoolDir } = downWith('a');
    let answer!: () => void;
    writer.replies.push({ until: new Promise<void>((resolve) => (answer = resolve)) });
    writer.recover();
    await vi.waitFor(() => expect(writer.writes).toHaveLength(1), { interval: 5 });
    delivery.spill('errors', docs('b', 1), stats);
    await settle();
    expect(writer.writes).toHaveLength(1); // one replay loop: 'b' waits for 'a'
    answer();
    await vi.waitFor(() => expect(counts(stats).replayed).toBe(2), { interval: 5 });
    expect(writer.writtenIds()).toEqual(['a-0', 'b-0']);
    expect(spooledIds(spoolDir)).toEqual([]);
  });

  it('goes on at once, without a backoff, after a failure that followed progress', async () => {
    fakeTimersNoJitter();
    const { writer, stats } = downWith('a', 'b');
    writer.isDown = false;
    writer.reachable = true;
    writer.replies.push('ok', 'permanent', 'ok'); // 'b' is refused once, then stored
    await vi.advanceTimersByTimeAsync(550); // the first probe's backoff
    await settle();
    expect(writer.writtenIds()).toEqual(['a-0', 'b-0', 'b-0']);
    expect(counts(stats)).toMatchObject({ replayed: 2, dropped: 0 });
  });

  it('goes on at once, without a backoff, after a failure that followed a fully replayed segment', async () => {
    fakeTimersNoJitter();
    const { writer, stats, delivery } = downWith('a');
    writer.isDown = false;
    writer.reachable = true;
    writer.replies.push('permanent'); // round 1: 'a' refused, no progress: a backoff of 550 ms
    await vi.advanceTimersByTimeAsync(550);
    await settle();
    delivery.spill('errors', docs('b', 1), stats); // a segment of its own
    writer.replies.push('ok', 'permanent', 'ok'); // round 2: 'a' stored, 'b' refused; round 3 at once
    await vi.advanceTimersByTimeAsync(1050);
    await settle();
    expect(writer.writtenIds()).toEqual(['a-0', 'a-0', 'b-0', 'b-0']);
    expect(counts(stats).replayed).toBe(2);
  });

  it('keeps a batch the server refuses at replay for good, and tries it again after a backoff', async () => {
    fakeTimersNoJitter();
    const { writer, stats, spoolDir } = downWith('a');
    writer.replies.push('permanent');
    writer.reachable = true;
    writer.isDown = false;
    await vi.advanceTimersByTimeAsync(550); // the first probe's backoff
    await settle();
    expect(writer.writtenIds()).toEqual(['a-0']);
    expect(spooledIds(spoolDir)).toEqual(['a-0']);
    expect(diagOutput.text()).toMatch(/spool replay failed, will retry: not authorized/);
    await vi.advanceTimersByTimeAsync(1049); // a second stall: 1050 ms
    expect(writer.writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(writer.writtenIds()).toEqual(['a-0', 'a-0']);
    expect(counts(stats)).toMatchObject({ replayed: 1, dropped: 0 });
  });

  it('says through diag when it drops unreadable lines of a segment, and replays the others', async () => {
    const { writer, stats, delivery, spoolDir } = downWith('a');
    delivery.abort();
    const [segment] = readdirSync(spoolDir);
    appendFileSync(join(spoolDir, segment!), '1\terrors\tinsert\t[{"_id":"cut');
    const next = setup({ spoolDir });
    await vi.waitFor(() => expect(counts(next.stats).replayed).toBe(1), { interval: 5 });
    expect(diagOutput.text()).toMatch(
      /dropping spooled data: 1 unreadable line\(s\) in .* \(a write cut short\)/,
    );
    expect(writer.writes).toEqual([]);
    expect(counts(stats).replayed).toBe(0);
  });

  it('counts documents dropped because the spool is full, oldest first, as dropped', () => {
    const { writer, stats, delivery, spoolDir } = setup({ spoolMaxBytes: TWO_AND_A_HALF_LINES }); // two batches of one
    writer.isDown = true;
    writer.reachable = false;
    for (const label of ['a', 'b', 'c', 'd']) delivery.spill('errors', docs(label, 1), stats);
    expect(spooledIds(spoolDir)).toEqual(['c-0', 'd-0']);
    expect(counts(stats)).toMatchObject({ spooled: 4, dropped: 2 });
    expect(diagOutput.text()).toMatch(/dropping spooled data: spool full/);
  });

  it('counts an unexpected failure of the loop as an internal error, and resumes with the next spooled batch', async () => {
    const { writer, stats, delivery, spoolDir } = downWith('a');
    let answer!: () => void;
    writer.replies.push({ until: new Promise<void>((resolve) => (answer = resolve)) });
    writer.recover();
    await vi.waitFor(() => expect(writer.writes).toHaveLength(1), { interval: 5 });
    rmSync(spoolDir, { recursive: true, force: true }); // the claimed segment cannot be deleted now
    answer();
    await vi.waitFor(() => expect(counts(stats).internalErrors).toBe(1), { interval: 5 });
    expect(diagOutput.text()).toMatch(/spool replay stopped unexpectedly/);
    writer.isDown = true;
    await delivery.deliver('errors', 'insert', docs('b', 1), stats);
    writer.recover();
    await vi.waitFor(() => expect(writer.writtenIds()).toEqual(['a-0', 'b-0']), { interval: 5 });
  });
});

describe('Delivery counters of each kind', () => {
  it('counts replayed and refused documents in the counters of their kind', async () => {
    const byKind = { errors: new StatsCounter(), audit: new StatsCounter(), metrics: new StatsCounter() };
    const { writer, stats, delivery } = setup({ spoolStats: (kind) => byKind[kind] });
    writer.isDown = true;
    writer.reachable = false;
    delivery.spill('audit', docs('a', 2), stats);
    await delivery.deliver('metrics', 'upsert', docs('m', 3), stats);
    writer.replies.push({ rejected: 1 }, 'ok');
    writer.recover();
    await vi.waitFor(() => expect(byKind.metrics.snapshot().replayed).toBe(3), { interval: 5 });
    expect(byKind.audit.snapshot()).toMatchObject({ replayed: 1, dropped: 1 });
    expect(byKind.errors.snapshot()).toMatchObject({ replayed: 0, dropped: 0 });
    expect(counts(stats)).toMatchObject({ spooled: 5, replayed: 0, dropped: 0 });
  });

  it('counts spool-full drops and internal errors of the replay in the errors counters, whatever the kind', async () => {
    const byKind = { errors: new StatsCounter(), audit: new StatsCounter(), metrics: new StatsCounter() };
    const { writer, stats, delivery, spoolDir } = setup({
      spoolMaxBytes: TWO_AND_A_HALF_LINES,
      spoolStats: (kind) => byKind[kind],
    });
    writer.isDown = true;
    writer.reachable = false;
    for (const label of ['a', 'b', 'c']) delivery.spill('audit', docs(label, 1), stats);
    expect(byKind.errors.snapshot().dropped).toBe(2);
    expect(byKind.audit.snapshot().dropped).toBe(0);
    let answer!: () => void;
    writer.replies.push({ until: new Promise<void>((resolve) => (answer = resolve)) });
    writer.recover();
    await vi.waitFor(() => expect(writer.writes).toHaveLength(1), { interval: 5 });
    rmSync(spoolDir, { recursive: true, force: true });
    answer();
    await vi.waitFor(() => expect(byKind.errors.snapshot().internalErrors).toBe(1), { interval: 5 });
    expect(byKind.audit.snapshot().internalErrors).toBe(0);
  });
});
