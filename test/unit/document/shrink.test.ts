import { calculateObjectSize } from 'bson';
import { describe, expect, it } from 'vitest';
import { shrinkToFit } from '../../../src/document/shrink';

describe('shrinkToFit', () => {
  it('leaves a document that fits alone', () => {
    const document = { a: 'x'.repeat(100) };
    expect(shrinkToFit(document, 1000)).toBe(0);
    expect(document.a).toHaveLength(100);
  });

  it('cuts the longest strings, with a marker, until the document fits; short fields are kept', () => {
    const document = {
      id: 'keep-me',
      big: 'a'.repeat(50_000),
      nested: { also: 'b'.repeat(30_000), small: 'ok' },
    };
    expect(shrinkToFit(document, 20_000)).toBeGreaterThan(0);
    expect(calculateObjectSize(document)).toBeLessThanOrEqual(20_000);
    expect(document.id).toBe('keep-me');
    expect(document.nested.small).toBe('ok');
    expect(document.big).toMatch(/^a+…\[truncated \d+ chars\]$/);
  });

  it('replaces a container of many small values by a marker when cutting strings is not enough', () => {
    const document = { id: 'x', many: Array.from({ length: 5000 }, (_, i) => i) };
    shrinkToFit(document, 2000);
    expect(calculateObjectSize(document)).toBeLessThanOrEqual(2000);
    expect(document.id).toBe('x');
    expect(String(document.many)).toMatch(/^\[truncated: \d+ bytes\]$/);
  });
});
