import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SETUP_DEFAULTS } from '../../src/setup/options';
import { useTestDatabase } from '../support/database';
import { closedPort } from '../support/network';
import { firstOutcomes, runTelemetryApp, spoolFiles, storedOnce } from '../support/app-runs';
import { DEFAULTS } from '../../src/shared-options/shared-options';

const database = useTestDatabase('storm');
const root = mkdtempSync(join(tmpdir(), 'storm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('setupTelemetry() under load and without a usable server or spool (defaults)', () => {
  it('stores exactly 100,000 of 100,000 error records emitted in one synchronous loop, and the stats add up', async () => {
    const spoolDir = join(root, 'storm-spool');
    const run = await runTelemetryApp(['storm', 100_000, 'storm'], {
      TEST_TARGET_URI: database.uri,
      TEST_DATABASE: database.name,
      TEST_SPOOL_DIR: spoolDir,
      TEST_DRAIN_WAIT_MS: '540000',
    });
    expect(run.code, run.stderr).toBe(0);
    const stored = await storedOnce(database.db.collection('errors'), 'storm');
    expect(stored).toEqual({ documents: 100_000, distinct: 100_000 });
    const { logs, total } = run.stats!;
    expect(firstOutcomes(total)).toBe(total.accepted);
    expect(logs).toMatchObject({ failed: 0, dropped: 0, rejected: 0, internalErrors: 0 });
    // Every error record and the session's two audit events, each stored once.
    expect(logs.written + logs.replayed).toBe(logs.accepted - logs.filtered);
    expect(logs.replayed).toBe(logs.spooled);
    expect(spoolFiles(spoolDir)).toEqual({ segments: [], claims: [] });
  }, 600_000); // the local server stores 1,500-8,000 documents/s, depending on the machine's load

  it('keeps running when the spool path is a file: diag says why once, and every lost record is counted', async () => {
    const notAFolder = join(root, 'spool-is-a-file');
    writeFileSync(notAFolder, 'not a folder');
    const run = await runTelemetryApp(['storm', 5000, 'no-spool'], {
      TEST_TARGET_URI: `mongodb://127.0.0.1:${await closedPort()}/`,
      TEST_SPOOL_DIR: notAFolder,
      TEST_DIAG: '1',
    });
    expect(run.code, run.stderr).toBe(0);
    const output = run.stdout + run.stderr;
    expect(output.match(/cannot spool to/g)).toHaveLength(1);
    expect(output).toMatch(/ENOTDIR|EEXIST/);
    const { logs, total } = run.stats!;
    expect(firstOutcomes(total)).toBe(total.accepted);
    expect(logs.accepted).toBeGreaterThanOrEqual(5000);
    expect(logs.failed).toBe(logs.accepted - logs.filtered);
    expect(logs).toMatchObject({ written: 0, spooled: 0 });
  });

  it('is gone within shutdownTimeoutMs + 1 s of shutdown() when the server is unreachable', async () => {
    const run = await runTelemetryApp(['exit-timing', 1000, 'exit'], {
      TEST_TARGET_URI: `mongodb://127.0.0.1:${await closedPort()}/`,
      TEST_SPOOL_DIR: join(root, 'exit-spool'),
    });
    expect(run.code, run.stderr).toBe(0);
    const shutdownAt = Number(/shutdown-at (\d+)/.exec(run.stdout)![1]);
    const exitMs = run.exitedAt - shutdownAt;
    console.log(
      `exit took ${exitMs} ms after shutdown() (connectionTimeoutMs ${DEFAULTS.connectionTimeoutMs})`,
    );
    expect(exitMs).toBeLessThanOrEqual(SETUP_DEFAULTS.shutdownTimeoutMs + 1000);
    const { logs, total } = run.stats!;
    expect(firstOutcomes(total)).toBe(total.accepted);
    expect(logs.spooled).toBe(logs.accepted - logs.filtered);
  });
});
