import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Document, MongoClient } from 'mongodb';
import { expect, it } from 'vitest';
import { ControlledServer, describeWithPrivateServer } from '../support/server';

const run = promisify(execFile);
const fixtures = join(import.meta.dirname, '..', 'fixtures');

/** Runs a fixture; resolves with its exit code and output whatever the code. */
async function runFixture(file: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(fixtures, file), ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

interface CrashScenario {
  crashed: Awaited<ReturnType<typeof runFixture>>;
  restarted: Awaited<ReturnType<typeof runFixture>>;
  spoolFilesAfterCrash: string[];
  stored: Document[];
}

/**
 * A child crashes while its server is down; the server comes back; a second process (a
 * restart of the application, writing nothing new) replays the spool. Returns what each
 * process did and what the `errors` collection holds at the end.
 */
async function crashWhileDownThenRestart(
  label: string,
  crash: (uri: string, spoolDir: string) => [file: string, args: string[], env: Record<string, string>],
): Promise<CrashScenario> {
  const server = new ControlledServer(label);
  const uri = server.start();
  const spoolRoot = mkdtempSync(join(tmpdir(), `${label}-`));
  const spoolDir = join(spoolRoot, 'spool');
  try {
    server.stop();
    const crashed = await runFixture(...crash(uri, spoolDir));
    const spoolFilesAfterCrash = readdirSync(spoolDir).filter((name) => name.includes('.ejsonl'));
    server.start();
    const restarted = await runFixture('spool-writer.ts', ['0', 'restart'], {
      TEST_TARGET_URI: uri,
      TEST_DATABASE: 'crash',
      TEST_SPOOL_DIR: spoolDir,
    });
    const client = new MongoClient(uri);
    const stored = await client.db('crash').collection('errors').find().toArray();
    await client.close();
    return { crashed, restarted, spoolFilesAfterCrash, stored };
  } finally {
    server.destroy();
    rmSync(spoolRoot, { recursive: true, force: true });
  }
}

describeWithPrivateServer('a crash while the database is down', () => {
  it('keeps the crash record in the spool and stores it once the server and the application are back', async () => {
    const { crashed, restarted, spoolFilesAfterCrash, stored } = await crashWhileDownThenRestart(
      'crash',
      (uri, spoolDir) => [
        'error-reporter-child.ts',
        ['uncaught'],
        {
          CHILD_CONNECTION_STRING: uri,
          CHILD_DATABASE: 'crash',
          CHILD_COLLECTION: 'errors',
          CHILD_SPOOL_DIR: spoolDir,
        },
      ],
    );
    expect(crashed.code).toBe(1);
    expect(crashed.stderr).toContain('sem enunciado');
    expect(spoolFilesAfterCrash).toHaveLength(1);
    expect(restarted.code).toBe(0);
    expect(JSON.parse(restarted.stdout.trim())).toMatchObject({ replayed: 1, failed: 0 });
    expect(stored).toHaveLength(1);
    expect(stored[0]!._id).toMatch(/^[0-9a-f]{24}$/);
    expect(stored[0]).toMatchObject({
      nivel: 'CRITICAL',
      nao_tratada: true,
      erro: { tipo: 'QuestaoInvalidaError', mensagem: 'questão 42 sem enunciado', funcao: 'salvarQuestao' },
    });
  });

  it('keeps a crash record that is still queued behind a batch being retried', async () => {
    const { crashed, restarted, stored } = await crashWhileDownThenRestart('crash-retry', (uri, spoolDir) => [
      'crash-during-retry.ts',
      [],
      { TEST_TARGET_URI: uri, TEST_DATABASE: 'crash', TEST_SPOOL_DIR: spoolDir },
    ]);
    expect(crashed.code).toBe(1);
    expect(restarted.code).toBe(0);
    const messages = stored.map((doc) => doc.erro.mensagem).sort();
    expect(messages).toEqual(['antes da queda', 'queda durante a indisponibilidade']);
    const crash = stored.find((doc) => doc.nao_tratada);
    expect(crash?.erro.mensagem).toBe('queda durante a indisponibilidade');
    // Held for the exit spool and queued in the SDK: both copies had this _id, stored once.
    expect(crash?._id).toMatch(/^[0-9a-f]{24}$/);
  });
});
