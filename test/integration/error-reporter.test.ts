import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { ErrorReporter, MongoLogRecordExporter } from '../../src/index';
import { useTestDatabase } from '../support/database';
import { TEST_RESOURCE } from '../support/records';
import { closedPort } from '../support/network';

const database = useTestDatabase('reporter');
const FIXTURE = fileURLToPath(new URL('../fixtures/error-reporter-child.ts', import.meta.url));

/** The 1-based line of the fixture marked `// THROWS: <marker>`. */
function lineOf(marker: string): number {
  const index = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .findIndex((line) => line.endsWith(`// THROWS: ${marker}`));
  if (index < 0) throw new Error(`no line marked ${marker}`);
  return index + 1;
}

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

let childCount = 0;

/** Runs the fixture with `scenario`, its documents going to a collection of its own. */
async function runChild(
  scenario: string,
  options: { nodeFlags?: string[]; env?: Record<string, string> } = {},
): Promise<ChildResult & { collection: string }> {
  const collection = `errors_child_${++childCount}`;
  const started = Date.now();
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), FIXTURE, scenario], {
    env: {
      ...process.env,
      TEST_MONGODB_URI: database.uri,
      CHILD_DATABASE: database.name,
      CHILD_COLLECTION: collection,
      ...options.env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr, ms: Date.now() - started, collection };
}

function documentsIn(collection: string) {
  return database.db.collection(collection).find().toArray();
}

describe('ErrorReporter in a child process that crashes', () => {
  it('stores an uncaught exception once, marked nao_tratada, then exits with code 1 showing the error', async () => {
    const child = await runChild('uncaught');
    expect(child.code).toBe(1);
    expect(child.stderr).toContain('questão 42 sem enunciado');
    expect(child.stderr).toContain('at salvarQuestao');

    const docs = await documentsIn(child.collection);
    expect(docs).toHaveLength(1);
    const doc = docs[0]!;
    expect(doc.nao_tratada).toBe(true);
    expect(doc._id).toMatch(/^[0-9a-f]{24}$/); // the one form of every _id of errors and audit
    expect(doc.nivel).toBe('CRITICAL');
    expect(doc.timestamp).toBeInstanceOf(Date);
    expect(doc.erro).toMatchObject({
      tipo: 'QuestaoInvalidaError',
      mensagem: 'questão 42 sem enunciado',
      arquivo: FIXTURE,
      linha: lineOf('uncaught'),
      funcao: 'salvarQuestao',
    });
    expect(doc.erro.stacktrace).toMatch(/^Error: questão 42 sem enunciado\n\s+at salvarQuestao \(/);
    expect(doc.contexto).toEqual({ origem: 'uncaughtException' });
  });

  it('stores an unhandled rejection once and exits with code 1 (Node default mode: throw)', async () => {
    const child = await runChild('rejection');
    expect(child.code).toBe(1);
    expect(child.stderr).toContain('RangeError: lista 7 não encontrada');

    const docs = await documentsIn(child.collection);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ nao_tratada: true, contexto: { origem: 'unhandledRejection' } });
    expect(docs[0]!.erro).toMatchObject({
      tipo: 'RangeError',
      mensagem: 'lista 7 não encontrada',
      arquivo: FIXTURE,
      linha: lineOf('rejection'),
      funcao: 'carregarLista',
    });
    expect(docs[0]!.erro.stacktrace).toContain('at carregarLista');
  });

  it.each([
    { mode: 'warn', code: 0, warns: true },
    { mode: 'none', code: 0, warns: false },
    { mode: 'warn-with-error-code', code: 1, warns: true },
    { mode: 'strict', code: 1, warns: false },
  ])('follows --unhandled-rejections=$mode (exit code $code) and stores the rejection once', async (mode) => {
    const child = await runChild('rejection-then-shutdown', {
      nodeFlags: [`--unhandled-rejections=${mode.mode}`],
    });
    expect(child.code).toBe(mode.code);
    expect(child.stderr.includes('UnhandledPromiseRejectionWarning')).toBe(mode.warns);
    const docs = await documentsIn(child.collection);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      nao_tratada: true,
      erro: { tipo: 'RangeError', linha: lineOf('rejection') },
    });
  });

  it('stores a rejection with a non-error reason through the error Node wraps it in', async () => {
    const child = await runChild('rejection-string');
    expect(child.code).toBe(1);
    const docs = await documentsIn(child.collection);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ nao_tratada: true, erro: { tipo: 'UnhandledPromiseRejection' } });
    expect(docs[0]!.erro.mensagem).toContain('"sem conexão"');
  });

  it("leaves the decision to the application's own uncaughtException listener, and still stores the error", async () => {
    const child = await runChild('app-listener');
    expect(child.code).toBe(0);
    expect(child.stdout).toContain('application handled: questão 43 sem enunciado');
    const docs = await documentsIn(child.collection);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ nao_tratada: true, erro: { mensagem: 'questão 43 sem enunciado' } });
  });

  it("leaves the decision to the application's own unhandledRejection listener, and still stores the rejection", async () => {
    const child = await runChild('app-rejection-listener');
    expect(child.code).toBe(0);
    expect(child.stdout).toContain('application handled rejection: lista 8 não encontrada');
    const docs = await documentsIn(child.collection);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ nao_tratada: true, erro: { mensagem: 'lista 8 não encontrada' } });
  });

  it('stores an error reported by wrap() once, even when it then kills the process', async () => {
    const child = await runChild('wrapped-uncaught');
    expect(child.code).toBe(1);
    expect(child.stderr).toContain('TypeError: formato docx não suportado');
    const docs = await documentsIn(child.collection);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.contexto).toEqual({ funcao_decorada: 'exportarLista' });
    expect(docs[0]!.erro).toMatchObject({
      tipo: 'TypeError',
      linha: lineOf('wrapped'),
      funcao: 'exportarLista',
    });
  });

  it('stores one document when a second reporter tries to install its handlers too', async () => {
    const child = await runChild('second-reporter');
    expect(child.code).toBe(1);
    expect(child.stdout).toContain('second reporter installed: false');
    expect(await documentsIn(child.collection)).toHaveLength(1);
  });

  it('after uninstall(), Node alone handles the crash: exit code 1, its own output, nothing stored', async () => {
    const child = await runChild('uninstalled');
    expect(child.code).toBe(1);
    expect(child.stderr).toContain('questão 45 sem enunciado');
    expect(child.stderr).toContain('// THROWS: uncaught'); // Node's source-line arrow
    expect(await documentsIn(child.collection)).toHaveLength(0);
  });

  it('exits within flushTimeoutMs when the server is unreachable', async () => {
    const port = await closedPort();
    const child = await runChild('uncaught', {
      env: {
        CHILD_CONNECTION_STRING: `mongodb://127.0.0.1:${port}/`,
        CHILD_CONNECTION_TIMEOUT_MS: '20000',
        CHILD_FLUSH_TIMEOUT_MS: '300',
      },
    });
    expect(child.code).toBe(1);
    expect(child.stderr).toContain('questão 42 sem enunciado');
    // Generous: process start-up plus the 300 ms bound, far below the 20 s connection timeout.
    expect(child.ms).toBeLessThan(10_000);
  });
});

describe('ErrorReporter.report() and wrap() against a real server', () => {
  function pipeline(collection: string) {
    const exporter = new MongoLogRecordExporter({
      connectionString: database.uri,
      database: database.name,
      collections: { errors: collection },
    });
    const loggerProvider = new LoggerProvider({
      resource: TEST_RESOURCE,
      processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 60_000 })],
    });
    return { loggerProvider, reporter: new ErrorReporter({ loggerProvider }) };
  }

  it('stores one document for each kind of thrown value', async () => {
    const { loggerProvider, reporter } = pipeline('report_kinds');
    const hostile = {
      get message(): string {
        throw new Error('getter throws');
      },
    };
    const brokenStack = new Error('stack is broken');
    Object.defineProperty(brokenStack, 'stack', {
      get() {
        throw new Error('no stack for you');
      },
    });
    const values: Array<[label: string, value: unknown]> = [
      ['subclass', new (class FalhaDeRede extends Error {})('rede caiu')],
      ['cause', new Error('export falhou', { cause: new TypeError('campo ausente') })],
      ['aggregate', new AggregateError([new Error('um'), new RangeError('dois')], 'várias falhas')],
      ['string', 'só uma string'],
      ['object', { codigo: 42, detalhe: 'objeto simples' }],
      ['null', null],
      ['undefined', undefined],
      ['hostile', hostile],
      ['brokenStack', brokenStack],
    ];
    for (const [label, value] of values) expect(reporter.report(value, { caso: label })).toBe(true);
    await loggerProvider.shutdown();

    const docs = await database.db.collection('report_kinds').find().toArray();
    expect(docs).toHaveLength(values.length);
    const byCase = new Map(docs.map((doc) => [doc.contexto.caso as string, doc]));
    for (const doc of docs) {
      expect(doc.nivel).toBe('CRITICAL');
      expect(doc.nao_tratada).toBeUndefined();
    }
    expect(byCase.get('subclass')!.erro).toMatchObject({ tipo: 'FalhaDeRede', mensagem: 'rede caiu' });
    expect(byCase.get('subclass')!.erro.linha).toEqual(expect.any(Number));
    expect(byCase.get('cause')!.erro.stacktrace).toMatch(/\[cause\]: TypeError: campo ausente/);
    expect(byCase.get('aggregate')!.erro).toMatchObject({
      tipo: 'AggregateError',
      mensagem: 'várias falhas',
    });
    expect(byCase.get('aggregate')!.erro.stacktrace).toMatch(
      /\[errors\]\[0\]: Error: um[^]*\[errors\]\[1\]: RangeError: dois/,
    );
    expect(byCase.get('string')!.erro).toMatchObject({
      tipo: 'string',
      mensagem: 'só uma string',
      stacktrace: null,
    });
    expect(byCase.get('object')!.erro).toMatchObject({ tipo: 'Object', stacktrace: null });
    expect(byCase.get('object')!.erro.mensagem).toContain("detalhe: 'objeto simples'");
    expect(byCase.get('null')!.erro).toMatchObject({ tipo: 'null', mensagem: 'null' });
    expect(byCase.get('undefined')!.erro).toMatchObject({ tipo: 'undefined', mensagem: 'undefined' });
    expect(byCase.get('hostile')!.erro.tipo).toBe('Object');
    expect(byCase.get('brokenStack')!.erro).toMatchObject({
      tipo: 'Error',
      mensagem: 'stack is broken',
      stacktrace: 'Error: stack is broken',
    });
  });

  it('stores exactly one document per error, however often it is reported', async () => {
    const { loggerProvider, reporter } = pipeline('report_once');
    const error = new Error('uma vez só');
    const failing = reporter.wrap(() => {
      throw error;
    });
    expect(() => failing()).toThrow(error);
    expect(reporter.report(error)).toBe(false);
    expect(new ErrorReporter({ loggerProvider }).report(error)).toBe(false);
    expect(reporter.report(new Error('uma vez só'))).toBe(true); // another error object
    await loggerProvider.shutdown();
    expect(await database.db.collection('report_once').countDocuments()).toBe(2);
  });

  it('wrap() reports sync throws and async rejections, rethrowing the same error', async () => {
    const { loggerProvider, reporter } = pipeline('wrapped');
    const service = {
      prefix: 'questao',
      salvar: reporter.wrap(function salvar(this: { prefix: string }, id: number): string {
        if (id < 0) throw new RangeError(`${this.prefix} ${id} inválida`);
        return `${this.prefix}-${id}`;
      }),
      carregar: reporter.wrap(async function carregar(this: { prefix: string }, id: number): Promise<string> {
        await Promise.resolve();
        if (id < 0) throw new TypeError(`${this.prefix} ${id} ausente`);
        return `${this.prefix}:${id}`;
      }),
    };
    expect(service.salvar(1)).toBe('questao-1');
    expect(await service.carregar(2)).toBe('questao:2');
    expect(() => service.salvar(-1)).toThrow(new RangeError('questao -1 inválida'));
    await expect(service.carregar(-2)).rejects.toThrow(new TypeError('questao -2 ausente'));
    await loggerProvider.shutdown();

    const docs = await database.db.collection('wrapped').find().sort({ 'erro.tipo': 1 }).toArray();
    // erro.funcao is V8's frame name: the method called on a plain object.
    expect(docs.map((doc) => [doc.erro.tipo, doc.contexto.funcao_decorada, doc.erro.funcao])).toEqual([
      ['RangeError', 'salvar', 'Object.salvar'],
      ['TypeError', 'carregar', 'Object.carregar'],
    ]);
  });
});
