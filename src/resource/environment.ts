import { machine, release, type, version } from 'node:os';

/** The host description stored in `ambiente`. */
export interface EnvironmentInfo {
  /** OS name and kernel release, e.g. `Linux 6.1.0-18-amd64`. */
  os: string;
  /** The OS's own version string. */
  os_version: string;
  /** Node.js version, e.g. `24.11.0`. */
  node_version: string;
  /** Machine architecture as the OS names it, e.g. `x86_64`. */
  architecture: string;
}

let cached: Readonly<EnvironmentInfo> | undefined;

/** The host's OS, Node.js version and architecture. Computed once. */
export function getEnvironmentInfo(): Readonly<EnvironmentInfo> {
  cached ??= Object.freeze({
    os: `${type()} ${release()}`,
    os_version: version(),
    node_version: process.versions.node,
    architecture: machine(),
  });
  return cached;
}
