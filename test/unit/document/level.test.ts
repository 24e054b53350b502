import { describe, expect, it } from 'vitest';
import { effectiveSeverity, levelOf, parseLevelName } from '../../../src/document/level';

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

  it.each([
    [1, 'DEBUG'],
    [8, 'DEBUG'],
    [9, 'INFO'],
    [12, 'INFO'],
    [13, 'WARNING'],
    [16, 'WARNING'],
    [17, 'ERROR'],
    [20, 'ERROR'],
    [21, 'CRITICAL'],
    [24, 'CRITICAL'],
  ])('maps severity number %i to %s, at the edges of each range', (number, level) => {
    expect(levelOf(number)).toBe(level);
  });

  it('uses the text, or INFO, when the number is 0 or absent', () => {
    expect(levelOf(0)).toBe('INFO');
    expect(levelOf(undefined, 'nonsense')).toBe('INFO');
    expect(levelOf(undefined, 'warn')).toBe('WARNING');
    expect(effectiveSeverity(0, 'debug')).toBe(1);
    expect(effectiveSeverity(undefined)).toBe(9);
    expect(effectiveSeverity(1)).toBe(1);
  });
});
