import { describe, expect, it } from 'vitest';
import { AcaoAuditoria } from '../../../src/audit/catalogue';
import { auditGroupOf, resolveActionGroups } from '../../../src/audit/switches';
import { resolveAuditSwitches } from '../../../src/shared-options/switches';
import { InvalidOptionError } from '../../../src/foundation/errors';

describe('auditGroupOf', () => {
  it.each([
    [AcaoAuditoria.QUESTAO_CRIADA, 'questoes'],
    [AcaoAuditoria.QUESTAO_EDITADA, 'questoes'],
    [AcaoAuditoria.QUESTAO_INATIVADA, 'questoes'],
    [AcaoAuditoria.QUESTAO_REATIVADA, 'questoes'],
    [AcaoAuditoria.LISTA_CRIADA, 'listas'],
    [AcaoAuditoria.LISTA_EDITADA, 'listas'],
    [AcaoAuditoria.LISTA_DELETADA, 'listas'],
    [AcaoAuditoria.LISTA_EXPORTADA, 'exportacoes'],
    [AcaoAuditoria.TAG_CRIADA, 'tags'],
    [AcaoAuditoria.TAG_EDITADA, 'tags'],
    [AcaoAuditoria.TAG_DELETADA, 'tags'],
    [AcaoAuditoria.SESSAO_INICIADA, 'sessoes'],
    [AcaoAuditoria.SESSAO_ENCERRADA, 'sessoes'],
    [AcaoAuditoria.BACKUP_CRIADO, undefined],
    [AcaoAuditoria.BACKUP_RESTAURADO, undefined],
  ])('puts %s in group %s', (action, group) => {
    expect(auditGroupOf(action)).toBe(group);
  });

  it('gives custom actions the group of their prefix, or none', () => {
    expect(auditGroupOf('questao.clonada')).toBe('questoes');
    expect(auditGroupOf('relatorio.gerado')).toBeUndefined();
    expect(auditGroupOf('questao')).toBeUndefined();
    expect(auditGroupOf('')).toBeUndefined();
  });

  it("lets the application's actionGroups decide first, null meaning no group", () => {
    const groups = resolveActionGroups({ 'relatorio.gerado': 'exportacoes', 'questao.clonada': null });
    expect(auditGroupOf('relatorio.gerado', groups)).toBe('exportacoes');
    expect(auditGroupOf('questao.clonada', groups)).toBeUndefined();
    expect(auditGroupOf('questao.criada', groups)).toBe('questoes');
  });

  it('does not take inherited object keys for actions', () => {
    expect(auditGroupOf('toString', resolveActionGroups({}))).toBeUndefined();
  });
});

describe('resolveAuditSwitches', () => {
  it('turns every group on by default and keeps the given values', () => {
    expect(resolveAuditSwitches(undefined)).toEqual({
      questoes: true,
      listas: true,
      tags: true,
      exportacoes: true,
      sessoes: true,
    });
    expect(resolveAuditSwitches({ tags: false, sessoes: undefined })).toMatchObject({
      tags: false,
      sessoes: true,
    });
  });

  it('rejects unknown keys, non-boolean values and non-objects, naming the option', () => {
    expect(() => resolveAuditSwitches({ questao: false })).toThrow(/audit\.questao/);
    expect(() => resolveAuditSwitches({ tags: 'no' })).toThrow(InvalidOptionError);
    expect(() => resolveAuditSwitches({ tags: 'no' })).toThrow(/audit\.tags: "no"; expected true or false/);
    expect(() => resolveAuditSwitches(true)).toThrow(/Invalid option audit/);
    expect(() => resolveAuditSwitches(null)).toThrow(InvalidOptionError);
  });
});

describe('resolveActionGroups', () => {
  it('rejects unknown group names', () => {
    expect(() => resolveActionGroups({ 'relatorio.gerado': 'relatorios' })).toThrow(
      /actionGroups\.relatorio\.gerado: "relatorios"/,
    );
    expect(() => resolveActionGroups([])).toThrow(InvalidOptionError);
  });

  it('copies the mapping, so later changes by the caller do not leak in', () => {
    const given: Record<string, 'tags' | null> = { 'x.y': 'tags' };
    const groups = resolveActionGroups(given);
    given['x.y'] = null;
    expect(auditGroupOf('x.y', groups)).toBe('tags');
  });
});
