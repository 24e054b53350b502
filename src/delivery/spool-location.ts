import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { hostsOf } from '../foundation/redact';
import type { CollectionNames } from '../document/schema';

const APP_FOLDER = 'opentelemetry-exporter-mongodb';

/**
 * The per-user state folder, then one subfolder per destination (servers + database), so
 * that two applications writing to different clusters never replay into each other's.
 */
export function defaultSpoolDir(
  connectionString: string | undefined,
  client: MongoClient | undefined,
  database: string,
  collections?: Readonly<CollectionNames>,
): string {
  const destination = destinationOf(connectionString, client, database, collections);
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

/**
 * Where documents go: servers, database and, unless they are the defaults, collection
 * names (left out then, so that the folder of the first releases stays the same).
 */
export function destinationOf(
  connectionString: string | undefined,
  client: MongoClient | undefined,
  database: string,
  collections?: Readonly<CollectionNames>,
): string {
  const names = collections ? [collections.errors, collections.audit, collections.metrics].join(',') : '';
  const base = `${serversOf(connectionString, client)}/${database}`;
  return names === '' || names === 'errors,audit,metrics' ? base : `${base}/${names}`;
}

/** The host list of the destination, without credentials or options. */
function serversOf(connectionString: string | undefined, client: MongoClient | undefined): string {
  if (client) {
    const hosts = (client.options?.hosts ?? []).map((host) => host.toString());
    // An SRV client lists no hosts before it connects: its cluster's name tells it apart.
    return hosts.join(',') || client.options?.srvHost || 'client';
  }
  return hostsOf(connectionString ?? '') ?? 'unknown';
}
