import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A FerretDB instance of its own that a test may stop and restart (same port and data).
 * Only with the project's local server: with MONGODB_URI set these tests are skipped,
 * since an external server cannot be stopped from here.
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

/** True when tests run against an external server (MONGODB_URI), which tests cannot stop. */
export const usingExternalServer = Boolean(process.env.MONGODB_URI);
