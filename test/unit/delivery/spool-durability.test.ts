import type * as NodeFs from 'node:fs';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpooledBatch } from '../../../src/delivery/segment-format';

// What the spool fsyncs, and when (docs/reliability.md, "The disk spool"): the file system's
// fsyncSync is wrapped to record each call, so that a test sees it before append() returns.
const fsyncs: number[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      fsyncs.push(fd);
      fs.fsyncSync(fd);
    },
  };
});
const { DiskSpool } = await import('../../../src/delivery/spool');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'spool-durability-'));
  fsyncs.length = 0;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const spool = () => new DiskSpool(root, 1024 * 1024, { dropped: () => undefined }, 'test-destination');
const insert = (id: string): SpooledBatch => ({
  kind: 'errors',
  operation: 'insert',
  documents: [{ _id: id }],
});
const upsert = (id: string): SpooledBatch => ({
  kind: 'metrics',
  operation: 'upsert',
  documents: [{ _id: id }],
});

describe('DiskSpool durability: what is fsynced, and when', () => {
  it('fsyncs every append of an export before append() returns', () => {
    const s = spool();
    s.append(insert('a'));
    expect(fsyncs).toHaveLength(1);
    s.append(upsert('b'));
    expect(fsyncs).toHaveLength(2);
    s.close();
  });

  it('does not fsync an append with sync: false until sync() (one fsync for many appends)', () => {
    const s = spool();
    for (let i = 0; i < 5; i++) s.append(insert(`n${i}`), { sync: false });
    expect(fsyncs).toHaveLength(0);
    s.sync();
    expect(fsyncs).toHaveLength(1);
    s.close();
  });

  it('neither writes nor fsyncs gathered records until sync(), which writes the line and fsyncs once', () => {
    const s = spool();
    for (let i = 0; i < 3; i++) s.append(insert(`g${i}`), { gather: true });
    expect(fsyncs).toHaveLength(0);
    s.sync();
    expect(fsyncs).toHaveLength(1);
    s.close();
  });

  it('writes a gathered line once it holds 512 documents, without fsyncing it', () => {
    const s = spool();
    for (let i = 0; i < 512; i++) s.append(insert(`g${i}`), { gather: true });
    const sizes = readdirSync(root).map((name) => statSync(join(root, name)).size);
    expect(sizes).toHaveLength(1);
    expect(sizes[0]).toBeGreaterThan(0);
    expect(fsyncs).toHaveLength(0);
    s.close();
  });

  it('fsyncs the segment it closes (rotate, close), so that a closed segment is whole on disk', () => {
    const s = spool();
    s.append(insert('a'), { sync: false });
    s.rotate();
    expect(fsyncs).toHaveLength(1);
    s.append(insert('b'), { gather: true });
    s.close();
    expect(fsyncs).toHaveLength(2);
  });

  it('fsyncs the rest of a segment given back after a partial replay before it takes the segment name', () => {
    const s = spool();
    s.append(insert('a'));
    s.append(insert('b'));
    s.rotate();
    const claimed = s.claimOldest()!;
    fsyncs.length = 0;
    s.release(claimed, 1);
    expect(fsyncs).toHaveLength(1);
  });
});
