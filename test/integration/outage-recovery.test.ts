import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, expect, it } from 'vitest';
import { sumStats } from '../../src/stats';
import { firstOutcomes, runTelemetryApp, spoolFiles } from '../support/app-runs';
import { ControlledServer, describeWithPrivateServer } from '../support/server';

const roots: string[] = [];
afterAll(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function spoolDir(label: string): string {
  const root = mkdtempSync(join(tmpdir(), `${label}-`));
  roots.push(root);
  return join(root, 'spool');
}

async function errorsByLabel(uri: string, database: string, label: string) {
  const client = new MongoClient(uri);
  try {
    const errors = client.db(database).collection('errors');
    return {
      documents: await errors.countDocuments({ 'contexto.label': label }),
      distinct: (await errors.distinct('contexto.i', { 'contexto.label': label })).length,
    };
  } finally {
    await client.close();
  }
}

describeWithPrivateServer('setupTelemetry() across an outage and restarts (defaults)', () => {
  it('restarts three times after an outage: every start exits 0, the outage records are stored exactly once, no claim file remains', async () => {
    const server = new ControlledServer('restart');
    const uri = server.start();
    const env = { TEST_TARGET_URI: uri, TEST_DATABASE: 'restart', TEST_SPOOL_DIR: spoolDir('restart') };
    try {
      server.stop();
      const down = await runTelemetryApp(['storm', 1000, 'down'], env);
      expect(down.code, down.stderr).toBe(0);
      expect(down.stats!.logs.spooled).toBeGreaterThanOrEqual(1000);
      server.start();
      const starts = [];
      for (const label of ['start-1', 'start-2', 'start-3']) {
        const run = await runTelemetryApp(['storm', 0, label], env);
        expect(run.code, run.stderr).toBe(0);
        starts.push(run);
      }
      expect(await errorsByLabel(uri, 'restart', 'down')).toEqual({ documents: 1000, distinct: 1000 });
      expect(spoolFiles(env.TEST_SPOOL_DIR)).toEqual({ segments: [], claims: [] });
      const runs = [down, ...starts].map((run) => run.stats!.total);
      for (const stats of runs) expect(firstOutcomes(stats)).toBe(stats.accepted);
      const all = sumStats(runs);
      expect(all).toMatchObject({ failed: 0, dropped: 0, internalErrors: 0 });
      expect(all.replayed).toBe(all.spooled); // the spool is empty: everything spooled came back
    } finally {
      server.destroy();
    }
  });
});
