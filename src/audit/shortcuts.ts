import type { SessionEnd } from '../resource/session';
import { getMachineId } from '../resource/machine-id';
import { AcaoAuditoria } from './catalogue';
import { type AuditDetails, type AuditEvent, type EntityId, firstCodePoints } from './event';

/** Titles are cut to this many code points in `detalhes.titulo`, as the plan does. */
export const MAX_TITLE_CODE_POINTS = 100;

/**
 * The events behind `AuditLogger`'s shortcuts, one builder per catalogue action: the
 * plan's detail shapes (`titulo`, `tipo`, `tags`, `campos_alterados`, `motivo`,
 * `qtd_questoes`, `formato`, `duracao_segundos`), without a user (the logger adds it).
 */
export const auditEvents = {
  questaoCriada(questaoId: EntityId, titulo: string, tipo: string, tags: readonly string[] = []): AuditEvent {
    return questao(AcaoAuditoria.QUESTAO_CRIADA, questaoId, { titulo: title(titulo), tipo, tags });
  },
  questaoEditada(questaoId: EntityId, camposAlterados: readonly string[]): AuditEvent {
    return questao(AcaoAuditoria.QUESTAO_EDITADA, questaoId, { campos_alterados: camposAlterados });
  },
  questaoInativada(questaoId: EntityId, motivo?: string): AuditEvent {
    return questao(AcaoAuditoria.QUESTAO_INATIVADA, questaoId, { motivo: motivo ?? null });
  },
  questaoReativada(questaoId: EntityId, motivo?: string): AuditEvent {
    return questao(AcaoAuditoria.QUESTAO_REATIVADA, questaoId, { motivo: motivo ?? null });
  },
  listaCriada(listaId: EntityId, titulo: string, qtdQuestoes: number): AuditEvent {
    return lista(AcaoAuditoria.LISTA_CRIADA, listaId, { titulo: title(titulo), qtd_questoes: qtdQuestoes });
  },
  listaEditada(listaId: EntityId, camposAlterados: readonly string[]): AuditEvent {
    return lista(AcaoAuditoria.LISTA_EDITADA, listaId, { campos_alterados: camposAlterados });
  },
  listaDeletada(listaId: EntityId): AuditEvent {
    return lista(AcaoAuditoria.LISTA_DELETADA, listaId, {});
  },
  listaExportada(listaId: EntityId, formato: string, qtdQuestoes: number): AuditEvent {
    return lista(AcaoAuditoria.LISTA_EXPORTADA, listaId, { formato, qtd_questoes: qtdQuestoes });
  },
  tagCriada(tagId: EntityId, nome: string): AuditEvent {
    return tag(AcaoAuditoria.TAG_CRIADA, tagId, { nome });
  },
  tagEditada(tagId: EntityId, camposAlterados: readonly string[]): AuditEvent {
    return tag(AcaoAuditoria.TAG_EDITADA, tagId, { campos_alterados: camposAlterados });
  },
  tagDeletada(tagId: EntityId): AuditEvent {
    return tag(AcaoAuditoria.TAG_DELETADA, tagId, {});
  },
  sessaoIniciada(): AuditEvent {
    return { acao: AcaoAuditoria.SESSAO_INICIADA, entidade: 'sistema', entidadeId: getMachineId() };
  },
  sessaoEncerrada(duracaoSegundos: number, encerramento?: SessionEnd): AuditEvent {
    return {
      acao: AcaoAuditoria.SESSAO_ENCERRADA,
      entidade: 'sistema',
      entidadeId: getMachineId(),
      detalhes: { duracao_segundos: duracaoSegundos, ...(encerramento === 'crash' ? { encerramento } : {}) },
    };
  },
  backupCriado(backupId: EntityId, detalhes?: AuditDetails): AuditEvent {
    return { acao: AcaoAuditoria.BACKUP_CRIADO, entidade: 'backup', entidadeId: backupId, detalhes };
  },
  backupRestaurado(backupId: EntityId, detalhes?: AuditDetails): AuditEvent {
    return { acao: AcaoAuditoria.BACKUP_RESTAURADO, entidade: 'backup', entidadeId: backupId, detalhes };
  },
};

function questao(acao: string, entidadeId: EntityId, detalhes: AuditDetails): AuditEvent {
  return { acao, entidade: 'questao', entidadeId, detalhes };
}

function lista(acao: string, entidadeId: EntityId, detalhes: AuditDetails): AuditEvent {
  return { acao, entidade: 'lista', entidadeId, detalhes };
}

function tag(acao: string, entidadeId: EntityId, detalhes: AuditDetails): AuditEvent {
  return { acao, entidade: 'tag', entidadeId, detalhes };
}

/** A title that is not a string is left for the sanitizer to store (and report) as it can. */
function title(titulo: string): string {
  return typeof titulo === 'string' ? firstCodePoints(titulo, MAX_TITLE_CODE_POINTS) : titulo;
}
