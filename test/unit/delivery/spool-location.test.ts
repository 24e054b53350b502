import { homedir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultSpoolDir, destinationOf } from '../../../src/delivery/spool-location';
import type { CollectionNames } from '../../../src/document/schema';

const DEFAULT_COLLECTIONS: CollectionNames = { errors: 'errors', audit: 'audit', metrics: 'metrics' };
const URI = 'mongodb://logger:S3cr@t@db1.example.net:27017,db2.example.net:27017/?replicaSet=rs0';

const realPlatform = process.platform;
function onPlatform(platform: NodeJS.Platform): void {
  Object.defineProperty(process, 'platform', { value: platform, configurable: true });
}

afterEach(() => {
  onPlatform(realPlatform);
  vi.unstubAllEnvs();
});

describe('destinationOf', () => {
  it('is the host list and the database of a connection string, without credentials or options', () => {
    expect(destinationOf(URI, undefined, 'telemetria')).toBe(
      'db1.example.net:27017,db2.example.net:27017/telemetria',
    );
  });

  it('leaves the collection names out when they are the defaults', () => {
    expect(destinationOf(URI, undefined, 'telemetria', DEFAULT_COLLECTIONS)).toBe(
      'db1.example.net:27017,db2.example.net:27017/telemetria',
    );
  });

  it('adds the collection names, in the order errors, audit, metrics, when they are not the defaults', () => {
    const collections = { errors: 'erros', audit: 'auditoria', metrics: 'metricas' };
    expect(destinationOf('mongodb://a.example.net/', undefined, 'telemetria', collections)).toBe(
      'a.example.net/telemetria/erros,auditoria,metricas',
    );
    expect(
      destinationOf('mongodb://a.example.net/', undefined, 'telemetria', {
        ...DEFAULT_COLLECTIONS,
        audit: 'trail',
      }),
    ).toBe('a.example.net/telemetria/errors,trail,metrics');
  });

  it('tells databases apart', () => {
    expect(destinationOf(URI, undefined, 'one')).not.toBe(destinationOf(URI, undefined, 'two'));
  });

  it('is "unknown" servers without a connection string or client, or with a value that is not a URI', () => {
    expect(destinationOf(undefined, undefined, 'telemetria')).toBe('unknown/telemetria');
    expect(destinationOf('not a uri', undefined, 'telemetria')).toBe('unknown/telemetria');
  });

  it("takes an application client's hosts from the client, not from a connection string", () => {
    const client = new MongoClient('mongodb://user:pw@c1.example.net:27018,c2.example.net/');
    expect(destinationOf(undefined, client, 'telemetria')).toBe(
      'c1.example.net:27018,c2.example.net:27017/telemetria',
    );
    expect(destinationOf(URI, client, 'telemetria')).toBe(
      'c1.example.net:27018,c2.example.net:27017/telemetria',
    );
  });

  it('names the cluster of an SRV client, so that two clusters never share a default spool folder', () => {
    const one = new MongoClient('mongodb+srv://user:pw@one.example.net/');
    const two = new MongoClient('mongodb+srv://user:pw@two.example.net/');
    expect(destinationOf(undefined, one, 'telemetria')).toBe('one.example.net/telemetria');
    expect(destinationOf(undefined, two, 'telemetria')).toBe('two.example.net/telemetria');
  });

  it('is "client" servers for a client that names no host', () => {
    const bare = { options: { hosts: [] } } as unknown as MongoClient;
    expect(destinationOf(undefined, bare, 'telemetria')).toBe('client/telemetria');
    const noOptions = {} as unknown as MongoClient;
    expect(destinationOf(undefined, noOptions, 'telemetria')).toBe('client/telemetria');
  });
});

describe('defaultSpoolDir', () => {
  it('is $XDG_STATE_HOME/opentelemetry-exporter-mongodb/spool/<12 hex of the destination hash> on Linux', () => {
    onPlatform('linux');
    vi.stubEnv('XDG_STATE_HOME', '/state');
    // Pinned: a release that moved the folder would leave the spool of the previous one behind.
    expect(defaultSpoolDir(URI, undefined, 'telemetria')).toBe(
      join('/state', 'opentelemetry-exporter-mongodb', 'spool', 'fd148d51f5ab'),
    );
    expect(defaultSpoolDir(undefined, undefined, 'telemetria')).toBe(
      join('/state', 'opentelemetry-exporter-mongodb', 'spool', '351d1a839ae8'),
    );
  });

  it('hashes the collection names too when they are not the defaults', () => {
    onPlatform('linux');
    vi.stubEnv('XDG_STATE_HOME', '/state');
    const collections = { errors: 'erros', audit: 'auditoria', metrics: 'metricas' };
    expect(defaultSpoolDir('mongodb://a.example.net/', undefined, 'telemetria', collections)).toBe(
      join('/state', 'opentelemetry-exporter-mongodb', 'spool', '93b2ce8ee350'),
    );
    expect(defaultSpoolDir(URI, undefined, 'telemetria', DEFAULT_COLLECTIONS)).toBe(
      defaultSpoolDir(URI, undefined, 'telemetria'),
    );
  });

  it('falls back to ~/.local/state on Linux when XDG_STATE_HOME is unset or empty', () => {
    onPlatform('linux');
    vi.stubEnv('XDG_STATE_HOME', '');
    const expected = join(
      homedir(),
      '.local',
      'state',
      'opentelemetry-exporter-mongodb',
      'spool',
      'fd148d51f5ab',
    );
    expect(defaultSpoolDir(URI, undefined, 'telemetria')).toBe(expected);
    vi.stubEnv('XDG_STATE_HOME', undefined);
    expect(defaultSpoolDir(URI, undefined, 'telemetria')).toBe(expected);
  });

  it('is under ~/Library/Application Support on macOS, whatever XDG_STATE_HOME says', () => {
    onPlatform('darwin');
    vi.stubEnv('XDG_STATE_HOME', '/state');
    expect(defaultSpoolDir(URI, undefined, 'telemetria')).toBe(
      join(
        homedir(),
        'Library',
        'Application Support',
        'opentelemetry-exporter-mongodb',
        'spool',
        'fd148d51f5ab',
      ),
    );
  });

  it('is under %LOCALAPPDATA% on Windows, or ~/AppData/Local when it is unset', () => {
    onPlatform('win32');
    vi.stubEnv('LOCALAPPDATA', '/Local');
    expect(defaultSpoolDir(URI, undefined, 'telemetria')).toBe(
      join('/Local', 'opentelemetry-exporter-mongodb', 'spool', 'fd148d51f5ab'),
    );
    vi.stubEnv('LOCALAPPDATA', undefined);
    expect(defaultSpoolDir(URI, undefined, 'telemetria')).toBe(
      join(homedir(), 'AppData', 'Local', 'opentelemetry-exporter-mongodb', 'spool', 'fd148d51f5ab'),
    );
  });

  it('gives different destinations different folders', () => {
    onPlatform('linux');
    vi.stubEnv('XDG_STATE_HOME', '/state');
    const folders = new Set([
      defaultSpoolDir('mongodb://a.example.net/', undefined, 'telemetria'),
      defaultSpoolDir('mongodb://b.example.net/', undefined, 'telemetria'),
      defaultSpoolDir('mongodb://a.example.net/', undefined, 'other'),
    ]);
    expect(folders.size).toBe(3);
  });
});
