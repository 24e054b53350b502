import { describe, expect, it } from 'vitest';
import { mayWriteAs, parseTokens, TokenAuthenticator } from '../../../src/gateway/tokens';

const SECRET = 'a-secret-token-of-some-length';

describe('parseTokens', () => {
  it('reads "<name> <app> <token>" entries per line or per ";", skipping blanks and comments', () => {
    const text = `# comment\n\ndesktop mathbank ${SECRET}\ncollector * ${SECRET}-2; ci mathbank ${SECRET}-3`;
    expect(parseTokens(text, 'tokens.txt')).toEqual([
      { name: 'desktop', app: 'mathbank', token: SECRET },
      { name: 'collector', app: '*', token: `${SECRET}-2` },
      { name: 'ci', app: 'mathbank', token: `${SECRET}-3` },
    ]);
  });

  it('refuses a short token naming the entry, without showing the token', () => {
    expect(() => parseTokens('desktop mathbank short', 'tokens.txt')).toThrow(
      /tokens\.txt, entry 1: the token of "desktop" is shorter than 16/,
    );
    try {
      parseTokens('desktop mathbank short', 'f');
    } catch (error) {
      expect((error as Error).message).not.toContain('short ');
    }
  });

  it('refuses a malformed entry and a repeated name', () => {
    expect(() => parseTokens('desktop mathbank', 'f')).toThrow(/expected "<name> <app> <token>"/);
    expect(() => parseTokens(`a x ${SECRET}\na y ${SECRET}2`, 'f')).toThrow(/"a" is used twice/);
  });
});

describe('TokenAuthenticator', () => {
  const auth = new TokenAuthenticator([
    { name: 'desktop', app: 'mathbank', token: SECRET },
    { name: 'other', app: 'other', token: `${SECRET}-other` },
  ]);

  it('names the token and its app for a valid bearer header', () => {
    expect(auth.authenticate(`Bearer ${SECRET}-other`)).toEqual({ name: 'other', app: 'other' });
    expect(auth.authenticate(`bearer ${SECRET}`)).toEqual({ name: 'desktop', app: 'mathbank' });
  });

  it.each([
    undefined,
    '',
    'Basic abc',
    `Bearer ${SECRET}x`,
    `Bearer ${SECRET.slice(1)}`,
    `Bearer ${SECRET.slice(0, -1)}`,
    `Bearer ${SECRET.slice(0, 16)}`,
    `Bearer ${SECRET.toUpperCase()}`,
    `Bearer ${SECRET} ${SECRET}`,
    'Bearer',
    'Bearer ',
  ])('answers 401 to %j', (header) => {
    expect(() => auth.authenticate(header)).toThrow(expect.objectContaining({ status: 401 }));
  });
});

describe('mayWriteAs', () => {
  it('allows the token its own app, or any app for "*"', () => {
    expect(mayWriteAs('mathbank', 'mathbank')).toBe(true);
    expect(mayWriteAs('mathbank', 'other')).toBe(false);
    expect(mayWriteAs('*', 'other')).toBe(true);
  });

  it('does not let a record named "*" or unnamed ("") through a token bound to one app', () => {
    expect(mayWriteAs('mathbank', '*')).toBe(false);
    expect(mayWriteAs('mathbank', '')).toBe(false);
    expect(mayWriteAs('mathbank', 'Mathbank')).toBe(false);
  });
});
