import { Binary, Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { copyDocument } from '../../../src/document/copy';

describe('copyDocument', () => {
  it('copies nested plain objects and arrays: changing the copy leaves the original as it was', () => {
    const original = { a: { b: [1, { c: 'x' }] }, d: [[2]] };
    const copy = copyDocument(original);
    expect(copy).toEqual(original);
    copy.a.b.push(3);
    (copy.a.b[1] as { c: string }).c = 'changed';
    copy.d[0]!.push(4);
    expect(original).toEqual({ a: { b: [1, { c: 'x' }] }, d: [[2]] });
    expect(copy.a).not.toBe(original.a);
    expect(copy.d).not.toBe(original.d);
  });

  it('copies an object without prototype into a plain object', () => {
    const original = Object.assign(Object.create(null) as Record<string, unknown>, { k: { v: 1 } });
    const copy = copyDocument(original);
    expect(copy).not.toBe(original);
    expect(copy.k).not.toBe(original.k);
    expect(copy).toEqual({ k: { v: 1 } });
  });

  it('shares dates, binaries and BSON values instead of copying them', () => {
    const date = new Date(0);
    const binary = new Binary(Buffer.from('ab'));
    const long = Long.fromNumber(5);
    const copy = copyDocument({ date, binary, long });
    expect(copy.date).toBe(date);
    expect(copy.binary).toBe(binary);
    expect(copy.long).toBe(long);
  });

  it('returns primitives and null as they are', () => {
    expect(copyDocument(null)).toBeNull();
    expect(copyDocument('s')).toBe('s');
    expect(copyDocument(3)).toBe(3);
    expect(copyDocument(undefined)).toBeUndefined();
    expect(copyDocument({ n: null, u: undefined })).toEqual({ n: null, u: undefined });
  });
});
