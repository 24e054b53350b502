import { describe, expect, it } from 'vitest';
import { toBsonSafeObject } from '../../../src/document/bson-safe';
import { placeByName } from '../../../src/document/field-path';
import { decodeKey } from '../../../src/document/keys';
import { SanitizeReport } from '../../../src/document/sanitize-report';

function stored(value: Record<string, unknown>) {
  const report = new SanitizeReport();
  return { value: toBsonSafeObject(value, report), report };
}

describe('dotted attribute names', () => {
  it('are stored as nested fields, so that the query path is the name', () => {
    const { value, report } = stored({
      'http.request.method': 'GET',
      'http.route': '/q/:id',
      'code.file.path': 'src/a.ts',
      'user.id': 'u1',
    });
    expect(value).toEqual({
      http: { request: { method: 'GET' }, route: '/q/:id' },
      code: { file: { path: 'src/a.ts' } },
      user: { id: 'u1' },
    });
    expect(report.count).toBe(0);
  });

  it('merge into an object given under the prefix', () => {
    expect(stored({ http: { route: '/a' }, 'http.method': 'GET' }).value).toEqual({
      http: { route: '/a', method: 'GET' },
    });
  });

  it('keep both values when `a` holds a value and `a.b` arrives, whatever the order', () => {
    for (const input of [
      { a: 1, 'a.b': 2 },
      { 'a.b': 2, a: 1 },
    ]) {
      const { value, report } = stored(input);
      expect(value).toEqual({ a: 1, 'a%2Eb': 2 });
      expect(report.changes).toEqual(['a.b: key stored as "a%2Eb" (its path holds another value)']);
    }
    for (const input of [
      { 'a.b': 1, 'a.b.c': 2 },
      { 'a.b.c': 2, 'a.b': 1 },
    ]) {
      expect(stored(input).value).toEqual({ a: { b: 1 }, 'a%2Eb%2Ec': 2 });
    }
  });

  it('keep both values when a name is given nested and dotted', () => {
    expect(stored({ a: { b: 1 }, 'a.b': 2 }).value).toEqual({ a: { b: 1 }, 'a%2Eb': 2 });
  });

  it('never extend a value that is not a plain object (arrays, dates)', () => {
    const when = new Date('2026-01-01T00:00:00Z');
    expect(stored({ list: [1], 'list.0': 2, when, 'when.x': 3 }).value).toEqual({
      list: [1],
      'list%2E0': 2,
      when,
      'when%2Ex': 3,
    });
  });

  it('encode a leading $, NUL and empty segments losslessly', () => {
    const input = { 'http.$x': 1, 'a\0b.c': 2, 'a..b': 3, '.x': 4, 'y.': 5 };
    const { value } = stored(input);
    expect(value).toEqual({ http: { '%24x': 1 }, 'a%00b': { c: 2 }, 'a%2E%2Eb': 3, '%2Ex': 4, 'y%2E': 5 });
    const flatKeys = Object.keys(value).filter((key) => key.includes('%2E'));
    expect(flatKeys.map(decodeKey).sort()).toEqual(['.x', 'a..b', 'y.']);
  });

  it("nest names of Object.prototype's properties (toString, constructor) like any other, leaving no stray object", () => {
    const stored = toBsonSafeObject({ 'e.toString': 1, 'f.constructor.name': 2 }, new SanitizeReport());
    expect(stored).toEqual({ e: { toString: 1 }, f: { constructor: { name: 2 } } });
  });

  it('redact a secret under a dotted name', () => {
    expect(stored({ 'http.request.header.authorization': 'Bearer x' }).value).toEqual({
      http: { request: { header: { authorization: '[REDACTED]' } } },
    });
  });
});

describe('placeByName', () => {
  const isObject = (value: unknown) => typeof value === 'object' && value !== null;

  it('stores a name without a dot under its own key and returns no flat key', () => {
    const target: Record<string, unknown> = {};
    expect(placeByName(target, 'plain', 1, isObject)).toBeUndefined();
    expect(target).toEqual({ plain: 1 });
  });

  it('returns the encoded key when a name without a dot had to be encoded', () => {
    const target: Record<string, unknown> = {};
    expect(placeByName(target, '$set', 1, isObject)).toBe('%24set');
    expect(target).toEqual({ '%24set': 1 });
  });

  it('nests a dotted name and returns no flat key; stores it flat and returns that key when the path is taken', () => {
    const target: Record<string, unknown> = {};
    expect(placeByName(target, 'a.b', 1, isObject)).toBeUndefined();
    expect(placeByName(target, 'a.b', 2, isObject)).toBe('a%2Eb');
    expect(target).toEqual({ a: { b: 1 }, 'a%2Eb': 2 });
  });
});
