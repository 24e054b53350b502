import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database';

const run = promisify(execFile);
const examples = join(import.meta.dirname, '..', '..', 'examples');
const database = useTestDatabase('examples_main');

function runExample(file: string, databaseName: string) {
  return run(process.execPath, [join(examples, file)], {
    env: {
      ...process.env,
      MONGODB_URI: database.uri,
      MONGODB_DATABASE: databaseName,
      MONGODB_CONNECTION_STRING: '',
    },
    timeout: 60_000,
  });
}

describe('the README examples', () => {
  it('examples/main.ts stores errors, audit events and a finished session', async () => {
    const { stdout } = await runExample('main.ts', database.name);
    expect(stdout).toContain('main: session finished');
    const db = database.db;
    expect(await db.collection('errors').countDocuments()).toBe(2);
    const actions = await db.collection('audit').distinct('acao');
    expect(actions.sort()).toEqual(
      [
        'lista.criada',
        'lista.exportada',
        'questao.criada',
        'questao.editada',
        'sessao.encerrada',
        'sessao.iniciada',
      ].sort(),
    );
    const session = await db.collection('metrics').findOne({});
    expect(session).toMatchObject({
      tipo: 'SESSAO',
      contadores: { questoes_criadas: 3, listas_exportadas: 1, erros_importacao: 1 },
      timings: { criar_questao: { count: 3 } },
    });
  });

  it('examples/smoke.mjs reports every part OK and exits 0', async () => {
    const { stdout } = await runExample('smoke.mjs', `${database.name}_smoke`);
    expect(stdout.match(/^OK /gm)).toHaveLength(4);
    expect(stdout).toContain('All parts OK.');
    await database.client.db(`${database.name}_smoke`).dropDatabase();
  });
});
