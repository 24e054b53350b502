import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program';
import { closedPort } from '../support/network';
import { ControlledServer, describeWithPrivateServer } from '../support/server';
import { captureOutput } from './support/output';

const PASSWORD = 'S3cret-Pw!x';

async function run(args: string[]) {
  const output = captureOutput();
  const code = await runCli(args, output, '0.0.0');
  return { code, out: output.out(), err: output.err() };
}

describeWithPrivateServer('report and indexes against a server that refuses or is gone', () => {
  const server = new ControlledServer('cli-auth', { user: 'ana', password: PASSWORD });
  let uriWithWrongPassword: string;

  beforeAll(() => {
    const uri = server.start();
    uriWithWrongPassword = uri.replace(
      'mongodb://',
      `mongodb://ana:${encodeURIComponent('wrong-' + PASSWORD)}@`,
    );
  });
  afterAll(() => server.destroy());

  it.each(['report', 'indexes'])(
    '%s with a wrong password: one line, exit code 1, password redacted',
    async (command) => {
      const result = await run([command, '--connection-string', uriWithWrongPassword]);
      expect(result.code).toBe(1);
      expect(result.out).toBe('');
      expect(result.err.endsWith('\n')).toBe(true);
      expect(result.err.trim().split('\n')).toHaveLength(1);
      expect(result.err).toMatch(
        /^opentelemetry-exporter-mongodb: cannot reach MongoDB at mongodb:\/\/ana:\*\*\*\*@127\.0\.0\.1:\d+\/: .*Authentication failed/,
      );
      expect(result.err).not.toContain(PASSWORD);
      expect(result.err).not.toContain(encodeURIComponent('wrong-' + PASSWORD));
    },
  );

  it('report with the right password works', async () => {
    const uri = server.uri.replace('mongodb://', `mongodb://ana:${encodeURIComponent(PASSWORD)}@`);
    const result = await run(['report', '--connection-string', `${uri}?authSource=admin`]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Nothing to report');
  });
});

describe('report against an unreachable server', () => {
  it('one line naming the redacted address, exit code 1', async () => {
    const port = await closedPort();
    const result = await run([
      'report',
      '--connection-string',
      `mongodb://ana:${PASSWORD}@127.0.0.1:${port}/`,
    ]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      new RegExp(
        `^opentelemetry-exporter-mongodb: cannot reach MongoDB at mongodb://ana:\\*\\*\\*\\*@127\\.0\\.0\\.1:${port}/: MongoServerSelectionError: .*\\n$`,
      ),
    );
    expect(result.err).not.toContain(PASSWORD);
  });

  it('no connection string anywhere: one line saying where to set it', async () => {
    const saved = { a: process.env.MONGODB_URI, b: process.env.MONGODB_CONNECTION_STRING };
    delete process.env.MONGODB_URI;
    delete process.env.MONGODB_CONNECTION_STRING;
    try {
      const result = await run(['report']);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(
        /^opentelemetry-exporter-mongodb: No MongoDB connection string: set MONGODB_CONNECTION_STRING/,
      );
    } finally {
      if (saved.a !== undefined) process.env.MONGODB_URI = saved.a;
      if (saved.b !== undefined) process.env.MONGODB_CONNECTION_STRING = saved.b;
    }
  });
});
