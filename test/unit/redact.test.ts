import { describe, expect, it } from 'vitest';
import { describeError, passwordOf, redactConnectionString, redactText } from '../../src/redact';

describe('redaction', () => {
  it('replaces the password of mongodb and mongodb+srv URIs, keeping the rest', () => {
    expect(
      redactConnectionString('mongodb+srv://logger:s3cr%40t@cluster0.example.net/?retryWrites=true'),
    ).toBe('mongodb+srv://logger:****@cluster0.example.net/?retryWrites=true');
    expect(redactConnectionString('mongodb://h:27017/')).toBe('mongodb://h:27017/');
  });

  it('removes URIs and bare passwords from free text', () => {
    const secrets = passwordOf('mongodb://u:p%40ssw0rd@h/');
    expect(secrets).toEqual(['p%40ssw0rd', 'p@ssw0rd']);
    const text = redactText('failed for mongodb://u:p%40ssw0rd@h/ (password p@ssw0rd)', secrets);
    expect(text).not.toMatch(/ssw0rd/);
    expect(describeError(new Error('auth p@ssw0rd'), secrets)).toBe('Error: auth ****');
  });
});
