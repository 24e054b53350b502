import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database';

const APP = join(import.meta.dirname, '..', 'fixtures', 'setup-app.ts');
const database = useTestDatabase('setup');
const spoolRoot = mkdtempSync(join(tmpdir(), 'setup-spool-'));
afterAll(() => rmSync(spoolRoot, { recursive: true, force: true }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runApp(
  scenario: string,
  env: Record<string, string | undefined>,
  onStdout?: (child: ReturnType<typeof spawn>, text: string) => void,
  cwd?: string,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APP, scenario], {
      env: { ...process.env, TEST_SPOOL_DIR: join(spoolRoot, scenario), ...env },
      cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      onStdout?.(child, stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function stored(collection: string, filter: Record<string, unknown>) {
  return database.db.collection(collection).find(filter).toArray();
}

describe('setupTelemetry() in a real application process', () => {
  it('flushes everything when the process ends on its own, keeping its exit code', async () => {
    const run = await runApp('natural-end', { TEST_TARGET_URI: database.uri, TEST_DATABASE: database.name });
    expect(run.code, run.stderr).toBe(3);
    expect(await stored('errors', { 'erro.mensagem': 'erro do cenário natural-end' })).toHaveLength(1);
    const actions = (await stored('audit', {})).map((doc) => doc.acao);
    expect(actions).toEqual(
      expect.arrayContaining(['sessao.iniciada', 'questao.criada', 'sessao.encerrada']),
    );
    const sessions = await stored('metrics', { 'contadores.questoes_criadas': 2 });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ tipo: 'SESSAO', sessao: { ativa: false } });
  });

  it('joins every errors and audit document to its session: sessao_id is the session document _id, with app_nome', async () => {
    const db = `${database.name}_join`;
    const run = await runApp('natural-end', { TEST_TARGET_URI: database.uri, TEST_DATABASE: db });
    expect(run.code, run.stderr).toBe(3);
    const collection = (name: string) => database.client.db(db).collection(name);
    const sessions = await collection('metrics').find().toArray();
    expect(sessions).toHaveLength(1);
    const session = sessions[0]!;
    expect(session).toMatchObject({
      sessao_id: session._id,
      sessao: { ativa: false, encerramento: 'normal' },
    });
    for (const name of ['errors', 'audit']) {
      const documents = await collection(name).find().toArray();
      expect(documents.length, name).toBeGreaterThan(0);
      for (const document of documents) {
        expect(document, name).toMatchObject({ sessao_id: session._id, app_nome: session.app_nome });
      }
    }
    expect(typeof session.app_nome).toBe('string');
    await database.client.db(db).dropDatabase();
  });

  it("closes the session as crashed when an uncaught error ends the process: encerramento 'crash' and sessao.encerrada", async () => {
    const db = `${database.name}_crash`;
    const run = await runApp('crash', { TEST_TARGET_URI: database.uri, TEST_DATABASE: db });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('falha fatal do cenário crash');
    const collection = (name: string) => database.client.db(db).collection(name);
    const sessions = await collection('metrics').find().toArray();
    expect(sessions).toHaveLength(1);
    const session = sessions[0]!;
    expect(session).toMatchObject({
      sessao: { ativa: false, encerramento: 'crash' },
      contadores: { questoes_criadas: 2 },
    });
    const crash = await collection('errors').findOne({ 'erro.mensagem': 'falha fatal do cenário crash' });
    expect(crash).toMatchObject({ nao_tratada: true, sessao_id: session._id });
    const ended = await collection('audit').find({ acao: 'sessao.encerrada' }).toArray();
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ sessao_id: session._id, detalhes: { encerramento: 'crash' } });
    await database.client.db(db).dropDatabase();
  });

  it('flushes on SIGTERM and still ends by the signal, as without the package', async () => {
    const run = await runApp(
      'sigterm',
      { TEST_TARGET_URI: database.uri, TEST_DATABASE: `${database.name}_sig` },
      (child, text) => {
        if (text.includes('ready')) setTimeout(() => child.kill('SIGTERM'), 200);
      },
    );
    expect(run.signal).toBe('SIGTERM');
    const db = database.client.db(`${database.name}_sig`);
    expect(await db.collection('errors').countDocuments({ 'erro.mensagem': 'erro do cenário sigterm' })).toBe(
      1,
    );
    expect(await db.collection('audit').countDocuments({ acao: 'sessao.encerrada' })).toBe(1);
    expect(await db.collection('metrics').countDocuments({ 'contadores.questoes_criadas': 2 })).toBe(1);
    await db.dropDatabase();
  });

  it('refuses a second call and a call after shutdown with a clear error', async () => {
    const run = await runApp('twice', {
      TEST_TARGET_URI: database.uri,
      TEST_DATABASE: `${database.name}_twice`,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('second call: LifecycleError: setupTelemetry() was already called');
    expect(run.stdout).toContain(
      'after shutdown: LifecycleError: setupTelemetry() was called after shutdown()',
    );
    await database.client.db(`${database.name}_twice`).dropDatabase();
  });

  it('keeps the application running with one warning when no connection string is configured', async () => {
    const run = await runApp('no-connection', {
      TEST_TARGET_URI: undefined,
      MONGODB_CONNECTION_STRING: '',
      MONGODB_URI: '',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('remoteEnabled=false');
    expect(run.stderr.match(/No MongoDB connection string/g)).toHaveLength(1);
  });

  it('sends nothing and fails nothing when remote logging is switched off', async () => {
    const name = `${database.name}_off`;
    const run = await runApp('remote-off', { TEST_TARGET_URI: database.uri, TEST_DATABASE: name });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('remoteEnabled=false');
    expect(run.stderr).toBe('');
    expect(await database.client.db(name).listCollections().toArray()).toEqual([]);
  });

  it('reads config.ini from the working directory: connection, database, console level', async () => {
    const name = `${database.name}_ini`;
    const folder = mkdtempSync(join(tmpdir(), 'setup-ini-'));
    writeFileSync(
      join(folder, 'config.ini'),
      `[LOGGING]\nnivel_console = ERROR\n\n[MONGODB]\nconnection_string = ${database.uri}\ndatabase = ${name}\n`,
    );
    try {
      const run = await runApp(
        'config-ini',
        { TEST_TARGET_URI: undefined, MONGODB_CONNECTION_STRING: '', MONGODB_URI: '' },
        undefined,
        folder,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/CRITICAL .*erro do cenário config-ini/);
      expect(run.stdout).not.toContain('questao.criada'); // INFO audit records are below the console level
      expect(await database.client.db(name).collection('errors').countDocuments()).toBe(1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await database.client.db(name).dropDatabase();
    }
  });
});
