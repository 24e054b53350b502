import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SeverityNumber } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { MongoBatchLogRecordProcessor, MongoLogRecordExporter } from '../../src/index';
import { useTestDatabase } from '../support/database';
import { TEST_RESOURCE } from '../support/records';

const APP = join(import.meta.dirname, '..', 'fixtures', 'capture-app.ts');
const CALL_SITE_LINE =
  readFileSync(APP, 'utf8')
    .split('\n')
    .findIndex((line) => line.endsWith('// CALL SITE')) + 1;
const database = useTestDatabase('capture');
const folders = mkdtempSync(join(tmpdir(), 'capture-app-'));
afterAll(() => rmSync(folders, { recursive: true, force: true }));

/** Runs the app with `collection` for errors, in a folder holding `configIni` when given. */
async function runApp(collection: string, configIni?: string) {
  const cwd = mkdtempSync(join(folders, 'run-'));
  writeFileSync(join(cwd, 'config.ini'), `[MONGODB]\ncollection_errors = ${collection}\n${configIni ?? ''}`);
  await promisify(execFile)(process.execPath, [APP], {
    cwd,
    env: { ...process.env, TEST_TARGET_URI: database.uri, TEST_DATABASE: database.name },
  });
  const documents = await database.db.collection(collection).find().toArray();
  expect(documents).toHaveLength(1);
  return documents[0]!;
}

describe('trail and call site through setupTelemetry() with its defaults', () => {
  it('stores the last 20 records before an error, oldest first, audit events included, secrets redacted', async () => {
    const error = await runApp('errors_trail');
    // What the app emitted below ERROR, in order: setup's session event, 30 lines, 2 events.
    const emitted = [
      'sessao.iniciada',
      ...Array.from({ length: 20 }, (_, i) => `passo ${i + 1}`),
      'tag.criada',
      ...Array.from({ length: 10 }, (_, i) => `passo ${i + 21}`),
      'questao.criada',
    ];
    const trail = error.trilha as Record<string, unknown>[];
    expect(trail.map((entry) => entry.mensagem ?? entry.acao)).toEqual(emitted.slice(-20));
    const times = trail.map((entry) => (entry.timestamp as Date).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(trail[0]).toEqual({
      timestamp: expect.any(Date),
      nivel: 'INFO',
      logger_name: 'app.editor',
      mensagem: 'passo 13',
      contexto: { passo: 13, password: '[REDACTED]' },
    });
    expect(trail.find((entry) => entry.acao === 'tag.criada')).toEqual({
      timestamp: expect.any(Date),
      acao: 'tag.criada',
      entidade: 'tag',
      entidade_id: 't-1',
      detalhes: { nome: 'álgebra' },
    });
    expect(JSON.stringify(trail)).not.toContain('hunter2');
  });

  it('stores the call site of an error emitted by module-level code: file, line and <module>', async () => {
    const error = await runApp('errors_call_site');
    expect(error.erro).toMatchObject({ arquivo: APP, linha: CALL_SITE_LINE, funcao: '<module>' });
  });

  it('stores no trail when [LOGGING] tamanho_trilha = 0', async () => {
    const error = await runApp('errors_no_trail', '[LOGGING]\ntamanho_trilha = 0\n');
    expect(error).not.toHaveProperty('trilha');
    expect(error.erro.mensagem).toBe('falha ao salvar a lista');
  });
});

describe('call site through MongoBatchLogRecordProcessor', () => {
  it('stores the file, line and function of a logger.emit() call in this test file', async () => {
    const options = {
      connectionString: database.uri,
      database: database.name,
      collections: { errors: 'emit_site' },
    };
    const exporter = new MongoLogRecordExporter(options);
    // The documented pipeline: the package's processor runs the exporter's capture at emit time.
    const provider = new LoggerProvider({
      resource: TEST_RESOURCE,
      processors: [new MongoBatchLogRecordProcessor({ exporter })],
    });
    const logger = provider.getLogger('app');
    function salvarLista(): void {
      logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'lista não salva' }); // EMIT LINE
    }
    salvarLista();
    await provider.shutdown();
    const source = readFileSync(import.meta.filename, 'utf8').split('\n');
    const line = source.findIndex((text) => text.endsWith('// EMIT LINE')) + 1;
    const stored = await database.db.collection('emit_site').findOne();
    expect(stored?.erro).toMatchObject({ arquivo: import.meta.filename, linha: line, funcao: 'salvarLista' });
  });
});
