import type { Attributes as AnyValueMap } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { resourceFields } from '../../../src/document/resource-fields';
import { customFingerprint } from '../../../src/pipeline/fingerprint';
import { AUDIT_LOGGER_NAME } from '../../../src/pipeline/route';
import { type MappingContext, toAuditDocument, toErrorDocument } from '../../../src/pipeline/transform';
import { captureRecords } from '../../support/records';
import { DEFAULT_SANITIZE_LIMITS, SanitizeReport } from '../../../src/document/sanitize-report';

// Field by field: which attribute feeds which field, what a missing or odd value becomes,
// and the path under which a change is reported.

const SHORT = { ...DEFAULT_SANITIZE_LIMITS, maxStringLength: 64 };

function context(limits = DEFAULT_SANITIZE_LIMITS): MappingContext {
  const [record] = captureRecords((logger) => logger('x').emit({ body: 'x' }));
  return { id: 'context-id', fields: resourceFields(record!.resource), report: new SanitizeReport(), limits };
}

function errorDoc(body: unknown, attributes: AnyValueMap = {}, limits = DEFAULT_SANITIZE_LIMITS) {
  const [record] = captureRecords((logger) =>
    logger('app').emit({ severityNumber: 17, body: body as never, attributes }),
  );
  const ctx = context(limits);
  return { document: toErrorDocument(record!, ctx), report: ctx.report };
}

function auditDoc(
  eventName: string | undefined,
  attributes: AnyValueMap = {},
  limits = DEFAULT_SANITIZE_LIMITS,
) {
  const [record] = captureRecords((logger) =>
    logger(AUDIT_LOGGER_NAME).emit({ severityNumber: 9, ...(eventName ? { eventName } : {}), attributes }),
  );
  const ctx = context(limits);
  return { document: toAuditDocument(record!, ctx), report: ctx.report };
}

const LONG = 'y'.repeat(200);

describe('toErrorDocument fields', () => {
  it.each([
    ['a uid of up to 128 characters', 'u'.repeat(128), 'u'.repeat(128)],
    ['an empty uid', '', 'context-id'],
    ['a uid over 128 characters', 'u'.repeat(129), 'context-id'],
    ['a uid that is not a string', 42, 'context-id'],
  ])('takes _id from log.record.uid: %s', (_case, uid, expected) => {
    expect(errorDoc('x', { 'log.record.uid': uid }).document._id).toBe(expected);
  });

  it.each<[string, unknown, AnyValueMap, string]>([
    ['a number body', 42, {}, '42'],
    ['a boolean body', false, {}, 'false'],
    ['an empty body', '', { 'exception.message': 'from exception' }, 'from exception'],
    ['no body', undefined, { 'exception.message': 'from exception' }, 'from exception'],
    ['an empty object body', {}, { 'exception.message': 'from exception' }, 'from exception'],
    ['an empty array body', [], { 'exception.message': 'from exception' }, 'from exception'],
    [
      'an object body',
      { a: 1, password: 'p' },
      { 'exception.message': 'm' },
      '{"a":1,"password":"[REDACTED]"}',
    ],
    ['bytes in a body', { b: new Uint8Array(3) }, {}, '{"b":"<3 bytes>"}'],
    ['no body nor message', undefined, {}, ''],
  ])('writes erro.mensagem from %s', (_case, body, attributes, expected) => {
    expect(errorDoc(body, attributes).document.erro.mensagem).toBe(expected);
  });

  it('reads the line from code.line.number given as a whole number or as digits, else from the stack', () => {
    const stack = 'Error: x\n    at f (/a.js:7:1)';
    const line = (value: unknown) =>
      errorDoc('x', { 'code.line.number': value as never, 'exception.stacktrace': stack }).document.erro
        .linha;
    expect(line(12)).toBe(12);
    expect(line('13')).toBe(13);
    expect(line('1.5')).toBe(7);
    expect(line(1.5)).toBe(7);
  });

  it('uses the application fingerprint when it is a non-empty string or list, the computed one otherwise', () => {
    const computed = errorDoc('boom').document.erro.fingerprint;
    expect(errorDoc('boom', { 'error.fingerprint': 'mine' }).document.erro.fingerprint).toBe(
      customFingerprint('mine'),
    );
    expect(errorDoc('boom', { 'error.fingerprint': ['a', 'b'] }).document.erro.fingerprint).toBe(
      customFingerprint(['a', 'b']),
    );
    expect(errorDoc('boom', { 'error.fingerprint': '' }).document.erro.fingerprint).toBe(computed);
    expect(errorDoc('boom', { 'error.fingerprint': [] }).document.erro.fingerprint).toBe(computed);
  });

  it('reports each text field cut to the length limit under its own path', () => {
    const { report } = errorDoc(
      LONG,
      {
        'exception.type': LONG,
        'exception.stacktrace': LONG,
        'code.file.path': LONG,
        'code.function.name': LONG,
      },
      SHORT,
    );
    expect(report.changes.map((change) => change.split(':')[0]).sort()).toEqual([
      'erro.arquivo',
      'erro.funcao',
      'erro.mensagem',
      'erro.stacktrace',
      'erro.tipo',
    ]);
  });
});

describe('toAuditDocument fields', () => {
  it('leaves acao, entidade and entidade_id empty when the event does not say them', () => {
    const { document } = auditDoc(undefined);
    expect(document).toMatchObject({ acao: '', entidade: '', entidade_id: '', usuario_id: null });
  });

  it.each<[string, unknown, string]>([
    ['a string', 'q-1', 'q-1'],
    ['a number', 42, '42'],
    ['a boolean', true, 'true'],
    ['a list', [1, 2], '[1,2]'],
  ])('writes entidade_id and usuario_id as text from %s', (_case, id, expected) => {
    const { document } = auditDoc('x.y', { 'audit.entity.id': id as never, 'user.id': id as never });
    expect(document.entidade_id).toBe(expected);
    expect(document.usuario_id).toBe(expected);
  });

  it('merges attributes that are not audit fields into detalhes, the details winning', () => {
    const { document } = auditDoc('x.y', { 'audit.details': { a: 1, b: 2 }, b: 'extra', c: 3 });
    expect(document.detalhes).toEqual({ a: 1, b: 2, c: 3 });
    expect(auditDoc('x.y', { 'audit.details': { a: 1 } }).document.detalhes).toEqual({ a: 1 });
  });

  it('reports each text field cut to the length limit under its own path', () => {
    const { report } = auditDoc(
      LONG,
      { 'audit.entity': LONG, 'audit.entity.id': LONG, 'user.id': LONG, 'audit.details': { d: LONG } },
      SHORT,
    );
    expect(report.changes.map((change) => change.split(':')[0]).sort()).toEqual([
      'acao',
      'detalhes.d',
      'entidade',
      'entidade_id',
      'usuario_id',
    ]);
  });
});
