import { calculateObjectSize } from 'bson';
import { describe, expect, it } from 'vitest';
import { truncate } from '../../../src/document/bson-safe';
import { MAX_DOCUMENT_BYTES, shrinkToFit } from '../../../src/document/shrink';

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

  it('leaves a document of exactly the limit alone, and shrinks one a byte over it', () => {
    const fits = { a: 'x'.repeat(1000) };
    const limit = calculateObjectSize(fits);
    expect(shrinkToFit(fits, limit)).toBe(0);
    expect(fits.a).toHaveLength(1000);
    const over = { a: 'x'.repeat(1001) };
    expect(shrinkToFit(over, limit)).toBe(1);
    expect(calculateObjectSize(over)).toBeLessThanOrEqual(limit);
  });

  it('returns how many values it cut', () => {
    const document = { a: 'x'.repeat(1000), b: 'y'.repeat(1000), c: 'short' };
    expect(shrinkToFit(document, 1500)).toBe(2);
    expect(document.a).toMatch(/^x+…\[truncated \d+ chars\]$/);
    expect(document.b).toMatch(/^y+…\[truncated \d+ chars\]$/);
    expect(document.c).toBe('short');
  });

  it('cuts a string to no less than 64 characters, even when the document still does not fit', () => {
    const document = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'x'.repeat(100)]));
    shrinkToFit(document, 1000);
    for (const value of Object.values(document)) {
      expect(value.length).toBeLessThanOrEqual(64);
      expect(value.length).toBeGreaterThan(60);
    }
  });

  it('cuts strings inside arrays and nested objects', () => {
    const document = { list: ['a'.repeat(5000)], nested: { deep: { text: 'b'.repeat(5000) } } };
    expect(shrinkToFit(document, 6000)).toBe(2);
    expect(document.list[0]).toMatch(/…\[truncated \d+ chars\]$/);
    expect(document.nested.deep.text).toMatch(/…\[truncated \d+ chars\]$/);
  });

  it('replaces the biggest container first, keeping smaller ones', () => {
    const document = { big: Array.from({ length: 2000 }, (_, i) => i), small: [1, 2, 3] };
    expect(shrinkToFit(document, 1000)).toBe(1);
    expect(document.small).toEqual([1, 2, 3]);
    expect(document.big).toMatch(/^\[truncated: \d+ bytes\]$/);
  });

  it('keeps the contract structures erro, ambiente and sessao, replacing what is inside them', () => {
    const many = () => Array.from({ length: 1000 }, (_, i) => i);
    const document = { erro: { frames: many() }, ambiente: { list: many() }, sessao: { list: many() } };
    shrinkToFit(document, 2000);
    expect(calculateObjectSize(document)).toBeLessThanOrEqual(2000);
    expect(typeof document.erro).toBe('object');
    expect(typeof document.ambiente).toBe('object');
    expect(typeof document.sessao).toBe('object');
    expect(String(document.erro.frames)).toMatch(/^\[truncated: \d+ bytes\]$/);
  });

  it('replaces a nested container named like a contract structure: only the top-level ones are kept', () => {
    const document = { erro: { erro: Array.from({ length: 2000 }, (_, i) => i) } };
    expect(shrinkToFit(document, 1000)).toBe(1);
    expect(String(document.erro.erro)).toMatch(/^\[truncated: \d+ bytes\]$/);
  });

  it('never replaces a date or binary value, and gives up when nothing else can shrink', () => {
    const when = new Date(0);
    const binary = Buffer.alloc(4000, 1);
    const document = { when, binary };
    expect(shrinkToFit(document, 1000)).toBe(0);
    expect(document.when).toBe(when);
    expect(document.binary).toBe(binary);
  });

  it('by default brings a document of 17 MiB under the 16 MiB limit, with the marker', () => {
    const document = { id: 'x', mensagem: 'm'.repeat(17 * 1024 * 1024) };
    expect(shrinkToFit(document)).toBe(1);
    expect(calculateObjectSize(document)).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
    expect(MAX_DOCUMENT_BYTES).toBeLessThan(16 * 1024 * 1024);
    expect(document.mensagem).toMatch(/…\[truncated \d+ chars\]$/);
  });

  it('by default leaves a document of 15 MiB as it is', () => {
    const document = { mensagem: 'm'.repeat(15 * 1024 * 1024) };
    expect(shrinkToFit(document)).toBe(0);
    expect(document.mensagem).toHaveLength(15 * 1024 * 1024);
  });

  it('stops cutting as soon as the document fits exactly, leaving strings already at the limit uncut', () => {
    const long = 'x'.repeat(1000);
    const atLimit = 'y'.repeat(500);
    const limit = calculateObjectSize({ a: truncate(long, 500), b: atLimit });
    const document = { a: long, b: atLimit };
    expect(shrinkToFit(document, limit)).toBe(1);
    expect(document).toEqual({ a: truncate(long, 500), b: atLimit });
  });

  it('stops replacing containers as soon as the document fits exactly', () => {
    const big = Array.from({ length: 500 }, (_, i) => i);
    const marker = `[truncated: ${calculateObjectSize(big)} bytes]`;
    const limit = calculateObjectSize({ big: marker, small: [1, 2] });
    const document = { big, small: [1, 2] };
    expect(shrinkToFit(document, limit)).toBe(1);
    expect(document).toEqual({ big: marker, small: [1, 2] });
  });

  it('cuts strings next to nulls and arrays longer than the cut, leaving those whole', () => {
    const list = Array.from({ length: 150 }, (_, i) => i);
    const text = 't'.repeat(200);
    const limit = calculateObjectSize({ n: null, list, text: truncate(text, 100) });
    const document = { n: null, list: [...list], text };
    expect(shrinkToFit(document, limit)).toBe(1);
    expect(document).toEqual({ n: null, list, text: truncate(text, 100) });
  });

  it('replaces containers next to nulls', () => {
    const document = { n: null, nested: { m: null }, list: Array.from({ length: 1000 }, (_, i) => i) };
    expect(shrinkToFit(document, 200)).toBe(1);
    expect(document.n).toBeNull();
    expect(document.nested).toEqual({ m: null });
  });
});
