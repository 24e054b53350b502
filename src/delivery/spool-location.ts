import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { hostsOf } from '../redact';

const APP_FOLDER = 'opentelemetry-exporter-mongodb';

/**
 * The per-user state folder, then one subfolder per destination (servers + database), so
 * that two applications writing to different clusters never replay into each other's.
 */
export function defaultSpoolDir(
  connectionString: string | undefined,
  client: MongoClient | undefined,
  database: string,
): string {
  const destination = `${serversOf(connectionString, client)}/${database}`;
  const hash = createHash('sha256').update(destination).digest('hex').slice(0, 12);
  return join(userStateDir(), APP_FOLDER, 'spool', hash);
}

function userStateDir(): string {
  const home = homedir();
  switch (process.platform) {
    case 'win32':
      return process.env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
    case 'darwin':
      return join(home, 'Library', 'Application Support');
    default:
      return process.env.XDG_STATE_HOME || join(home, '.local', 'state');
  }
}

/** The host list of the destination, without credentials or options. */
function serversOf(connectionString: string | undefined, client: MongoClient | undefined): string {
  if (client) {
    const hosts = (client.options?.hosts ?? []).map((host) => host.toString());
    return hosts.join(',') || 'client';
  }
  return hostsOf(connectionString ?? '') ?? 'unknown';
}
