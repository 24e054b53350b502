import { describe, expect, expectTypeOf, it } from 'vitest';
import { AcaoAuditoria, type AuditAction, isCatalogueAction } from '../../../src/audit/catalogue';

describe('AcaoAuditoria', () => {
  it("holds the plan's 15 actions, each a dotted entity.verb name", () => {
    const actions = Object.values(AcaoAuditoria);
    expect(actions).toHaveLength(15);
    expect(new Set(actions).size).toBe(15);
    expect(actions).toEqual(
      expect.arrayContaining([
        'questao.criada',
        'questao.editada',
        'questao.inativada',
        'questao.reativada',
        'lista.criada',
        'lista.editada',
        'lista.deletada',
        'lista.exportada',
        'tag.criada',
        'tag.editada',
        'tag.deletada',
        'sessao.iniciada',
        'sessao.encerrada',
        'backup.criado',
        'backup.restaurado',
      ]),
    );
  });

  it('is frozen', () => {
    expect(Object.isFrozen(AcaoAuditoria)).toBe(true);
    expect(() => {
      (AcaoAuditoria as Record<string, string>).NOVA = 'x';
    }).toThrow(TypeError);
  });

  it('keeps literal types and accepts custom actions without casts', () => {
    expectTypeOf(AcaoAuditoria.QUESTAO_CRIADA).toEqualTypeOf<'questao.criada'>();
    const custom: AuditAction = 'relatorio.gerado';
    const known: AuditAction = AcaoAuditoria.BACKUP_CRIADO;
    expect([custom, known]).toEqual(['relatorio.gerado', 'backup.criado']);
  });

  it('tells catalogue actions from custom ones', () => {
    expect(isCatalogueAction('tag.deletada')).toBe(true);
    expect(isCatalogueAction('relatorio.gerado')).toBe(false);
  });
});
