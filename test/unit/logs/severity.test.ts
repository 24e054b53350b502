import { describe, expect, it } from 'vitest';
import { effectiveSeverity, levelOf, parseLevelName } from '../../../src/logs/severity';

describe('severity', () => {
  it('parses the common spellings of level names', () => {
    expect(parseLevelName('warn')).toBe('WARNING');
    expect(parseLevelName(' Warning ')).toBe('WARNING');
    expect(parseLevelName('fatal')).toBe('CRITICAL');
    expect(parseLevelName('trace')).toBe('DEBUG');
    expect(parseLevelName('loud')).toBeUndefined();
  });

  it('treats an unspecified severity as INFO unless the text says otherwise', () => {
    expect(levelOf(undefined)).toBe('INFO');
    expect(levelOf(0, 'ERROR')).toBe('ERROR');
    expect(effectiveSeverity(undefined, 'critical')).toBe(21);
    expect(effectiveSeverity(18, 'debug')).toBe(18);
  });
});
