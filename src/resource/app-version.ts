import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const OWN_PACKAGE_NAME = 'opentelemetry-exporter-mongodb';
const UNKNOWN_VERSION = '0.0.0';
let cached: string | undefined;

/**
 * The host application's version: `npm_package_version` when run through npm, else
 * the `version` of the nearest package.json above the entry script (then the working
 * directory), skipping this package's own. `0.0.0` when none is found. Computed once.
 *
 * An explicit `service.version` resource attribute takes precedence over this.
 */
export function getAppVersion(): string {
  cached ??= findAppVersion();
  return cached;
}

function findAppVersion(): string {
  const fromNpm = process.env.npm_package_version;
  if (fromNpm) return fromNpm;
  const starts = [process.argv[1] ? dirname(resolve(process.argv[1])) : undefined, process.cwd()];
  for (const start of starts) {
    const version = start && versionAbove(start);
    if (version) return version;
  }
  return UNKNOWN_VERSION;
}

function versionAbove(start: string): string | undefined {
  let dir = start;
  for (;;) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest && manifest.name !== OWN_PACKAGE_NAME && typeof manifest.version === 'string') {
      return manifest.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readManifest(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined; // no package.json here, or not JSON: keep walking up
  }
}
