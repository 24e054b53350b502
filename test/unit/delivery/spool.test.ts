import {
  appendFileSync,
  mkdtempSync,
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
  const spool = new DiskSpool(join(root, 'spool'), maxBytes, {
    dropped: (documents, reason) => dropped.push({ documents, reason }),
  });
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
    const metrics = new DiskSpool(directory, 1024 * 1024, { dropped: () => undefined });
    logs.append(batch('still-open'));
    metrics.append(batch('metrics'));
    expect(drain(metrics).map((b) => b.documents[0]!._id)).toEqual(['metrics-0']);
    logs.append(batch('more'));
    expect(drain(logs).map((b) => b.documents[0]!._id)).toEqual(['still-open-0', 'more-0']);
  });

  it('replays segments left by a process that is gone, and leaves those of a live process alone', () => {
    const { spool, directory } = newSpool();
    spool.append(batch('mine'));
    spool.rotate();
    const [mine] = readdirSync(directory);
    // A segment of a dead process (pid 2^22+7 is beyond Linux's pid range) and one of a live one (pid 1).
    writeFileSync(
      join(directory, mine!.replace(`-${process.pid}-`, '-4194311-')),
      `1\terrors\tinsert\t[{"_id":"dead"}]\n`,
    );
    renameSync(join(directory, mine!), join(directory, mine!.replace(`-${process.pid}-`, '-1-')));
    const replayed = drain(spool).map((b) => b.documents[0]!._id);
    expect(replayed).toEqual(['dead']);
    expect(readdirSync(directory)).toHaveLength(1);
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
    const fresh = new DiskSpool(directory, 4096, { dropped: () => undefined });
    expect(fresh.fits(4096 - size)).toBe(true);
    expect(fresh.fits(4096 - size + 1)).toBe(false);
  });
});
