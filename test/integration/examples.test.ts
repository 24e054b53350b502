import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database';

// The examples import the package by name (dist/): `npm test` builds it first.
const database = useTestDatabase('examples');
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const usedDatabases: string[] = [];
let stateDir = '';

beforeAll(() => {
  // The examples' default spool folder lives under XDG_STATE_HOME: keep it out of the user's.
  stateDir = mkdtempSync(join(tmpdir(), 'examples-state-'));
});

afterAll(async () => {
  await Promise.all(
    usedDatabases.map((name) =>
      database.client
        .db(name)
        .dropDatabase()
        .catch(() => undefined),
    ),
  );
  rmSync(stateDir, { recursive: true, force: true });
});

interface ExampleRun {
  code: number | null;
  stdout: string;
  stderr: string;
  db: Db;
}

/** Runs `examples/<file>` against the test server, in a database of its own. */
function runExample(file: string, args: string[] = []): Promise<ExampleRun> {
  const name = `${database.name}_${file.replace(/\.ts$/, '').replaceAll('-', '_')}${args.length ? '_x' : ''}`;
  usedDatabases.push(name);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(EXAMPLES, file), ...args],
      {
        env: { ...process.env, MONGODB_URI: database.uri, MONGODB_DATABASE: name, XDG_STATE_HOME: stateDir },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, db: database.client.db(name) });
      },
    );
  });
}

function expectSuccess(run: ExampleRun): void {
  if (run.code !== 0) throw new Error(`exit code ${run.code}\n${run.stdout}\n${run.stderr}`);
}

describe('examples/nodesdk.ts', () => {
  it('stores an error with its trace, two audit events and the finished session document', async () => {
    const run = await runExample('nodesdk.ts');
    expectSuccess(run);

    const errors = await run.db.collection('errors').find().toArray();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      nivel: 'CRITICAL',
      erro: { tipo: 'SyntaxError' },
      contexto: { tela: 'importar' },
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
    });

    const audit = await run.db.collection('audit').find().sort({ timestamp: 1, _id: 1 }).toArray();
    expect(audit.map((doc) => doc.acao)).toEqual(['sessao.iniciada', 'questao.criada']);
    expect(audit[1]).toMatchObject({ entidade_id: '101', usuario_id: 'ana' });
    // machineResourceDetector put the machine id on NodeSDK's resource.
    expect(audit[0]!.entidade_id).toBe(audit[0]!.maquina_id);

    const sessions = await run.db.collection('metrics').find().toArray();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      tipo: 'SESSAO',
      sessao: { ativa: false },
      contadores: { questoes_criadas: 1, erros_importacao: 1 },
      timings: { criar_questao: { count: 1 } },
    });
  });
});

describe('examples/pino-bridge.ts', () => {
  it("stores the application's pino error, not its info and warn lines", async () => {
    const run = await runExample('pino-bridge.ts');
    expectSuccess(run);
    expect(run.stdout).toContain('"msg":"questão 41 salva"'); // pino's own output is unchanged

    const errors = await run.db.collection('errors').find().toArray();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      nivel: 'ERROR',
      logger_name: '@opentelemetry/instrumentation-pino',
      erro: { tipo: 'TypeError', mensagem: 'falha ao salvar questão', funcao: 'salvarQuestao' },
      contexto: { name: 'repo.questoes', questao_id: 43 },
    });
    expect(errors[0]!.erro.stacktrace).toContain('questão 43 sem enunciado');
  });
});

describe('examples/questao-repository.ts', () => {
  it('stores the audit events, the reported error and the timed, counted session', async () => {
    const run = await runExample('questao-repository.ts');
    expectSuccess(run);
    expect(run.stdout).toContain('created ids: [ 1, 2, null ]');

    const audit = await run.db.collection('audit').find().sort({ entidade_id: 1 }).toArray();
    expect(audit).toMatchObject([
      { acao: 'questao.criada', entidade_id: '1', usuario_id: 'ana', detalhes: { tags: ['algebra'] } },
      { acao: 'questao.criada', entidade_id: '2', usuario_id: 'ana', detalhes: { tipo: 'discursiva' } },
    ]);

    const errors = await run.db.collection('errors').find().toArray();
    expect(errors).toMatchObject([
      {
        erro: { tipo: 'RangeError', mensagem: 'questão sem título' },
        contexto: { operacao: 'criar_questao' },
      },
    ]);

    const sessions = await run.db.collection('metrics').find().toArray();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      sessao: { ativa: false },
      contadores: { questoes_criadas: 2, erros_criar_questao: 1 },
      timings: { criar_questao: { count: 3 } },
    });
  });
});

describe('the examples of the audit, error and metrics pages', () => {
  it('examples/audit.ts stores every event except the switched-off tag', async () => {
    const run = await runExample('audit.ts');
    expectSuccess(run);
    const actions = (await run.db.collection('audit').find().toArray()).map((doc) => doc.acao).sort();
    expect(actions).toEqual([
      'backup.criado',
      'lista.criada',
      'lista.exportada',
      'questao.criada',
      'questao.editada',
      'relatorio.gerado',
      'sessao.encerrada',
      'sessao.iniciada',
    ]);
  });

  it('examples/error-reporter.ts stores the reported and the wrapped error, and exits 0', async () => {
    const run = await runExample('error-reporter.ts');
    expectSuccess(run);
    const errors = await run.db.collection('errors').find().toArray();
    expect(errors.map((doc) => doc.erro.tipo).sort()).toEqual(['QuestaoInvalidaError', 'SyntaxError']);
    expect(errors.every((doc) => doc.nao_tratada === undefined)).toBe(true);
  });

  it('examples/error-reporter.ts --crash exits 1 and stores the uncaught error as nao_tratada', async () => {
    const run = await runExample('error-reporter.ts', ['--crash']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('questão 43 corrompida');
    const crash = await run.db.collection('errors').findOne({ nao_tratada: true });
    expect(crash).toMatchObject({ nivel: 'CRITICAL', erro: { mensagem: 'questão 43 corrompida' } });
  });

  it('examples/metrics.ts stores one finished session with counters, timings and encoded names', async () => {
    const run = await runExample('metrics.ts');
    expectSuccess(run);
    const sessions = await run.db.collection('metrics').find().toArray();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      sessao: { ativa: false },
      contadores: { questoes_criadas: 3, listas_exportadas: 1 },
      timings: {
        salvar_questao: { count: 3 },
        exportar_pdf: { count: 1 },
        db: { query: { duration: { count: 1 } } },
      },
      contadores_por_atributo: {
        http: { requests: [{ atributos: { http: { route: '/questoes' } }, valor: 2 }] },
      },
    });
  });
});
