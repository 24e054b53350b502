// After shutdown, nothing the package added to the process is left: no listener on a process
// event, no ref'd timer, socket, server or file handle. Each run is a child process, so that the
// test runner's own handles are not counted.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProcessSnapshot } from '../fixtures/process-probe';
import { useTestDatabase } from '../support/database';
import { APP, logsProtobuf, TOKEN } from '../support/gateway';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.mjs');
const db = useTestDatabase('process_hooks');
const dir = mkdtempSync(join(tmpdir(), 'process-hooks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args`; `onOutput` sees stdout and stderr so far and may signal the child. */
function run(
  args: string[],
  env: Record<string, string>,
  onOutput?: (child: ReturnType<typeof spawn>, output: string) => void,
): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onOutput?.(child, stdout + stderr);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onOutput?.(child, stdout + stderr);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs a CLI command with the probe preloaded; `act` acts on the running command once `ready` matches. */
async function probeCli(
  command: string[],
  ready: RegExp,
  act: (child: ReturnType<typeof spawn>, match: RegExpExecArray) => Promise<void>,
): Promise<{ child: Child; before: ProcessSnapshot; after: ProcessSnapshot; alive: Record<string, number> }> {
  const out = join(dir, `probe-${command[0]}-${Date.now()}.json`);
  let acting = false;
  let acted: Promise<void> = Promise.resolve();
  const child = await run(
    ['--import', join(FIXTURES, 'process-probe.ts'), CLI, ...command],
    { PROBE_OUT: out, MONGODB_URI: db.uri, MONGODB_DATABASE: db.name },
    (process, output) => {
      const match = ready.exec(output);
      if (match && !acting) {
        acting = true;
        acted = act(process, match);
      }
    },
  );
  await acted;
  expect(acting, `${command[0]} never printed ${ready}: ${child.stderr}`).toBe(true);
  return {
    child,
    ...(JSON.parse(readFileSync(out, 'utf8')) as {
      before: ProcessSnapshot;
      after: ProcessSnapshot;
      alive: Record<string, number>;
    }),
  };
}

describe('process hooks and handles after shutdown', () => {
  it.each([
    ['setup', [], ['uncaughtException', 'uncaughtExceptionMonitor', 'newListener', 'removeListener']],
    ['setup', ['--unhandled-rejections=warn'], ['uncaughtException', 'unhandledRejection']],
    ['setup', ['--unhandled-rejections=strict'], ['uncaughtException', 'unhandledRejection']],
    ['app-listeners', [], ['uncaughtException', 'unhandledRejection', 'newListener']],
  ])(
    "setupTelemetry().shutdown() removes every process listener, timer (even unref'd) and handle it added (%s, node %j)",
    async (scenario, nodeFlags, hooked) => {
      const child = await run([...nodeFlags, join(FIXTURES, 'hooks-app.ts'), scenario], {
        TEST_TARGET_URI: db.uri,
        TEST_DATABASE: db.name,
        TEST_SPOOL_DIR: join(dir, `spool-${scenario}`),
        XDG_STATE_HOME: join(dir, 'state'),
      });
      expect(child.code, child.stderr).toBe(0);
      const { before, during, after, alive } = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<
        'before' | 'during' | 'after',
        ProcessSnapshot
      > & { alive: Record<string, number> };
      // While running, the hooks are there (so the comparison below can see them)...
      for (const event of ['SIGINT', 'SIGTERM', 'beforeExit', 'exit', ...hooked]) {
        expect(during.listeners[event], `${event} while running`).toBeGreaterThan(before.listeners[event]!);
      }
      expect(during.resources).not.toEqual(before.resources);
      // ...and after shutdown() the process is as it was before setupTelemetry().
      expect(after.listeners).toEqual(before.listeners);
      expect(after.resources).toEqual(before.resources);
      // Nor any async resource it created, unref'd timers included (getActiveResourcesInfo() omits those).
      expect(alive).toEqual({});
    },
  );

  it('the gateway command, on SIGTERM, leaves no process listener, timer or handle once it has finished', async () => {
    const tokens = join(dir, 'tokens');
    writeFileSync(tokens, `desktop ${APP} ${TOKEN}\n`);
    const { child, before, after, alive } = await probeCli(
      ['gateway', '--port', '0', '--tokens-file', tokens, '--spool-dir', join(dir, 'spool-gateway')],
      /listening on (http:\/\/\S+)/,
      async (process, match) => {
        const response = await fetch(`${match[1]}/v1/logs`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKEN}` },
          body: logsProtobuf([
            { body: 'before SIGTERM', attributes: { 'error.fingerprint': 'hooks-gateway' } },
          ]),
        });
        expect(response.status).toBe(200);
        process.kill('SIGTERM');
      },
    );
    expect(child.code, child.stderr).toBe(0);
    expect(child.stderr).toContain('gateway stopped');
    expect(after.listeners).toEqual(before.listeners);
    expect(after.resources).toEqual(before.resources);
    expect(alive).toEqual({});
  });

  it('the watch command, on SIGTERM while it waits for its next poll, exits 0 and leaves no process listener, timer or handle', async () => {
    const { child, before, after, alive } = await probeCli(
      ['watch', '--interval', '3600'],
      /polling \S+ \(.*\) every 3600 s/,
      async (process) => {
        process.kill('SIGTERM');
      },
    );
    expect(child.code, child.stderr).toBe(0);
    expect(child.stderr).toMatch(/watch: stopped; 1 poll\(s\), 0 alert\(s\) delivered, 0 failed/);
    expect(after.listeners).toEqual(before.listeners);
    expect(after.resources).toEqual(before.resources);
    expect(alive).toEqual({});
  });

  it('the dashboard command, on Ctrl-C (SIGINT), leaves no process listener, timer or handle once it has finished', async () => {
    const { child, before, after, alive } = await probeCli(
      ['dashboard', '--port', '0', '--refresh', '1'],
      /on (http:\/\/\S+)\n/,
      async (process, match) => {
        const response = await fetch(match[1]!);
        expect(response.status).toBe(200);
        await response.arrayBuffer();
        process.kill('SIGINT');
      },
    );
    expect(child.code, child.stderr).toBe(0);
    expect(after.listeners).toEqual(before.listeners);
    expect(after.resources).toEqual(before.resources);
    expect(alive).toEqual({});
  });
});
