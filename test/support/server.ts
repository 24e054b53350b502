import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';

/**
 * A FerretDB instance of its own that a test may stop and restart (same port and data).
 * Private to the test, also when the suite runs against an external server (MONGODB_URI),
 * which a test cannot stop.
 */
export class ControlledServer {
  readonly name: string;
  private readonly auth: string | undefined;
  uri = '';

  constructor(label: string, auth?: { user: string; password: string }) {
    this.name = `${label}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.auth = auth && `${auth.user}:${auth.password}`;
  }

  start(): string {
    this.uri = this.run('start');
    return this.uri;
  }

  stop(): void {
    this.run('stop');
  }

  /** SIGKILL: the server dies without a clean shutdown, connections are cut. */
  kill(): void {
    this.run('kill');
  }

  destroy(): void {
    this.run('destroy');
  }

  private run(command: string): string {
    return execFileSync('bash', ['scripts/mongo-server.sh', command, this.name], {
      encoding: 'utf8',
      env: { ...process.env, MONGODB_URI: '', MONGO_SERVER_AUTH: this.auth ?? '' },
    }).trim();
  }
}

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Why a private server cannot be started here, or undefined when it can. Without
 * MONGODB_URI `npm test` builds FerretDB first; with it, FerretDB may be absent.
 */
function privateServerUnavailable(): string | undefined {
  const script = readFileSync(join(ROOT, 'scripts', 'mongo-server.sh'), 'utf8');
  const version = /^FERRETDB_VERSION=(\S+)$/m.exec(script)?.[1] ?? '';
  if (existsSync(join(ROOT, '.tools', 'ferretdb', version, 'ferretdb'))) return undefined;
  return `needs a server it can stop: run "bash scripts/mongo-server.sh install" to build FerretDB ${version}`;
}

const unavailable = privateServerUnavailable();

/**
 * `describe` for tests that stop and restart a {@link ControlledServer}: skipped, with the
 * reason in its name, when no private server can be started.
 */
export function describeWithPrivateServer(name: string, tests: () => void): void {
  if (unavailable) describe.skip(`${name} [skipped: ${unavailable}]`, tests);
  else describe(name, tests);
}
