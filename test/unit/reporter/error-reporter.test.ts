import { type LoggerProvider as ApiLoggerProvider, logs, SeverityNumber } from '@opentelemetry/api';
import { LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULTS, ErrorReporter, ERROR_REPORTER_LOGGER_NAME, InvalidOptionError } from '../../../src/index';
import { captureDiag } from '../../support/diag';

const diagOutput = captureDiag();

/** A real SDK provider whose records are kept in memory; `flushes` counts forceFlush calls. */
function memoryProvider(forceFlush: () => Promise<void> = async () => undefined) {
  const records: ReadableLogRecord[] = [];
  let flushes = 0;
  const provider = new LoggerProvider({
    processors: [
      {
        onEmit: (record: ReadableLogRecord) => void records.push(record),
        forceFlush: () => {
          flushes++;
          return forceFlush();
        },
        shutdown: async () => undefined,
      },
    ],
  });
  return { provider, records, flushes: () => flushes };
}

const reporters: ErrorReporter[] = [];
function newReporter(options: ConstructorParameters<typeof ErrorReporter>[0] = {}): ErrorReporter {
  const reporter = new ErrorReporter(options);
  reporters.push(reporter);
  return reporter;
}
afterEach(() => {
  for (const reporter of reporters.splice(0)) reporter.uninstall();
  logs.disable();
});

describe('ErrorReporter options', () => {
  it('defaults flushTimeoutMs to DEFAULTS.flushTimeoutMs', () => {
    expect(new ErrorReporter().flushTimeoutMs).toBe(DEFAULTS.flushTimeoutMs);
    expect(new ErrorReporter({ flushTimeoutMs: 250 }).flushTimeoutMs).toBe(250);
  });

  it('rejects bad options with InvalidOptionError naming the option', () => {
    expect(() => new ErrorReporter({ flushTimeoutMs: -1 })).toThrow(InvalidOptionError);
    expect(() => new ErrorReporter({ flushTimeoutMs: 1.5 })).toThrow(/flushTimeoutMs/);
    expect(() => new ErrorReporter({ loggerName: '' })).toThrow(/loggerName/);
    expect(() => new ErrorReporter({ loggerProvider: {} as ApiLoggerProvider })).toThrow(/loggerProvider/);
    expect(() => new ErrorReporter(null as never)).toThrow(/options/);
  });

  it('ignores keys of a shared options object that belong to other parts', () => {
    expect(() => new ErrorReporter({ database: 'x', flushTimeoutMs: 10 } as never)).not.toThrow();
  });
});

describe('ErrorReporter.report()', () => {
  it('emits one FATAL record with the exception attributes and the context as attributes', () => {
    const { provider, records } = memoryProvider();
    const error = new TypeError('campo ausente');
    expect(newReporter({ loggerProvider: provider }).report(error, { questao_id: 7, tela: 'editor' })).toBe(
      true,
    );
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record.severityNumber).toBe(SeverityNumber.FATAL);
    expect(record.severityText).toBe('FATAL');
    expect(record.body).toBe('campo ausente');
    expect(record.instrumentationScope.name).toBe(ERROR_REPORTER_LOGGER_NAME);
    expect(record.attributes).toEqual({
      'exception.type': 'TypeError',
      'exception.message': 'campo ausente',
      'exception.stacktrace': error.stack,
      questao_id: 7,
      tela: 'editor',
    });
  });

  it("uses the error's class, not its code, as exception.type", () => {
    const { provider, records } = memoryProvider();
    const error = Object.assign(new Error('sem arquivo'), { code: 'ENOENT' });
    newReporter({ loggerProvider: provider }).report(error);
    expect(records[0]!.attributes['exception.type']).toBe('Error');
  });

  it('uses the global provider at report time when none is given, and the given loggerName', () => {
    const reporter = newReporter({ loggerName: 'app.erros' });
    const { provider, records } = memoryProvider();
    logs.setGlobalLoggerProvider(provider);
    reporter.report(new Error('tarde'));
    expect(records.map((r) => r.instrumentationScope.name)).toEqual(['app.erros']);
  });

  it('emits an error object once, whichever reporter sees it again', () => {
    const { provider, records } = memoryProvider();
    const error = new Error('uma vez');
    expect(newReporter({ loggerProvider: provider }).report(error)).toBe(true);
    expect(newReporter({ loggerProvider: provider }).report(error)).toBe(false);
    expect(records).toHaveLength(1);
  });

  it('keeps its own exception.* attributes over context keys of the same name, and says so', () => {
    const { provider, records } = memoryProvider();
    newReporter({ loggerProvider: provider }).report(new Error('real'), {
      'exception.message': 'forjada',
      'exception.unhandled': true,
    });
    expect(records[0]!.attributes['exception.message']).toBe('real');
    expect(records[0]!.attributes['exception.unhandled']).toBeUndefined();
    expect(diagOutput.text()).toMatch(/contexto key "exception.message" is set by the reporter/);
  });

  it('never throws into the application: a failing provider is reported through diag', () => {
    const broken = {
      getLogger: () => ({
        emit: () => {
          throw new Error('processor exploded');
        },
      }),
    } as unknown as ApiLoggerProvider;
    const reporter = newReporter({ loggerProvider: broken });
    expect(reporter.report(new Error('original'))).toBe(false);
    expect(diagOutput.text()).toMatch(/cannot report an error: Error: processor exploded/);
  });
});

describe('ErrorReporter.wrap()', () => {
  it('keeps this, arguments, return value, name and length', () => {
    const { provider, records } = memoryProvider();
    const reporter = newReporter({ loggerProvider: provider });
    const target = {
      base: 10,
      somar: reporter.wrap(function somar(this: { base: number }, a: number, b: number) {
        return this.base + a + b;
      }),
    };
    expect(target.somar(1, 2)).toBe(13);
    expect(target.somar.name).toBe('somar');
    expect(target.somar.length).toBe(2);
    expect(records).toHaveLength(0);
  });

  it('reports a synchronous throw with funcao_decorada and rethrows the same value', () => {
    const { provider, records } = memoryProvider();
    const reporter = newReporter({ loggerProvider: provider });
    const thrown = 'só uma string';
    const failing = reporter.wrap(
      function validar(): void {
        throw thrown;
      },
      { modulo: 'questoes' },
    );
    let caught: unknown;
    try {
      failing();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(thrown);
    expect(records).toHaveLength(1);
    expect(records[0]!.attributes).toMatchObject({ funcao_decorada: 'validar', modulo: 'questoes' });
  });

  it('reports an async rejection and rejects with the same error', async () => {
    const { provider, records } = memoryProvider();
    const reporter = newReporter({ loggerProvider: provider });
    const error = new RangeError('fora');
    const failing = reporter.wrap(async (id: number) => {
      await Promise.resolve(id);
      throw error;
    });
    await expect(failing(1)).rejects.toBe(error);
    expect(records).toHaveLength(1);
    expect(records[0]!.attributes).toMatchObject({ funcao_decorada: '<anonymous>' });
    expect(await reporter.wrap(async () => 'ok')()).toBe('ok');
  });

  it('reports an error once when wrapped functions call each other', () => {
    const { provider, records } = memoryProvider();
    const reporter = newReporter({ loggerProvider: provider });
    const inner = reporter.wrap(function inner() {
      throw new Error('profundo');
    });
    const outer = reporter.wrap(function outer() {
      inner();
    });
    expect(() => outer()).toThrow('profundo');
    expect(records.map((r) => r.attributes.funcao_decorada)).toEqual(['inner']);
  });

  it('supports new on a wrapped class and refuses a non-function', () => {
    const reporter = newReporter({ loggerProvider: memoryProvider().provider });
    class Questao {
      readonly titulo: string;
      constructor(titulo: string) {
        this.titulo = titulo;
      }
    }
    const Wrapped = reporter.wrap(Questao as unknown as (titulo: string) => Questao);
    const made = new (Wrapped as unknown as typeof Questao)('t');
    expect(made).toBeInstanceOf(Questao);
    expect(made.titulo).toBe('t');
    expect(() => reporter.wrap(42 as never)).toThrow(InvalidOptionError);
  });
});

describe('ErrorReporter.flush()', () => {
  it('flushes the provider', async () => {
    const memory = memoryProvider();
    expect(await newReporter({ loggerProvider: memory.provider }).flush()).toBe(true);
    expect(memory.flushes()).toBe(1);
  });

  it('gives up after flushTimeoutMs when the flush hangs, without rejecting', async () => {
    const hanging = memoryProvider(() => new Promise<void>(() => undefined));
    const reporter = newReporter({ loggerProvider: hanging.provider, flushTimeoutMs: 50 });
    const started = Date.now();
    expect(await reporter.flush()).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(diagOutput.text()).toMatch(/took longer than 50 ms/);
  });

  it('resolves false when the flush fails, and true for providers without forceFlush', async () => {
    const failing = memoryProvider(() => Promise.reject(new Error('disk full')));
    expect(await newReporter({ loggerProvider: failing.provider }).flush()).toBe(false);
    expect(diagOutput.text()).toMatch(/flushing reported errors failed: Error: disk full/);
    const plain = { getLogger: () => logs.getLogger('x') } as ApiLoggerProvider;
    expect(await newReporter({ loggerProvider: plain }).flush()).toBe(true);
  });
});

describe('ErrorReporter.installGlobalHandlers() and uninstall()', () => {
  const EVENTS = [
    'uncaughtException',
    'uncaughtExceptionMonitor',
    'unhandledRejection',
    'newListener',
    'removeListener',
  ] as const;
  const snapshot = () =>
    Object.fromEntries(EVENTS.map((event) => [event, (process as NodeJS.EventEmitter).listeners(event)]));

  it('adds listeners once however often it is called, and uninstall() restores exactly the previous ones', () => {
    const before = snapshot();
    const reporter = newReporter({ loggerProvider: memoryProvider().provider });
    expect(reporter.installGlobalHandlers()).toBe(true);
    const installed = snapshot();
    expect(installed.uncaughtExceptionMonitor).toHaveLength(before.uncaughtExceptionMonitor!.length + 1);
    expect(installed.uncaughtException).toHaveLength(before.uncaughtException!.length + 1);
    expect(reporter.installGlobalHandlers()).toBe(true);
    expect(snapshot()).toEqual(installed);
    expect(reporter.installed).toBe(true);
    reporter.uninstall();
    expect(snapshot()).toEqual(before);
    expect(reporter.installed).toBe(false);
    reporter.uninstall();
    expect(snapshot()).toEqual(before);
  });

  it('lets only one reporter hold the process hooks, and frees them on uninstall()', () => {
    const first = newReporter({ loggerProvider: memoryProvider().provider });
    const second = newReporter({ loggerProvider: memoryProvider().provider });
    expect(first.installGlobalHandlers()).toBe(true);
    const installed = snapshot();
    expect(second.installGlobalHandlers()).toBe(false);
    expect(snapshot()).toEqual(installed);
    expect(diagOutput.text()).toMatch(/another ErrorReporter already handles uncaught errors/);
    first.uninstall();
    expect(second.installGlobalHandlers()).toBe(true);
  });

  it('reports what the monitor sees as unhandled, once', () => {
    const { provider, records } = memoryProvider();
    const reporter = newReporter({ loggerProvider: provider });
    reporter.installGlobalHandlers();
    const error = new Error('morreu');
    // Only the monitor event: emitting uncaughtException here would reach the test runner's handler.
    (process as NodeJS.EventEmitter).emit('uncaughtExceptionMonitor', error, 'uncaughtException');
    (process as NodeJS.EventEmitter).emit('uncaughtExceptionMonitor', error, 'uncaughtException');
    expect(records).toHaveLength(1);
    expect(records[0]!.attributes).toMatchObject({
      'exception.unhandled': true,
      'exception.message': 'morreu',
      origem: 'uncaughtException',
    });
  });
});
