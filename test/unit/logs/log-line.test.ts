import { describe, expect, it } from 'vitest';
import { formatLogLine, lineSecretMatcher } from '../../../src/logs/log-line';
import { captureRecords } from '../../support/records';

function lineOf(attributes: Record<string, unknown>, body: unknown = 'event'): string {
  const [record] = captureRecords((logger) =>
    logger('app').emit({ body: body as string, attributes: attributes as never }),
  );
  return formatLogLine(record!, lineSecretMatcher());
}

describe('formatLogLine', () => {
  it.each([
    ['a string', 'hunter2'],
    ['an object', { value: 'hunter2' }],
    ['an array', ['hunter2']],
    ['a number', 424242],
  ])('prints the whole value under a secret-looking key as [REDACTED] when it is %s', (_case, secret) => {
    const line = lineOf({ password: secret, apiKey: secret, user: 'u1' });
    expect(line).toMatch(
      / - app - \w+ - event \{"password":"\[REDACTED\]","apiKey":"\[REDACTED\]","user":"u1"\}$/,
    );
  });

  it('redacts secret-looking keys inside an object body', () => {
    const line = lineOf({}, { action: 'login', credentials: { user: 'u', pass: 'hunter2' } });
    expect(line).toContain('{"action":"login","credentials":"[REDACTED]"}');
    expect(line).not.toContain('hunter2');
  });

  it('hides connection-string passwords anywhere in the line', () => {
    const line = lineOf({ uri: 'mongodb://u:S3cr@t@h/' }, 'cannot reach mongodb://u:S3cr@t@h/');
    expect(line).not.toContain('S3cr');
    expect(line).toContain('cannot reach mongodb://u:****@h/');
  });
});
