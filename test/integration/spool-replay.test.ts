import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { expect, it } from 'vitest';
import { ControlledServer, describeWithPrivateServer } from '../support/server';

const run = promisify(execFile);
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'spool-writer.ts');

async function writer(count: number, label: string, env: Record<string, string>) {
  const { stdout } = await run(process.execPath, [FIXTURE, String(count), label], {
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

describeWithPrivateServer('spool replay at the next start', () => {
  it('replays what a process spooled while the server was down, exactly once, from a second process', async () => {
    const server = new ControlledServer('replay');
    const spoolRoot = mkdtempSync(join(tmpdir(), 'spool-replay-'));
    const env = {
      TEST_TARGET_URI: server.start(),
      TEST_DATABASE: 'replay',
      TEST_SPOOL_DIR: join(spoolRoot, 'spool'),
    };
    try {
      server.stop();
      const first = await writer(1000, 'first', env);
      expect(first).toMatchObject({ written: 0, spooled: 1000, failed: 0 });

      server.start();
      const second = await writer(500, 'second', env);
      expect(second).toMatchObject({ failed: 0, dropped: 0 });
      expect((second.replayed ?? 0) + (second.written ?? 0)).toBe(1500);

      const client = new MongoClient(env.TEST_TARGET_URI);
      const errors = client.db('replay').collection('errors');
      const byLabel = {
        first: await errors.countDocuments({ 'contexto.label': 'first' }),
        second: await errors.countDocuments({ 'contexto.label': 'second' }),
        distinctFirst: (await errors.distinct('contexto.i', { 'contexto.label': 'first' })).length,
      };
      await client.close();
      expect(byLabel).toEqual({ first: 1000, second: 500, distinctFirst: 1000 });
      expect(readdirSync(env.TEST_SPOOL_DIR).filter((name) => name.includes('.ejsonl'))).toEqual([]);
    } finally {
      server.destroy();
      rmSync(spoolRoot, { recursive: true, force: true });
    }
  });
});
