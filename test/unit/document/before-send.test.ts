import { describe, expect, it } from 'vitest';
import { applyBeforeSend, type BeforeSend } from '../../../src/document/before-send';
import type { AuditDocument } from '../../../src/document/schema';

function auditDocument(): AuditDocument {
  return {
    _id: 'id-1',
    timestamp: new Date(0),
    acao: 'questao.criada',
    entidade: 'questao',
    entidade_id: '42',
    detalhes: { titulo: 'Q', tags: ['a'] },
    usuario_id: 'ana@example.com',
    maquina_id: '0123456789abcdef',
    app_nome: 'app',
    app_version: '1.0.0',
  };
}

function errorsSeen() {
  const lines: string[] = [];
  const logger = {
    error: (message: string) => void lines.push(message),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  return { logger, lines };
}

describe('applyBeforeSend', () => {
  it('writes the document the hook returns, changed', () => {
    const hook: BeforeSend = (document) => ({ ...document, usuario_id: null }) as AuditDocument;
    const { logger, lines } = errorsSeen();
    expect(applyBeforeSend(hook, auditDocument(), 'audit', logger)).toEqual({
      ...auditDocument(),
      usuario_id: null,
    });
    expect(lines).toEqual([]);
  });

  it('drops the document when the hook returns null', () => {
    const { logger } = errorsSeen();
    expect(applyBeforeSend(() => null, auditDocument(), 'audit', logger)).toBeNull();
  });

  it('passes the kind, and a copy the hook may change freely', () => {
    const original = auditDocument();
    let kind: string | undefined;
    applyBeforeSend(
      (document, given) => {
        kind = given;
        (document as AuditDocument).detalhes.titulo = 'changed';
        ((document as AuditDocument).detalhes.tags as string[]).push('b');
        return document;
      },
      original,
      'audit',
      errorsSeen().logger,
    );
    expect(kind).toBe('audit');
    expect(original.detalhes).toEqual({ titulo: 'Q', tags: ['a'] });
  });

  it('writes the original, untouched, and reports through diag when the hook throws', () => {
    const original = auditDocument();
    const { logger, lines } = errorsSeen();
    const result = applyBeforeSend(
      (document) => {
        (document as AuditDocument).usuario_id = 'half-done';
        throw new Error('hook bug');
      },
      original,
      'audit',
      logger,
    );
    expect(result).toBe(original);
    expect(result).toEqual(auditDocument());
    expect(lines).toEqual(['beforeSend threw; the audit document is written unchanged']);
  });

  it.each([
    ['undefined', undefined],
    ['a string', 'x'],
    ['an array', []],
  ])('writes the original and reports when the hook returns %s', (_case, value) => {
    const { logger, lines } = errorsSeen();
    const original = auditDocument();
    expect(applyBeforeSend(() => value as never, original, 'audit', logger)).toBe(original);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('not a document or null');
  });

  it('keeps the original _id when the hook removes or replaces it with a non-string', () => {
    const { logger } = errorsSeen();
    const withoutId = applyBeforeSend(
      (document) => ({ ...document, _id: undefined }) as never,
      auditDocument(),
      'audit',
      logger,
    );
    expect(withoutId?._id).toBe('id-1');
  });
});
