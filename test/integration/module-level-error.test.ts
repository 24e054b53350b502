import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database';

const APP = join(import.meta.dirname, '..', 'fixtures', 'module-error-app.ts');
const database = useTestDatabase('module_error');

/** The 1-based line of the fixture marked `// THROWS: <marker>`. */
function lineOf(marker: string): number {
  const index = readFileSync(APP, 'utf8')
    .split('\n')
    .findIndex((line) => line.endsWith(`// THROWS: ${marker}`));
  if (index < 0) throw new Error(`no line marked ${marker}`);
  return index + 1;
}

/** Runs the app in `mode`; resolves with its exit code, stderr and the documents it stored. */
async function runApp(mode: string) {
  const collection = `errors_${mode}`;
  let code = 0;
  let stderr: string;
  try {
    ({ stderr } = await promisify(execFile)(process.execPath, [APP, mode], {
      env: {
        ...process.env,
        TEST_TARGET_URI: database.uri,
        TEST_DATABASE: database.name,
        TEST_COLLECTION: collection,
      },
      timeout: 60_000,
    }));
  } catch (error) {
    ({ code, stderr } = error as { code: number; stderr: string });
  }
  return { code, stderr, documents: await database.db.collection(collection).find().toArray() };
}

describe('an exception thrown by module-level code of an ES module application', () => {
  it("stores erro.funcao <module> when it escapes the module and setupTelemetry()'s handlers store it", async () => {
    const app = await runApp('uncaught');
    expect(app.code).toBe(1);
    expect(app.stderr).toContain('configuração ausente no carregamento');
    expect(app.documents).toHaveLength(1);
    // The module awaits setupTelemetry(): its evaluation is a promise, and Node reports what it
    // throws as an unhandled rejection.
    expect(app.documents[0]).toMatchObject({ nao_tratada: true, contexto: { origem: 'unhandledRejection' } });
    expect(app.documents[0]!.erro).toMatchObject({
      mensagem: 'configuração ausente no carregamento',
      arquivo: APP,
      linha: lineOf('uncaught'),
      funcao: '<module>',
    });
  });

  it('stores erro.funcao <module> when module-level code catches it and passes it to errors.report()', async () => {
    const app = await runApp('reported');
    expect(app.code).toBe(0);
    expect(app.documents).toHaveLength(1);
    expect(app.documents[0]!.erro).toMatchObject({
      mensagem: 'configuração ausente, tratada',
      arquivo: APP,
      linha: lineOf('reported'),
      funcao: '<module>',
    });
    expect(app.documents[0]!.nao_tratada).toBeFalsy();
  });
});
