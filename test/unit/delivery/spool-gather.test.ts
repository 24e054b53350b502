import {
  closeSync,
  existsSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenLine } from '../../../src/delivery/open-line';
import { DiskSpool, type SpooledBatch } from '../../../src/delivery/spool';

// Insert batches appended with `gather` (the processor's spill while the server is down,
// one record at a time) are gathered in memory into lines of up to 512 documents. These tests
// read the segment files to see when, and as what lines, they reach the disk.

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

function newSpool(maxBytes = 100 * 1024 * 1024) {
  const root = mkdtempSync(join(tmpdir(), 'spool-gather-'));
  roots.push(root);
  const directory = join(root, 'spool');
  const spool = new DiskSpool(directory, maxBytes, { dropped: () => undefined }, 'test-destination');
  /** The lines on disk, as `count kind operation`. */
  const lines = () =>
    (existsSync(directory) ? readdirSync(directory) : [])
      .sort()
      .map((name) => readFileSync(join(directory, name), 'utf8'))
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split('\t', 3).join(' '));
  return { spool, lines };
}

const one = (
  id: string,
  kind: SpooledBatch['kind'] = 'errors',
  operation: SpooledBatch['operation'] = 'insert',
) => ({
  kind,
  operation,
  documents: [{ _id: id }],
});

describe('DiskSpool gathering insert batches appended with gather', () => {
  it('writes nothing until sync(), then one line holding them all', () => {
    const { spool, lines } = newSpool();
    for (const id of ['a', 'b', 'c']) expect(spool.append(one(id), { gather: true })).toBe(true);
    expect(lines()).toEqual([]);
    spool.sync();
    expect(lines()).toEqual(['3 errors insert']);
  });

  it('starts a new line for another collection, and writes the gathered line before a synced append', () => {
    const { spool, lines } = newSpool();
    spool.append(one('a'), { gather: true });
    spool.append(one('b', 'audit'), { gather: true });
    expect(lines()).toEqual(['1 errors insert']);
    spool.append(one('c', 'metrics', 'upsert'));
    expect(lines()).toEqual(['1 errors insert', '1 audit insert', '1 metrics upsert']);
  });

  it('writes a line as soon as it holds 512 documents', () => {
    const { spool, lines } = newSpool();
    for (let i = 0; i < 511; i++) spool.append(one(`d${i}`), { gather: true });
    expect(lines()).toEqual([]);
    spool.append(one('d511'), { gather: true });
    expect(lines()).toEqual(['512 errors insert']);
  });

  it('writes the gathered line when the segment is rotated or the spool closed', () => {
    const first = newSpool();
    first.spool.append(one('a'), { gather: true });
    first.spool.rotate();
    expect(first.lines()).toEqual(['1 errors insert']);
    const second = newSpool();
    second.spool.append(one('a'), { gather: true });
    second.spool.close();
    expect(second.lines()).toEqual(['1 errors insert']);
  });

  it('gives the gathered documents back in order at replay', () => {
    const { spool } = newSpool();
    for (const id of ['a', 'b', 'c']) spool.append(one(id), { gather: true });
    spool.rotate();
    const segment = spool.claimOldest()!;
    expect(segment.batches.map((batch) => batch.documents.map((document) => document._id))).toEqual([
      ['a', 'b', 'c'],
    ]);
  });

  it('refuses a batch larger than the whole spool and keeps what was gathered before it', () => {
    const { spool, lines } = newSpool(300);
    spool.append(one('a'), { gather: true });
    const huge = {
      kind: 'errors' as const,
      operation: 'insert' as const,
      documents: [{ _id: 'big', text: 'x'.repeat(400) }],
    };
    expect(spool.append(huge, { gather: true })).toBe(false);
    spool.sync();
    expect(lines()).toEqual(['1 errors insert']);
  });
});

describe('OpenLine', () => {
  it('counts the bytes it will write, header included, as the line grows', () => {
    const line = new OpenLine();
    const root = mkdtempSync(join(tmpdir(), 'open-line-'));
    roots.push(root);
    const fd = openSync(join(root, 'line'), 'w+');
    for (let i = 0; i < 12; i++)
      line.add({ kind: 'audit', operation: 'insert', documents: [{ _id: `é${i}` }] });
    const expected = line.bytes;
    line.writeTo(fd);
    expect(fstatSync(fd).size).toBe(expected);
    closeSync(fd);
  });
});
