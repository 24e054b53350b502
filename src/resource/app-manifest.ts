import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const OWN_PACKAGE_NAME = 'opentelemetry-exporter-mongodb';

/** The host application's package.json and the folder holding it. */
export interface AppManifest {
  dir: string;
  manifest: { name?: unknown; version?: unknown };
}

let cached: AppManifest | null | undefined;

/**
 * The nearest named package.json above the entry script (then the working directory),
 * skipping this package's own and nameless ones (`{"type": "module"}` markers); null when
 * there is none. Computed once.
 */
export function findAppManifest(): AppManifest | null {
  if (cached === undefined) {
    const starts = [process.argv[1] ? dirname(resolve(process.argv[1])) : undefined, process.cwd()];
    cached = null;
    for (const start of starts) {
      const found = start && manifestAbove(start);
      if (found) {
        cached = found;
        break;
      }
    }
  }
  return cached;
}

function manifestAbove(start: string): AppManifest | undefined {
  let dir = start;
  for (;;) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (typeof manifest?.name === 'string' && manifest.name !== OWN_PACKAGE_NAME) return { dir, manifest };
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readManifest(path: string): AppManifest['manifest'] | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined; // no package.json here, or not JSON: keep walking up
  }
}
