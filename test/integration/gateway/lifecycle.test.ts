import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/database';
import { APP, logsProtobuf, TOKEN } from '../../support/gateway';

const db = useTestDatabase('gateway_lifecycle');
const CLI = join(import.meta.dirname, '..', '..', '..', 'dist', 'cli.mjs');

/** Starts `opentelemetry-exporter-mongodb gateway` (the built CLI) and resolves with its URL. */
function startCli(nodeOptions?: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-cli-'));
  const tokensFile = join(dir, 'tokens');
  writeFileSync(tokensFile, `# test token\ndesktop ${APP} ${TOKEN}\n`);
  const child = spawn(
    process.execPath,
    [CLI, 'gateway', '--port', '0', '--tokens-file', tokensFile, '--spool-dir', join(dir, 'spool')],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        MONGODB_URI: db.uri,
        MONGODB_DATABASE: db.name,
        ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve({ child, url: match[1]!, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`gateway exited with ${code}: ${stderr}`)));
  });
}

describe('the gateway command', () => {
  it('on SIGTERM answers the requests it accepted, stores them, and exits 0 within its bound', async () => {
    const { child, url, stderr } = await startCli();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const requests = Array.from({ length: 20 }, (_, i) =>
      fetch(`${url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKEN}` },
        // Distinct errors (their own fingerprints): the storm guard would fold repeats of one.
        body: logsProtobuf([
          { body: `before SIGTERM ${i}`, attributes: { 'error.fingerprint': `sigterm-${i}` } },
        ]),
      }).then(
        (response) => response.status,
        () => 0,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const statuses = await Promise.all(requests);
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    const accepted = statuses.filter((status) => status === 200).length;
    // Every request was answered: 200 (stored) or 503 (refused while draining, to be retried).
    expect(statuses.every((status) => status === 200 || status === 503 || status === 0)).toBe(true);
    expect(await db.db.collection('errors').countDocuments()).toBe(accepted);
    expect(stderr()).toContain('gateway: SIGTERM, draining');
    expect(stderr()).not.toContain(TOKEN);
  });

  it('drains and exits 0 on a SIGTERM sent the moment its listening line appears (five starts)', async () => {
    // Before the fix, such a signal killed about every second start: its handler came after the line.
    for (let start = 0; start < 5; start++) {
      const { child, stderr } = await startCli();
      const exited = new Promise<[number | null, string | null]>((resolve) =>
        child.on('exit', (code, signal) => resolve([code, signal])),
      );
      child.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
      expect(stderr()).toContain('gateway: SIGTERM, draining');
    }
  });

  it('refuses a bad limit naming its flag and the value as typed, and exits 1', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'gateway', '--port', '0', '--max-pending-bytes', '10', '--tokens-file', '/dev/null'],
      { env: { PATH: process.env.PATH ?? '', MONGODB_URI: db.uri }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('--max-pending-bytes 10: expected an integer from 1024');
  });

  it('prints one WARN line on stderr for repeated requests with a wrong token, without the token', async () => {
    const { child, url, stderr } = await startCli();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const wrong = `${TOKEN}-wrong`;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${wrong}` },
        body: logsProtobuf([{ body: `wrong token ${i}` }]),
      });
      expect(response.status).toBe(401);
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const warnings = stderr()
      .split('\n')
      .filter((line) => / WARN /.test(line));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('refused a request to /v1/logs (401): a bearer token that matches no');
    expect(stderr()).not.toContain(wrong);
  });

  describe.runIf(process.platform === 'linux')('its heap', () => {
    /** The node flags of a running process, from /proc. */
    const nodeFlagsOf = (pid: number) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .split('\0')
        .filter((part) => part.startsWith('--max'));

    it('runs in the process that was started (same pid, which SIGTERM stops with 0) with --max-semi-space-size=4, and stores what it is sent', async () => {
      const { child, url } = await startCli();
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      expect(nodeFlagsOf(child.pid!)).toEqual(['--max-semi-space-size=4']);
      const response = await fetch(`${url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKEN}` },
        body: logsProtobuf([{ body: 'after the relaunch' }]),
      });
      expect(response.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await db.db.collection('errors').countDocuments({ 'erro.mensagem': 'after the relaunch' })).toBe(
        1,
      );
    });

    it('keeps the semi-space size an operator gives in NODE_OPTIONS, and is not restarted', async () => {
      const { child } = await startCli('--max-semi-space-size=16');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      expect(nodeFlagsOf(child.pid!)).toEqual([]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    });
  });
});
