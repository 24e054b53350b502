import type { AccumulatedGroup } from './accumulated-group';
import { compareVersions } from './stats';
import type { VersionNovelty } from './types';

/**
 * For each app and each of its versions with errors in this window: the groups it has that the
 * app's version before it (in version order, among the app's versions with errors in either
 * window) had in neither window. Versions of two apps are never compared.
 */
export function versionNovelty(
  current: readonly [string, AccumulatedGroup][],
  previous: Map<string, Set<string>>,
  ids: Map<string, string>,
): VersionNovelty[] {
  const appOf = (mapKey: string) => mapKey.slice(0, mapKey.indexOf('\u0000'));
  const result: VersionNovelty[] = [];
  for (const app of [...new Set(current.map(([, group]) => group.app))].sort()) {
    const mine = current.filter(([, group]) => group.app === app);
    const seen = new Map<string, Set<string>>();
    for (const [mapKey, group] of mine)
      seen.set(mapKey, new Set([...group.versions, ...(previous.get(mapKey) ?? [])]));
    const allVersions = new Set<string>();
    for (const versions of seen.values()) for (const v of versions) allVersions.add(v);
    for (const [mapKey, versions] of previous)
      if (appOf(mapKey) === app) for (const v of versions) allVersions.add(v);
    const ordered = [...allVersions].sort(compareVersions);
    for (let i = 1; i < ordered.length; i++) {
      const version = ordered[i]!;
      const previousVersion = ordered[i - 1]!;
      const groups = mine
        .filter(([mapKey, group]) => group.versions.has(version) && !seen.get(mapKey)!.has(previousVersion))
        .map(([mapKey]) => ids.get(mapKey)!);
      if (groups.length > 0) result.push({ app, version, previousVersion, groups });
    }
  }
  return result;
}
