import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskSpool, type SpooledBatch, spooledBytes } from '../../../src/delivery/spool';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function newSpool(maxBytes = 1024 * 1024) {
  const root = mkdtempSync(join(tmpdir(), 'spool-unit-'));
  dirs.push(root);
  const dropped: { documents: number; reason: string }[] = [];
  const spool = new DiskSpool(
    join(root, 'spool'),
    maxBytes,
    {
      dropped: (documents, reason) => dropped.push({ documents, reason }),
    },
    'test-destination',
  );
  return { spool, dropped, directory: join(root, 'spool') };
}

function batch(label: string, size = 2): SpooledBatch {
  return {
    kind: 'errors',
    operation: 'insert',
    documents: Array.from({ length: size }, (_, i) => ({
      _id: `${label}-${i}`,
      timestamp: new Date(0),
      n: i,
      label,
    })),
  };
}

function drain(spool: DiskSpool): SpooledBatch[] {
  spool.rotate();
  const batches: SpooledBatch[] = [];
  for (let segment = spool.claimOldest(); segment; segment = spool.claimOldest()) {
    batches.push(...segment.batches);
    spool.complete(segment);
  }
  return batches;
}

describe('DiskSpool', () => {
  it('gives batches back in order, with their types (dates, ints) intact, then is empty', () => {
    const { spool } = newSpool();
    expect(spool.isEmpty()).toBe(true);
    spool.append(batch('a'));
    spool.append(batch('b'));
    expect(spool.isEmpty()).toBe(false);
    const batches = drain(spool);
    expect(batches.map((b) => b.documents[0]!._id)).toEqual(['a-0', 'b-0']);
    expect(batches[0]!.documents[1]).toEqual({ _id: 'a-1', timestamp: new Date(0), n: 1, label: 'a' });
    expect(spool.isEmpty()).toBe(true);
  });

  it('creates a folder and files that only the user can read', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('a'));
    spool.close();
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(directory))
      expect(statSync(join(directory, name)).mode & 0o777).toBe(0o600);
  });

  it('puts a segment whose replay failed back, for a later attempt', () => {
    const { spool } = newSpool();
    spool.append(batch('a'));
    spool.rotate();
    const segment = spool.claimOldest()!;
    spool.release(segment);
    expect(drain(spool).map((b) => b.documents[0]!._id)).toEqual(['a-0']);
  });

  it('drops the oldest segments when full, counting the documents lost', () => {
    // Room for three and a half of the six batches.
    const { spool, dropped } = newSpool(Math.floor(spooledBytes(batch('a', 3)) * 3.5));
    for (const label of ['a', 'b', 'c', 'd', 'e', 'f']) {
      spool.append(batch(label, 3));
      spool.rotate(); // one segment per batch, so the oldest can go
    }
    const kept = drain(spool).map((b) => b.documents[0]!.label);
    expect(kept.at(-1)).toBe('f');
    expect(kept).toEqual(['d', 'e', 'f']);
    const lost = dropped.reduce((sum, d) => sum + d.documents, 0);
    expect(lost).toBe((6 - kept.length) * 3);
    expect(dropped[0]!.reason).toMatch(/spool full/);
  });

  it('refuses a single batch larger than the whole spool, without dropping what it holds', () => {
    const { spool, dropped } = newSpool(400);
    expect(spool.append(batch('small', 1))).toBe(true);
    expect(spool.append(batch('huge', 50))).toBe(false);
    expect(dropped).toEqual([]);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['small']);
  });

  it('skips and counts a line cut short by a crash, and keeps the others', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('a'));
    spool.rotate();
    const [name] = readdirSync(directory);
    appendFileSync(join(directory, name!), '2\terrors\tinsert\t[{"_id":"half');
    spool.rotate();
    const segment = spool.claimOldest()!;
    expect(segment.batches).toHaveLength(1);
    expect(segment.unreadableLines).toBe(1);
  });

  it('never claims a segment another spool of this process is still writing (shared folder)', () => {
    const { spool: logs, directory } = newSpool();
    const metrics = new DiskSpool(directory, 1024 * 1024, { dropped: () => undefined }, 'test-destination');
    logs.append(batch('still-open'));
    metrics.append(batch('metrics'));
    expect(drain(metrics).map((b) => b.documents[0]!._id)).toEqual(['metrics-0']);
    logs.append(batch('more'));
    expect(drain(logs).map((b) => b.documents[0]!._id)).toEqual(['still-open-0', 'more-0']);
  });

  it('replays a closed segment of its destination whoever wrote it, even a process still alive', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('mine'));
    spool.rotate();
    const [mine] = readdirSync(directory);
    // pid 1 is alive: a process that shut its exporters down and lives on.
    renameSync(join(directory, mine!), join(directory, mine!.replace(`-${process.pid}-`, '-1-')));
    expect(drain(spool).map((b) => b.documents[0]!._id)).toEqual(['mine-0']);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('leaves an open segment of a live process alone, and closes and replays one of a dead process', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('open'));
    const [open] = readdirSync(directory);
    expect(open).toMatch(/\.ejsonl\.open$/);
    // A copy written by a live process (pid 1) and one by a dead process (2^22+7, beyond Linux's pids).
    const line = `1\terrors\tinsert\t[{"_id":"dead"}]\n`;
    writeFileSync(
      join(directory, open!.replace(`-${process.pid}-`, '-1-')),
      `1\terrors\tinsert\t[{"_id":"live"}]\n`,
    );
    writeFileSync(join(directory, open!.replace(`-${process.pid}-`, `-${DEAD_PID}-`)), line);
    const other = new DiskSpool(directory, 1024 * 1024, { dropped: () => undefined }, 'test-destination');
    expect(drain(other).map((b) => b.documents[0]!._id)).toEqual(['dead']);
    expect(readdirSync(directory).filter((name) => name.includes('-1-'))).toHaveLength(1);
    spool.close();
  });

  it("never replays another destination's segments, and leaves them in the folder", () => {
    const { spool, directory } = newSpool();
    const other = new DiskSpool(directory, 1024 * 1024, { dropped: () => undefined }, 'other-destination');
    other.append(batch('theirs'));
    other.rotate();
    spool.append(batch('ours'));
    spool.rotate();
    expect(spool.isEmpty()).toBe(false);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['ours']);
    expect(spool.isEmpty()).toBe(true);
    expect(other.isEmpty()).toBe(false);
    expect(drain(other).map((b) => b.documents[0]!.label)).toEqual(['theirs']);
  });

  it('replays a segment of the first releases (no destination in its name) from any destination, once its writer is gone', () => {
    const { spool, directory } = newSpool();
    mkdirSync(directory, { recursive: true });
    writeFileSync(
      join(directory, `000000000000001-${DEAD_PID}-000000.ejsonl`),
      '1\terrors\tinsert\t[{"_id":"old"}]\n',
    );
    writeFileSync(
      join(directory, '000000000000002-1-000000.ejsonl'),
      '1\terrors\tinsert\t[{"_id":"live"}]\n',
    );
    expect(drain(spool).map((b) => b.documents[0]!._id)).toEqual(['old']);
  });
});

describe('DiskSpool.fits', () => {
  it('tells whether a batch can be appended without dropping older ones, and drops nothing itself', () => {
    const one = spooledBytes(batch('a'));
    const { spool, dropped } = newSpool(one * 2 + 10);
    expect(spool.fits(one)).toBe(true);
    spool.append(batch('a'));
    expect(spool.fits(one)).toBe(true);
    spool.append(batch('b'));
    expect(spool.fits(one)).toBe(false);
    expect(spool.fits(10)).toBe(true);
    expect(dropped).toEqual([]);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['a', 'b']);
    expect(spool.fits(one)).toBe(true);
  });

  it('counts segments left in the folder by an earlier process', () => {
    const { spool, directory } = newSpool(4096);
    spool.append(batch('old', 20));
    spool.close();
    const size = readdirSync(directory).reduce((sum, name) => sum + statSync(join(directory, name)).size, 0);
    const fresh = new DiskSpool(directory, 4096, { dropped: () => undefined }, 'test-destination');
    expect(fresh.fits(4096 - size)).toBe(true);
    expect(fresh.fits(4096 - size + 1)).toBe(false);
  });
});

/** Segment names of the folder, sorted. */
const names = (directory: string) => readdirSync(directory).sort();
/** A pid no process can have (beyond Linux's 2^22 limit): its segments and claims are a dead process's. */
const DEAD_PID = 4194311;

describe('DiskSpool segments', () => {
  it('names a segment by creation time, process id and a sequence, so that names sort in the order of writing', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('a'));
    spool.rotate();
    spool.append(batch('b'));
    spool.rotate();
    const [first, second] = names(directory);
    expect(first).toMatch(new RegExp(`^\\d{15}-${process.pid}-\\d{6}-[0-9a-f]{12}\\.ejsonl$`));
    expect(Number(second!.split('-')[2]!.slice(0, 6))).toBe(Number(first!.split('-')[2]!.slice(0, 6)) + 1);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['a', 'b']);
  });

  it('writes one line per batch: count, kind, operation and the Extended JSON array', () => {
    const { spool, directory } = newSpool();
    spool.append({ kind: 'metrics', operation: 'upsert', documents: [{ _id: 's1', n: 1, at: new Date(5) }] });
    spool.close();
    const [name] = names(directory);
    expect(readFileSync(join(directory, name!), 'utf8')).toBe(
      `1\tmetrics\tupsert\t[{"_id":"s1","n":1,"at":{"$date":{"$numberLong":"5"}}}]\n`,
    );
  });

  it('keeps appending to one segment until it is rotated', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('a'));
    spool.append(batch('b'));
    expect(names(directory)).toHaveLength(1);
    spool.rotate();
    spool.append(batch('c'));
    expect(names(directory)).toHaveLength(2);
  });

  it('starts a new segment once the current one would exceed 4 MiB', () => {
    const { spool, directory } = newSpool(64 * 1024 * 1024);
    const big = (label: string): SpooledBatch => ({
      kind: 'errors',
      operation: 'insert',
      documents: [{ _id: label, text: 'x'.repeat(1024 * 1024) }],
    });
    for (const label of ['a', 'b', 'c']) spool.append(big(label));
    expect(names(directory)).toHaveLength(1);
    spool.append(big('d')); // 4 x (1 MiB + a few bytes) is over 4 MiB
    expect(names(directory)).toHaveLength(2);
    spool.append(big('e'));
    expect(names(directory)).toHaveLength(2);
    spool.rotate();
    const sizes = names(directory).map((name) => statSync(join(directory, name)).size);
    expect(sizes[0]).toBeLessThanOrEqual(4 * 1024 * 1024 + 4096);
    expect(drain(spool).map((b) => b.documents[0]!._id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('round-trips documents larger than one write chunk (64 KiB), several to a batch', () => {
    const { spool } = newSpool(16 * 1024 * 1024);
    const documents = ['a', 'b', 'c'].map((label) => ({ _id: label, text: label.repeat(100_000) }));
    spool.append({ kind: 'audit', operation: 'insert', documents });
    spool.append(batch('after'));
    expect(drain(spool)).toEqual([{ kind: 'audit', operation: 'insert', documents }, batch('after')]);
  });

  it('claims the oldest segment by renaming it <name>.replay-<pid>, and hands out each segment once', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('a'));
    spool.rotate();
    spool.append(batch('b'));
    spool.rotate();
    const [oldest, newer] = names(directory);
    const segment = spool.claimOldest()!;
    expect(segment.path).toBe(join(directory, `${oldest}.replay-${process.pid}`));
    expect(segment.batches).toEqual([batch('a')]);
    expect(segment.unreadableLines).toBe(0);
    expect(names(directory)).toEqual([`${oldest}.replay-${process.pid}`, newer]);
    const next = spool.claimOldest()!;
    expect(next.batches).toEqual([batch('b')]);
    expect(spool.claimOldest()).toBeUndefined();
  });

  it('deletes a segment once its replay is complete', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('a'));
    spool.rotate();
    spool.complete(spool.claimOldest()!);
    expect(names(directory)).toEqual([]);
    expect(spool.isEmpty()).toBe(true);
  });

  it('puts a released segment back whole, under its original name', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('a'));
    spool.append(batch('b'));
    spool.rotate();
    const [original] = names(directory);
    const before = readFileSync(join(directory, original!), 'utf8');
    spool.release(spool.claimOldest()!);
    expect(names(directory)).toEqual([original]);
    expect(readFileSync(join(directory, original!), 'utf8')).toBe(before);
  });

  it('puts back only the batches after the first `stored` ones, under the original name', () => {
    const { spool, directory } = newSpool();
    for (const label of ['a', 'b', 'c']) spool.append(batch(label));
    spool.rotate();
    const [original] = names(directory);
    spool.release(spool.claimOldest()!, 1);
    expect(names(directory)).toEqual([original]);
    expect(statSync(join(directory, original!)).mode & 0o777).toBe(0o600);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['b', 'c']);
  });

  it('counts the space freed by a replay at once', () => {
    const one = spooledBytes(batch('a'));
    const { spool } = newSpool(one * 3);
    for (const label of ['a', 'b', 'c']) spool.append(batch(label));
    spool.rotate();
    expect(spool.fits(one)).toBe(false);
    spool.release(spool.claimOldest()!, 2);
    expect(spool.fits(one * 2)).toBe(true);
    expect(spool.fits(one * 2 + 1)).toBe(false);
  });

  it('does not hand a segment claimed by this process to another spool of this process', () => {
    const { spool, directory } = newSpool();
    const other = new DiskSpool(directory, 1024 * 1024, { dropped: () => undefined }, 'test-destination');
    spool.append(batch('a'));
    spool.rotate();
    const claimed = spool.claimOldest()!;
    expect(other.claimOldest()).toBeUndefined();
    expect(other.isEmpty()).toBe(true);
    spool.release(claimed);
    expect(other.claimOldest()?.batches).toEqual([batch('a')]);
  });

  it('takes over a claim left by a process that died mid-replay, whole, under the original name', () => {
    const { spool, directory } = newSpool();
    mkdirSync(directory, { recursive: true });
    const original = `000000000000001-${DEAD_PID}-000000.ejsonl`;
    const lines = '1\terrors\tinsert\t[{"_id":"x"}]\n1\terrors\tinsert\t[{"_id":"y"}]\n';
    writeFileSync(join(directory, `${original}.replay-${DEAD_PID}`), lines);
    expect(spool.isEmpty()).toBe(false);
    const segment = spool.claimOldest()!;
    expect(segment.path).toBe(join(directory, `${original}.replay-${process.pid}`));
    expect(segment.batches.map((b) => b.documents[0]!._id)).toEqual(['x', 'y']);
  });

  it('leaves alone a claim of a process that is still alive', () => {
    const { spool, directory } = newSpool();
    mkdirSync(directory, { recursive: true });
    const claim = `000000000000001-1-000000.ejsonl.replay-1`;
    writeFileSync(join(directory, claim), '1\terrors\tinsert\t[{"_id":"x"}]\n');
    expect(spool.isEmpty()).toBe(true);
    expect(spool.claimOldest()).toBeUndefined();
    expect(names(directory)).toEqual([claim]);
  });

  it('replays a segment whose name holds no valid pid, rather than keep it forever', () => {
    const { spool, directory } = newSpool();
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, '000000000000001-x-000000.ejsonl'), '1\terrors\tinsert\t[{"_id":"x"}]\n');
    writeFileSync(join(directory, '000000000000002-0-000000.ejsonl'), '1\terrors\tinsert\t[{"_id":"y"}]\n');
    writeFileSync(join(directory, '000000000000003--5-000000.ejsonl'), '1\terrors\tinsert\t[{"_id":"z"}]\n');
    expect(drain(spool).map((b) => b.documents[0]!._id)).toEqual(['x', 'y', 'z']);
  });

  it('ignores files that are neither segments nor claims', () => {
    const { spool, directory } = newSpool();
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'notes.txt'), '1\terrors\tinsert\t[{"_id":"x"}]\n');
    writeFileSync(join(directory, `000000000000001-${DEAD_PID}-000000.ejsonl.rest-${DEAD_PID}`), 'x');
    expect(spool.isEmpty()).toBe(true);
    expect(spool.claimOldest()).toBeUndefined();
  });

  it('replays the oldest segment first, whichever process wrote it', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('mine'));
    spool.rotate();
    writeFileSync(
      join(directory, `000000000000001-${DEAD_PID}-000000.ejsonl`),
      '1\terrors\tinsert\t[{"_id":"old"}]\n',
    );
    expect(drain(spool).map((b) => b.documents[0]!._id)).toEqual(['old', 'mine-0']);
  });
});

describe('DiskSpool reading a damaged segment', () => {
  function claimText(text: string) {
    const { spool, directory } = newSpool();
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, `000000000000001-${DEAD_PID}-000000.ejsonl`), text);
    return spool.claimOldest()!;
  }

  it.each([
    ['an unknown kind', '1\tspans\tinsert\t[{"_id":"x"}]'],
    ['an unknown operation', '1\terrors\tdelete\t[{"_id":"x"}]'],
    ['no payload', '1\terrors\tinsert'],
    ['an empty payload', '1\terrors\tinsert\t'],
    ['no operation', '1\terrors'],
    ['a count that does not match', '2\terrors\tinsert\t[{"_id":"x"}]'],
    ['a payload that is not an array', '1\terrors\tinsert\t{"_id":"x"}'],
    ['a payload that is not EJSON', '1\terrors\tinsert\t[{"_id":'],
  ])('counts a line with %s as unreadable and keeps the good lines around it', (_, bad) => {
    const segment = claimText(`1\terrors\tinsert\t[{"_id":"a"}]\n${bad}\n1\taudit\tinsert\t[{"_id":"b"}]\n`);
    expect(segment.unreadableLines).toBe(1);
    expect(segment.batches).toEqual([
      { kind: 'errors', operation: 'insert', documents: [{ _id: 'a' }] },
      { kind: 'audit', operation: 'insert', documents: [{ _id: 'b' }] },
    ]);
  });

  it('reads every kind and operation back', () => {
    const segment = claimText(
      '1\terrors\tinsert\t[{"_id":"e"}]\n1\taudit\tinsert\t[{"_id":"a"}]\n1\tmetrics\tupsert\t[{"_id":"m"}]\n',
    );
    expect(segment.batches.map((b) => `${b.kind}/${b.operation}`)).toEqual([
      'errors/insert',
      'audit/insert',
      'metrics/upsert',
    ]);
    expect(segment.unreadableLines).toBe(0);
  });

  it('reads a batch of zero documents', () => {
    expect(claimText('0\terrors\tinsert\t[]\n').batches).toEqual([
      { kind: 'errors', operation: 'insert', documents: [] },
    ]);
  });
});

describe('DiskSpool when full', () => {
  it('drops whole segments, oldest first, until the new batch fits, and counts each one', () => {
    const one = spooledBytes(batch('a', 3));
    const { spool, dropped } = newSpool(one * 3);
    for (const label of ['a', 'b', 'c']) {
      spool.append(batch(label, 3));
      spool.rotate();
    }
    expect(dropped).toEqual([]);
    spool.append(batch('d', 3));
    expect(dropped).toEqual([{ documents: 3, reason: `spool full (spoolMaxBytes ${one * 3})` }]);
    spool.append(batch('e', 3));
    expect(dropped).toHaveLength(2);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['c', 'd', 'e']);
  });

  it('fills the spool exactly to spoolMaxBytes before dropping anything', () => {
    const one = spooledBytes(batch('a'));
    const { spool, dropped } = newSpool(one * 2);
    spool.append(batch('a'));
    spool.append(batch('b'));
    expect(dropped).toEqual([]);
    spool.append(batch('c'));
    expect(dropped).toEqual([{ documents: 4, reason: expect.stringMatching(/spool full/) }]);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['c']); // written to a new segment
  });

  it('takes a single batch of exactly spoolMaxBytes', () => {
    const { spool } = newSpool(spooledBytes(batch('a')));
    expect(spool.append(batch('a'))).toBe(true);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['a']);
  });

  it('counts every document of a dropped segment, over all its batches', () => {
    const one = spooledBytes(batch('a', 3));
    const { spool, dropped } = newSpool(one * 2);
    spool.append(batch('a', 3));
    spool.append(batch('b', 2));
    spool.rotate();
    spool.append(batch('c', 3));
    expect(dropped).toEqual([{ documents: 5, reason: expect.stringMatching(/spool full/) }]);
  });

  it('drops only as many segments as needed', () => {
    const one = spooledBytes(batch('a'));
    const { spool, dropped } = newSpool(one * 4);
    for (const label of ['a', 'b', 'c', 'd']) {
      spool.append(batch(label));
      spool.rotate();
    }
    spool.append(batch('e'));
    expect(dropped).toHaveLength(1);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['b', 'c', 'd', 'e']);
  });

  it('counts the segments another spool added to the folder once its own count nears the limit', () => {
    const one = spooledBytes(batch('a'));
    const max = Math.floor(one * 2.5);
    const { spool, directory, dropped } = newSpool(max);
    for (const label of ['a', 'b']) {
      spool.append(batch(label));
      spool.rotate();
    }
    const other = new DiskSpool(directory, 1024 * 1024, { dropped: () => undefined }, 'test-destination'); // another process's limit
    other.append(batch('c'));
    other.rotate();
    spool.append(batch('d')); // its own count: 3 batches; the folder: 4
    expect(dropped.reduce((sum, drop) => sum + drop.documents, 0)).toBe(2 * batch('a').documents.length);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['c', 'd']);
  });

  it('drops nothing when a recount finds that segments were replayed meanwhile', () => {
    const one = spooledBytes(batch('a'));
    const { spool, directory, dropped } = newSpool(one * 2);
    spool.append(batch('a'));
    spool.append(batch('b'));
    spool.rotate();
    const other = new DiskSpool(directory, one * 2, { dropped: () => undefined }, 'test-destination');
    other.complete(other.claimOldest()!); // replayed by another spool: this one's count is stale
    spool.append(batch('c'));
    expect(dropped).toEqual([]);
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['c']);
  });

  it('never drops a segment that is being replayed', () => {
    const one = spooledBytes(batch('a'));
    const { spool, directory, dropped } = newSpool(one * 2);
    spool.append(batch('a'));
    spool.rotate();
    const claimed = spool.claimOldest()!;
    spool.append(batch('b'));
    spool.append(batch('c'));
    spool.append(batch('d'));
    expect(dropped).toEqual([{ documents: 4, reason: expect.stringMatching(/spool full/) }]); // b and c
    expect(readdirSync(directory)).toContain(claimed.path.slice(directory.length + 1));
  });
});

describe('DiskSpool with a folder it cannot use', () => {
  function unusable() {
    const root = mkdtempSync(join(tmpdir(), 'spool-unit-'));
    dirs.push(root);
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    return new DiskSpool(join(file, 'spool'), 1024 * 1024, { dropped: () => undefined }, 'test-destination');
  }

  it('throws from append, so that the caller counts the batch as failed', () => {
    expect(() => unusable().append(batch('a'))).toThrow(/ENOTDIR/);
  });

  it('reads as empty, with nothing to claim or to sync', () => {
    const spool = unusable();
    expect(spool.isEmpty()).toBe(true);
    expect(spool.claimOldest()).toBeUndefined();
    expect(spool.fits(1024)).toBe(true);
    expect(() => spool.sync()).not.toThrow();
    expect(() => spool.close()).not.toThrow();
  });

  it('creates a missing folder, parents included, at the first append', () => {
    const root = mkdtempSync(join(tmpdir(), 'spool-unit-'));
    dirs.push(root);
    const directory = join(root, 'a', 'b', 'spool');
    const spool = new DiskSpool(directory, 1024 * 1024, { dropped: () => undefined }, 'test-destination');
    expect(spool.isEmpty()).toBe(true);
    spool.append(batch('a'));
    expect(drain(spool).map((b) => b.documents[0]!.label)).toEqual(['a']);
  });
});

describe('DiskSpool file descriptors', () => {
  /** Descriptors this process holds open (Linux). */
  const openFiles = () => readdirSync('/proc/self/fd').length;

  it('closes the file of each segment it rotates, and of the one open at close()', () => {
    const { spool } = newSpool();
    const before = openFiles();
    for (const label of ['a', 'b', 'c']) {
      spool.append(batch(label));
      expect(openFiles()).toBe(before + 1);
      spool.rotate();
      expect(openFiles()).toBe(before);
    }
    spool.append(batch('d'));
    spool.close();
    expect(openFiles()).toBe(before);
  });

  it('closes the file it writes the rest of a segment to', () => {
    const { spool } = newSpool();
    for (const label of ['a', 'b']) spool.append(batch(label));
    spool.rotate();
    const before = openFiles();
    spool.release(spool.claimOldest()!, 1);
    expect(openFiles()).toBe(before);
  });
});
