import { SeverityNumber, TraceFlags, context, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { resourceFields } from '../../../src/document/resource-fields';
import { customFingerprint, fingerprint } from '../../../src/pipeline/fingerprint';
import { parseJsStack } from '../../../src/pipeline/js-stack';
import { type MappingContext, toErrorDocument } from '../../../src/pipeline/transform';
import { getEnvironmentInfo } from '../../../src/resource/environment';
import { captureRecords } from '../../support/records';
import { DEFAULT_SANITIZE_LIMITS, SanitizeReport } from '../../../src/document/sanitize-report';

function mappingContext(record: Parameters<typeof toErrorDocument>[0]): MappingContext {
  return {
    id: 'id-1',
    fields: resourceFields(record.resource),
    report: new SanitizeReport(),
    limits: DEFAULT_SANITIZE_LIMITS,
  };
}

function mapOne(emit: Parameters<typeof captureRecords>[0]) {
  const [record] = captureRecords(emit);
  if (!record) throw new Error('no record emitted');
  return toErrorDocument(record, mappingContext(record));
}

describe('toErrorDocument', () => {
  it.each([
    [SeverityNumber.TRACE, 'DEBUG'],
    [SeverityNumber.DEBUG4, 'DEBUG'],
    [SeverityNumber.INFO, 'INFO'],
    [SeverityNumber.INFO4, 'INFO'],
    [SeverityNumber.WARN, 'WARNING'],
    [SeverityNumber.WARN4, 'WARNING'],
    [SeverityNumber.ERROR, 'ERROR'],
    [SeverityNumber.ERROR4, 'ERROR'],
    [SeverityNumber.FATAL, 'CRITICAL'],
    [SeverityNumber.FATAL4, 'CRITICAL'],
  ])('maps severity number %i to nivel %s', (severityNumber, nivel) => {
    const document = mapOne((logger) => logger('app').emit({ severityNumber, body: 'x' }));
    expect(document.nivel).toBe(nivel);
  });

  it('falls back to the severity text when there is no severity number', () => {
    const document = mapOne((logger) => logger('app').emit({ severityText: 'warn', body: 'x' }));
    expect(document.nivel).toBe('WARNING');
  });

  it('uses the event time, not the export time', () => {
    const eventTime = new Date('2024-03-01T12:34:56.789Z');
    const document = mapOne((logger) =>
      logger('app').emit({ severityNumber: 17, body: 'x', timestamp: eventTime }),
    );
    expect(document.timestamp).toEqual(eventTime);
  });

  it('maps a record without an exception: message from the body, erro fields null, attributes to contexto', () => {
    const document = mapOne((logger) =>
      logger('repo.questoes').emit({
        severityNumber: 17,
        body: 'falha ao salvar',
        attributes: { questao_id: 42 },
      }),
    );
    expect(document).toMatchObject({
      _id: 'id-1',
      nivel: 'ERROR',
      maquina_id: '0123456789abcdef',
      app_version: '9.9.9',
      logger_name: 'repo.questoes',
      erro: {
        tipo: null,
        mensagem: 'falha ao salvar',
        stacktrace: null,
        arquivo: null,
        linha: null,
        funcao: null,
      },
      contexto: { questao_id: 42 },
      ambiente: getEnvironmentInfo(),
    });
    expect(document).not.toHaveProperty('nao_tratada');
    expect(document).not.toHaveProperty('trace_id');
  });

  it('maps exception.* attributes and takes file, line and function from the top stack frame', () => {
    const stack = [
      'TypeError: boom',
      '    at salvarQuestao (/app/src/repo.js:17:11)',
      '    at main (/app/src/main.js:3:1)',
    ].join('\n');
    const document = mapOne((logger) =>
      logger('app').emit({
        severityNumber: 17,
        body: 'save failed',
        attributes: {
          'exception.type': 'TypeError',
          'exception.message': 'boom',
          'exception.stacktrace': stack,
        },
      }),
    );
    expect(document.erro).toEqual({
      tipo: 'TypeError',
      mensagem: 'save failed',
      stacktrace: stack,
      arquivo: '/app/src/repo.js',
      linha: 17,
      funcao: 'salvarQuestao',
      fingerprint: fingerprint({ type: 'TypeError', message: 'save failed', frames: parseJsStack(stack) }),
    });
    expect(document.erro.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(document.contexto).toEqual({});
  });

  it('takes stack paths relative to the app root for the fingerprint', () => {
    const withRoots = (root: string) => {
      const [record] = captureRecords((logger) =>
        logger('app').emit({
          severityNumber: 17,
          attributes: {
            'exception.type': 'TypeError',
            'exception.stacktrace': `TypeError: x\n    at salvar (${root}/src/repo.js:17:11)`,
          },
        }),
      );
      return toErrorDocument(record!, { ...mappingContext(record!), appRoots: [root] }).erro.fingerprint;
    };
    expect(withRoots('/opt/a')).toBe(withRoots('/home/u/b'));
  });

  it('uses the error.fingerprint attribute as the group key, and keeps it out of contexto', () => {
    const document = mapOne((logger) =>
      logger('app').emit({ severityNumber: 17, body: 'x', attributes: { 'error.fingerprint': 'db-down' } }),
    );
    expect(document.erro.fingerprint).toBe(customFingerprint('db-down'));
    expect(document.contexto).toEqual({});
  });

  it('groups records without a stack by their normalised message', () => {
    const of = (body: string) =>
      mapOne((logger) => logger('app').emit({ severityNumber: 17, body })).erro.fingerprint;
    expect(of('user 123 not found')).toBe(of('user 456 not found'));
    expect(of('user 123 not found')).not.toBe(of('list 123 not found'));
  });

  it('reads an Error given as the record exception', () => {
    const error = new RangeError('out of range');
    const document = mapOne((logger) => logger('app').emit({ severityNumber: 17, exception: error }));
    expect(document.erro.tipo).toBe('RangeError');
    expect(document.erro.mensagem).toBe('out of range');
    expect(document.erro.stacktrace).toBe(error.stack);
    expect(document.erro.arquivo).toBe(new URL(import.meta.url).pathname);
    expect(typeof document.erro.linha).toBe('number');
  });

  it('prefers code.* attributes over the stack, and reads the older code.* spellings', () => {
    const current = mapOne((logger) =>
      logger('app').emit({
        severityNumber: 17,
        body: 'x',
        attributes: {
          'exception.stacktrace': 'Error\n    at f (/a.js:1:1)',
          'code.file.path': '/src/b.ts',
          'code.line.number': 99,
          'code.function.name': 'g',
          'code.column.number': 3,
        },
      }),
    );
    expect(current.erro).toMatchObject({ arquivo: '/src/b.ts', linha: 99, funcao: 'g' });
    expect(current.contexto).toEqual({});
    const legacy = mapOne((logger) =>
      logger('app').emit({
        severityNumber: 17,
        body: 'x',
        attributes: { 'code.filepath': '/src/c.ts', 'code.lineno': 7, 'code.function': 'h' },
      }),
    );
    expect(legacy.erro).toMatchObject({ arquivo: '/src/c.ts', linha: 7, funcao: 'h' });
  });

  it('adds trace_id and span_id when the record has a span context', () => {
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    const document = mapOne((logger) =>
      logger('app').emit({
        severityNumber: 17,
        body: 'x',
        context: trace.setSpanContext(context.active(), spanContext),
      }),
    );
    expect(document.trace_id).toBe(spanContext.traceId);
    expect(document.span_id).toBe(spanContext.spanId);
  });

  it.each([
    ['an object body as JSON', { a: 1, b: ['x'] }, undefined, '{"a":1,"b":["x"]}'],
    ['a number body as text', 404, undefined, '404'],
    ['an empty body as the exception message', '', 'from exception', 'from exception'],
    ['no body and no exception as an empty string', undefined, undefined, ''],
  ])('stores %s', (_label, body, exceptionMessage, expected) => {
    const document = mapOne((logger) =>
      logger('app').emit({
        severityNumber: 17,
        body,
        attributes: exceptionMessage ? { 'exception.message': exceptionMessage } : {},
      }),
    );
    expect(document.erro.mensagem).toBe(expected);
  });

  it('stores dotted attribute keys in contexto as nested fields, queryable as written', () => {
    const document = mapOne((logger) =>
      logger('app').emit({
        severityNumber: 17,
        body: 'x',
        attributes: { 'http.route': '/q/:id', 'user.id': 'u1' },
      }),
    );
    expect(document.contexto).toEqual({ http: { route: '/q/:id' }, user: { id: 'u1' } });
  });

  it('marks records of unhandled errors with nao_tratada', () => {
    const document = mapOne((logger) =>
      logger('app').emit({ severityNumber: 21, body: 'x', attributes: { 'exception.unhandled': true } }),
    );
    expect(document.nao_tratada).toBe(true);
    expect(document.contexto).toEqual({});
  });

  it('uses log.record.uid as the document id, so two copies of one record are stored once', () => {
    const document = mapOne((logger) =>
      logger('app').emit({
        severityNumber: 21,
        body: 'x',
        attributes: { 'log.record.uid': 'crash-123', k: 1 },
      }),
    );
    expect(document._id).toBe('crash-123');
    expect(document.contexto).toEqual({ k: 1 });
    const tooLong = mapOne((logger) =>
      logger('app').emit({
        severityNumber: 21,
        body: 'x',
        attributes: { 'log.record.uid': 'u'.repeat(200) },
      }),
    );
    expect(tooLong._id).toBe('id-1');
  });

  it('truncates oversized text fields too, not only contexto and the message', () => {
    const document = mapOne((logger) =>
      logger('app').emit({
        severityNumber: 17,
        body: 'x',
        attributes: { 'exception.type': 'T'.repeat(200_000) },
      }),
    );
    expect(document.erro.tipo!.length).toBeLessThanOrEqual(64 * 1024);
    expect(document.erro.tipo).toMatch(/…\[truncated \d+ chars\]$/);
  });
});
