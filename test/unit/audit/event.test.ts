import { describe, expect, it } from 'vitest';
import { firstCodePoints, idText } from '../../../src/audit/event';

describe('firstCodePoints', () => {
  it('returns short text unchanged', () => {
    expect(firstCodePoints('Equação do 2º grau', 100)).toBe('Equação do 2º grau');
  });

  it('cuts by code point and never splits a surrogate pair', () => {
    const text = '𝑥'.repeat(150); // each is two UTF-16 units
    const cut = firstCodePoints(text, 100);
    expect([...cut]).toHaveLength(100);
    expect(cut.isWellFormed()).toBe(true);
    expect(firstCodePoints('a𝑥b', 2)).toBe('a𝑥');
  });

  it('keeps exactly the limit for plain text', () => {
    expect(firstCodePoints('x'.repeat(101), 100)).toBe('x'.repeat(100));
  });
});

describe('idText', () => {
  it('stores numbers and BigInt ids as strings', () => {
    expect(idText(42)).toBe('42');
    expect(idText(2n ** 64n)).toBe('18446744073709551616');
    expect(idText('q-1')).toBe('q-1');
  });
});
