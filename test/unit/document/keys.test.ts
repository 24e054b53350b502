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

  it('matches secret keys by substring and by regular expression', () => {
    const matches = secretKeyMatcher(['senha', /^pin$/i]);
    expect(matches('minha_senha')).toBe(true);
    expect(matches('PIN')).toBe(true);
    expect(matches('pinned')).toBe(false);
    expect(secretKeyMatcher([])('password')).toBe(false);
  });
});
