import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON, Decimal128, EJSON, Long, ObjectId } from 'bson';
import { afterAll, describe, expect, it } from 'vitest';
import {
  countSegmentDocuments,
  LineEncoder,
  parseSegment,
  type SpooledBatch,
} from '../../../src/delivery/segment-format';
import type { IdentifiedDocument } from '../../../src/storage/mongo-writer';

function roundTrip(documents: IdentifiedDocument[]): IdentifiedDocument[] {
  const encoder = new LineEncoder();
  encoder.encode({ kind: 'errors', operation: 'insert', documents });
  const { batches, unreadableLines } = parseSegment(encoder.bytes().toString('utf8'));
  expect(unreadableLines).toBe(0);
  return batches[0]!.documents;
}

/** The bytes the driver sends for a document: what a replayed document must match. */
const wire = (document: object) => Buffer.from(BSON.serialize(document)).toString('hex');

const folder = mkdtempSync(join(tmpdir(), 'segment-format-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('LineEncoder and parseSegment', () => {
  it('gives back documents that the driver sends as the same BSON as the originals', () => {
    const original = {
      _id: 'id-1',
      timestamp: new Date(1_700_000_000_123),
      nivel: 'ERROR',
      int: 5,
      double: 5.5,
      beyondInt32: 3_000_000_000,
      negativeZero: -0,
      notANumber: Number.NaN,
      infinite: Number.NEGATIVE_INFINITY,
      bytes: new Uint8Array([0, 1, 255]),
      nested: { when: new Date(3), list: [new Date(1), 1, 'x', null, [new Date(2)]], flag: true },
      text: 'quote " newline \n tab \t é 😀',
      nothing: null,
    };
    const [replayed] = roundTrip([original]);
    expect(wire(replayed!)).toBe(wire(original));
  });

  it('gives back BSON values as EJSON itself would', () => {
    const original = {
      _id: 'id-2',
      objectId: new ObjectId('0123456789abcdef01234567'),
      long: Long.fromString('9007199254740993'),
      decimal: Decimal128.fromString('1.5'),
    };
    const [replayed] = roundTrip([original]);
    expect(replayed).toEqual(EJSON.parse(EJSON.stringify(original, { relaxed: false }), { relaxed: true }));
  });

  it('reads lines of the first releases (EJSON.stringify, relaxed or canonical) as EJSON.parse does', () => {
    const original = {
      _id: 'id-3',
      timestamp: new Date(1_700_000_000_123),
      nested: [{ when: new Date(-1) }, { n: 1.5, big: Long.fromString('9007199254740993') }],
    };
    for (const relaxed of [true, false]) {
      const payload = EJSON.stringify([original], { relaxed });
      const { batches } = parseSegment(`1\terrors\tinsert\t${payload}\n`);
      expect(batches[0]!.documents).toEqual(EJSON.parse(payload, { relaxed: true }));
    }
  });

  it('writes one line per batch with the count, kind and operation first', () => {
    const encoder = new LineEncoder();
    const batch: SpooledBatch = {
      kind: 'metrics',
      operation: 'upsert',
      documents: [{ _id: 'a' }, { _id: 'b' }],
    };
    const bytes = encoder.encode(batch);
    const text = encoder.bytes().toString('utf8');
    expect(text).toBe('2\tmetrics\tupsert\t[{"_id":"a"},{"_id":"b"}]\n');
    expect(bytes).toBe(Buffer.byteLength(text));
  });

  it('encodes a batch larger than its buffer whole, and the next batch alone', () => {
    const encoder = new LineEncoder();
    const big = Array.from({ length: 300 }, (_, i) => ({ _id: `d${i}`, text: 'é'.repeat(5000) }));
    encoder.encode({ kind: 'errors', operation: 'insert', documents: big });
    expect(parseSegment(encoder.bytes().toString('utf8')).batches[0]!.documents).toEqual(big);
    encoder.encode({ kind: 'audit', operation: 'insert', documents: [{ _id: 'small' }] });
    expect(encoder.bytes().toString('utf8')).toBe('1\taudit\tinsert\t[{"_id":"small"}]\n');
  });

  it('counts lines it cannot read instead of throwing', () => {
    const text = [
      '1\terrors\tinsert\t[{"_id":"ok"}]',
      '1\tnope\tinsert\t[{"_id":"bad kind"}]',
      '1\terrors\tdelete\t[{"_id":"bad operation"}]',
      '2\terrors\tinsert\t[{"_id":"count differs"}]',
      '1\terrors\tinsert\t[{"_id":"cut sh',
      '',
    ].join('\n');
    const { batches, unreadableLines } = parseSegment(text);
    expect(batches.map((batch) => batch.documents[0]!._id)).toEqual(['ok']);
    expect(unreadableLines).toBe(4);
  });
});

describe('countSegmentDocuments', () => {
  it('adds the count that starts each line, across read chunks, including a last line cut short', () => {
    const path = join(folder, 'segment.ejsonl');
    const filler = 'x'.repeat(70 * 1024); // lines longer than one 64 KiB read
    const lines = [
      `12\terrors\tinsert\t["${filler}"]\n`,
      `7\taudit\tinsert\t["${filler}"]\n`,
      '300\terrors\tinsert\t[{"_id":"cut',
    ];
    writeFileSync(path, lines.join(''));
    expect(countSegmentDocuments(path)).toBe(12 + 7 + 300);
  });

  it('reads only the digits at the start of a line', () => {
    const path = join(folder, 'digits.ejsonl');
    writeFileSync(path, '3\terrors\tinsert\t[1,2,3]\n\n4\terrors\tinsert\t[42,5,6,7]\n');
    expect(countSegmentDocuments(path)).toBe(7);
  });
});
