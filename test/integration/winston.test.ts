import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database';

// The programs import the package by name (dist/): `npm test` builds it first.
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const database = useTestDatabase('winston');

async function runProgram(file: string, name: string) {
  const result = await run(process.execPath, [join(root, file)], {
    env: { ...process.env, MONGODB_URI: database.uri, MONGODB_DATABASE: name },
    timeout: 60_000,
  });
  const errors = await database.client.db(name).collection('errors').find().toArray();
  await database.client.db(name).dropDatabase();
  return { ...result, errors };
}

describe('winston through @opentelemetry/winston-transport and setupTelemetry()', () => {
  it('stores an error log in errors, from an ES module (examples/winston-bridge.ts)', async () => {
    const { errors, stdout } = await runProgram('examples/winston-bridge.ts', `${database.name}_esm`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      nivel: 'ERROR',
      erro: { mensagem: 'falha ao salvar questão' },
      contexto: { questao_id: 43, modulo: 'repo.questoes', http: { route: '/questoes/:id' } },
    });
    expect(stdout).toContain('errors: 1 new document(s)');
  });

  it('stores an error log in errors, from a CommonJS module', async () => {
    const { errors, stdout } = await runProgram('test/fixtures/winston-app.cts', `${database.name}_cjs`);
    expect(stdout).toContain('done');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ nivel: 'ERROR', erro: { mensagem: 'falha ao salvar questão (cjs)' } });
  });
});
