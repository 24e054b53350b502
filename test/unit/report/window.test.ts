import { describe, expect, it } from 'vitest';
import { bucketLength } from '../../../src/report/error-scan';
import { niceMax } from '../../../src/report/html/svg-charts';
import { compareVersions, percentile } from '../../../src/report/stats';
import { parseWindow } from '../../../src/report/window';

const NOW = new Date('2026-11-29T12:00:00Z');

describe('parseWindow (--since)', () => {
  it.each([
    ['24h', '2026-11-28T12:00:00.000Z', '2026-11-27T12:00:00.000Z'],
    ['7d', '2026-11-22T12:00:00.000Z', '2026-11-15T12:00:00.000Z'],
    ['30m', '2026-11-29T11:30:00.000Z', '2026-11-29T11:00:00.000Z'],
    ['2w', '2026-11-15T12:00:00.000Z', '2026-11-01T12:00:00.000Z'],
    ['2026-11-28', '2026-11-28T00:00:00.000Z', '2026-11-26T12:00:00.000Z'],
  ])('%s starts at %s, and the previous window of the same length at %s', (since, from, previousFrom) => {
    const window = parseWindow(since, NOW);
    expect(window.from.toISOString()).toBe(from);
    expect(window.previousFrom.toISOString()).toBe(previousFrom);
    expect(window.to).toBe(NOW);
    expect(window.label).toBe(since);
  });

  it.each(['yesterday', '0h', '-1d', '24', '2026-13-45', '2027-01-01'])(
    'refuses %s naming the flag',
    (since) => {
      expect(() => parseWindow(since, NOW)).toThrow(/^--since /);
    },
  );
});

describe('report arithmetic', () => {
  it('percentile is the nearest rank', () => {
    expect(percentile([60, 120, 300, 600, 3600], 50)).toBe(300);
    expect(percentile([60, 120, 300, 600, 3600], 95)).toBe(3600);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('versions sort as people read them', () => {
    expect(['1.10.0', '1.9.0', '1.9.10', '2.0.0', '1.9.2'].sort(compareVersions)).toEqual([
      '1.9.0',
      '1.9.2',
      '1.9.10',
      '1.10.0',
      '2.0.0',
    ]);
  });

  it('chart axes end on four round steps', () => {
    expect([1, 2, 4, 5, 7, 50, 56, 999].map(niceMax)).toEqual([4, 4, 4, 8, 8, 80, 80, 2000]);
  });

  it('time buckets: at most 60, the smallest of 1 h, 3 h, 6 h, 12 h, 1 d, 1 w', () => {
    const hours = (h: number) => bucketLength(new Date(0), new Date(h * 3_600_000)) / 3_600_000;
    expect([24, 60, 61, 7 * 24, 30 * 24, 90 * 24].map(hours)).toEqual([1, 1, 3, 3, 12, 168]);
  });
});
