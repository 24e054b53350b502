import { coerce, compare, valid } from 'semver';

/**
 * The order of an application's versions, as the readers (report, dashboard, triage) use it:
 * semver order when both versions are semver (`1.10.0` after `1.9.2`; a pre-release before its
 * release), otherwise by when each version was first seen, earliest first. Versions are compared
 * as stored in `app_version`; a leading `v` is accepted (`v1.2.0`).
 */
export function compareVersions(
  a: string,
  b: string,
  firstSeen?: (version: string) => Date | undefined,
): number {
  const left = semverOf(a);
  const right = semverOf(b);
  if (left && right) return compare(left, right);
  const seenA = firstSeen?.(a)?.getTime();
  const seenB = firstSeen?.(b)?.getTime();
  if (seenA !== undefined && seenB !== undefined && seenA !== seenB) return seenA - seenB;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `version` is at least `floor` in {@link compareVersions} order. */
export function isAtLeast(
  version: string,
  floor: string,
  firstSeen?: (version: string) => Date | undefined,
): boolean {
  return compareVersions(version, floor, firstSeen) >= 0;
}

/** The highest of `versions`, or undefined for none. */
export function latestVersion(
  versions: Iterable<string>,
  firstSeen?: (version: string) => Date | undefined,
): string | undefined {
  let latest: string | undefined;
  for (const version of versions) {
    if (latest === undefined || compareVersions(version, latest, firstSeen) > 0) latest = version;
  }
  return latest;
}

function semverOf(version: string): string | undefined {
  const trimmed = version.trim().replace(/^v(?=\d)/, '');
  // Only a whole semver counts: `1.2` or `build 7` are ordered by time, not coerced.
  return valid(trimmed) ?? (coerce(trimmed)?.version === trimmed ? trimmed : undefined);
}
