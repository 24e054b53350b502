import { describe, expect, it } from 'vitest';
import { unhandledRejectionsMode } from '../../../src/reporter/rejection-mode';

describe('unhandledRejectionsMode', () => {
  it('is throw, Node’s default, when no flag is given', () => {
    expect(unhandledRejectionsMode([], undefined)).toBe('throw');
    expect(unhandledRejectionsMode(['--enable-source-maps'], '--max-old-space-size=100')).toBe('throw');
  });

  it('reads the flag from the command line and from NODE_OPTIONS, the command line winning', () => {
    expect(unhandledRejectionsMode(['--unhandled-rejections=warn'], undefined)).toBe('warn');
    expect(unhandledRejectionsMode(['--unhandled-rejections', 'strict'], undefined)).toBe('strict');
    expect(unhandledRejectionsMode([], ' --unhandled-rejections=none ')).toBe('none');
    expect(
      unhandledRejectionsMode(['--unhandled-rejections=warn-with-error-code'], '--unhandled-rejections=none'),
    ).toBe('warn-with-error-code');
  });

  it('ignores values Node would not accept', () => {
    expect(unhandledRejectionsMode(['--unhandled-rejections=loud'], undefined)).toBe('throw');
  });
});
