import { findAppManifest } from './app-manifest';

/**
 * The folder stack-frame paths are made relative to for `erro.fingerprint`: the folder of
 * the application's package.json (found above the entry script), else the working directory.
 */
export function defaultAppRoot(): string {
  return findAppManifest()?.dir ?? process.cwd();
}
