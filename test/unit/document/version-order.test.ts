import { describe, expect, it } from 'vitest';
import { compareVersions, isAtLeast, latestVersion } from '../../../src/document/version-order';

describe('compareVersions', () => {
  it('orders semver versions as semver, not as text', () => {
    expect(['1.10.0', '1.9.2', '1.2.0'].sort((a, b) => compareVersions(a, b))).toEqual([
      '1.2.0',
      '1.9.2',
      '1.10.0',
    ]);
    expect(compareVersions('2.0.0-beta.1', '2.0.0')).toBeLessThan(0);
    expect(compareVersions('v1.2.0', '1.2.0')).toBe(0);
  });

  it('orders versions that are not semver by when they were first seen', () => {
    const seen: Record<string, Date> = {
      'build 7': new Date('2026-01-02'),
      'build 10': new Date('2026-01-01'),
    };
    const firstSeen = (version: string) => seen[version];
    expect(compareVersions('build 7', 'build 10', firstSeen)).toBeGreaterThan(0);
    expect(
      compareVersions('1.2', '1.10', (v) => ({ '1.2': new Date(1), '1.10': new Date(2) })[v]),
    ).toBeLessThan(0);
  });

  it('falls back to text order when neither semver nor first-seen dates tell the two apart', () => {
    expect(compareVersions('a', 'b')).toBeLessThan(0);
    expect(compareVersions('b', 'a')).toBeGreaterThan(0);
  });
});

describe('isAtLeast and latestVersion', () => {
  it('says whether a version is the floor or later', () => {
    expect(isAtLeast('1.1.0', '1.1.0')).toBe(true);
    expect(isAtLeast('1.2.0', '1.1.0')).toBe(true);
    expect(isAtLeast('1.0.0', '1.1.0')).toBe(false);
  });

  it('picks the highest version, or undefined for none', () => {
    expect(latestVersion(['1.0.0', '1.10.0', '1.9.0'])).toBe('1.10.0');
    expect(latestVersion([])).toBeUndefined();
  });
});
