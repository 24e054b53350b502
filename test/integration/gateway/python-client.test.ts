import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { useTestDatabase } from '../../support/database';
import { startTestGateway, TOKEN } from '../../support/gateway';
import { pythonEnv, runPython } from '../../support/python';

const db = useTestDatabase('gateway_python');
/** The line of examples/python/app.py that raises the ValueError. */
const RAISING_LINE =
  readFileSync('examples/python/app.py', 'utf8')
    .split('\n')
    .findIndex((line) => line.includes('total += int(linha)')) + 1;
let gateway: Gateway;
let python: string;
const fingerprints: string[] = [];

beforeAll(async () => {
  python = pythonEnv();
  gateway = await startTestGateway(db.uri, db.name);
}, 300_000);
afterAll(() => gateway?.close());

/** Runs the example app (examples/python) against the gateway; returns its session id. */
async function runExampleApp(compression: string): Promise<string> {
  const stdout = await runPython(python, 'examples/python/app.py', ['--compression', compression], {
    GATEWAY_URL: gateway.url,
    GATEWAY_TOKEN: TOKEN,
  });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { session_id: string }).session_id;
}

describe.each(['none', 'gzip', 'deflate'])(
  'a Python app sending through the gateway (compression %s)',
  (compression) => {
    let sessionId: string;
    beforeAll(async () => {
      await db.db.dropDatabase();
      sessionId = await runExampleApp(compression);
    }, 120_000);

    it('stores the logged ValueError with its Python file, line and function', async () => {
      const errors = await db.db.collection('errors').find().toArray();
      expect(errors).toHaveLength(1);
      const [error] = errors;
      expect(error).toMatchObject({
        nivel: 'ERROR',
        logger_name: 'mathbank.importacao',
        app_version: '1.0.0',
        erro: {
          tipo: 'ValueError',
          mensagem: 'importação falhou',
          funcao: 'importar_questoes',
          linha: RAISING_LINE,
        },
        contexto: { arquivo_importado: 'lista.csv' },
        ambiente: { runtime: 'cpython', python_version: expect.stringMatching(/^3\.\d+\.\d+$/) },
      });
      expect(error!.erro.arquivo).toMatch(/examples\/python\/app\.py$/);
      expect(error!.erro.stacktrace).toMatch(/^Traceback \(most recent call last\):/);
      expect(error!.erro.stacktrace).toContain("ValueError: invalid literal for int() with base 10: 'abc'");
      expect(error!.maquina_id).toMatch(/^[0-9a-f]{16}$/);
      expect(error!.erro.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      fingerprints.push(error!.erro.fingerprint);
      expect(error!.timestamp).toBeInstanceOf(Date);
    });

    it('stores the audit events, recognised by scope and event name', async () => {
      const audit = await db.db.collection('audit').find().sort({ timestamp: 1 }).toArray();
      expect(audit.map((document) => document.acao)).toEqual([
        'sessao.iniciada',
        'questao.criada',
        'sessao.encerrada',
      ]);
      expect(audit[1]).toMatchObject({
        entidade: 'questao',
        entidade_id: '42',
        detalhes: { titulo: 'Derivada de x²', tipo: 'OBJETIVA', tags: ['calculo'] },
        usuario_id: null,
        app_version: '1.0.0',
      });
      expect(audit[0]!.maquina_id).toBe(audit[0]!.entidade_id);
    });

    it('stores one session document with the counters and timings (cumulative temporality)', async () => {
      const sessions = await db.db.collection('metrics').find().toArray();
      expect(sessions).toHaveLength(1);
      const [session] = sessions;
      expect(session).toMatchObject({
        tipo: 'SESSAO',
        app_version: '1.0.0',
        contadores: { questoes_criadas: 1 },
        timings: { tempo_busca: { count: 3 } },
      });
      expect(session!.sessao.inicio).toBeInstanceOf(Date);
      expect(typeof session!.timings.tempo_busca.avg_ms).toBe('number');
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    });
  },
);

describe('Python fingerprints', () => {
  it('are the same for the same bug from three processes (different sessions and times)', () => {
    expect(fingerprints).toHaveLength(3);
    expect(new Set(fingerprints).size).toBe(1);
  });
});
