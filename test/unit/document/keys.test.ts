import { describe, expect, it } from 'vitest';
import { decodeKey, encodeKey, secretKeyMatcher } from '../../../src/document/keys';

describe('key encoding', () => {
  it('round-trips dotted and dollar keys and leaves plain keys alone', () => {
    for (const key of ['http.requests', '$set', 'a.b.c', 'plain', 'x$']) {
      expect(decodeKey(encodeKey(key))).toBe(key);
      expect(encodeKey(key)).not.toMatch(/\.|^\$/);
    }
    expect(encodeKey('plain')).toBe('plain');
  });

  it('is lossless: every key comes back, including NUL, percent signs and look-alike dots', () => {
    for (const key of ['a\0b', '100%', '%2E', 'a%25b', '%%41', 'a．b', '$', '.', '%']) {
      expect(decodeKey(encodeKey(key))).toBe(key);
      expect(encodeKey(key)).not.toMatch(/[.\0]|^\$/);
    }
    expect(encodeKey('a.b')).toBe('a%2Eb');
    expect(encodeKey('$set')).toBe('%24set');
    expect(encodeKey('100%')).toBe('100%');
  });

  it('encodes the key __proto__ as %5F_proto__, which decodes back, and a literal %5F_proto__ as %255F_proto__', () => {
    expect(encodeKey('__proto__')).toBe('%5F_proto__');
    expect(decodeKey('%5F_proto__')).toBe('__proto__');
    expect(decodeKey(encodeKey('%5F_proto__'))).toBe('%5F_proto__');
    expect(encodeKey('__proto__x')).toBe('__proto__x');
  });

  it('matches secret keys by substring and by regular expression', () => {
    const matches = secretKeyMatcher(['senha', /^pin$/i]);
    expect(matches('minha_senha')).toBe(true);
    expect(matches('PIN')).toBe(true);
    expect(matches('pinned')).toBe(false);
    expect(secretKeyMatcher([])('password')).toBe(false);
  });

  it('leaves a percent sign not followed by two hex digits as it is', () => {
    expect(encodeKey('x%4g%41')).toBe('x%4g%2541');
    expect(decodeKey('x%4g%2541')).toBe('x%4g%41');
  });

  it('matches with words alone, with regular expressions alone, and with any one of several expressions', () => {
    expect(secretKeyMatcher(['pw'])('my_pw')).toBe(true);
    expect(secretKeyMatcher([/^tok$/])('tok')).toBe(true);
    const either = secretKeyMatcher([/^a$/, /^b$/]);
    expect(either('a')).toBe(true);
    expect(either('b')).toBe(true);
    expect(either('c')).toBe(false);
  });
});
