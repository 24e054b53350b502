/**
 * The plan's catalogue of audit actions. Each value is the event name of the log
 * record and the `acao` of the stored document. Frozen: read it, never extend it;
 * applications add their own actions simply by using another string (see {@link AuditAction}).
 */
export const AcaoAuditoria = Object.freeze({
  QUESTAO_CRIADA: 'questao.criada',
  QUESTAO_EDITADA: 'questao.editada',
  QUESTAO_INATIVADA: 'questao.inativada',
  QUESTAO_REATIVADA: 'questao.reativada',
  LISTA_CRIADA: 'lista.criada',
  LISTA_EDITADA: 'lista.editada',
  LISTA_DELETADA: 'lista.deletada',
  LISTA_EXPORTADA: 'lista.exportada',
  TAG_CRIADA: 'tag.criada',
  TAG_EDITADA: 'tag.editada',
  TAG_DELETADA: 'tag.deletada',
  SESSAO_INICIADA: 'sessao.iniciada',
  SESSAO_ENCERRADA: 'sessao.encerrada',
  BACKUP_CRIADO: 'backup.criado',
  BACKUP_RESTAURADO: 'backup.restaurado',
} as const);

/** One of the catalogue's actions. */
export type CatalogueAction = (typeof AcaoAuditoria)[keyof typeof AcaoAuditoria];

/**
 * An audit action: a catalogue action, or any other non-empty string the application
 * defines (`'relatorio.gerado'`). The `string & {}` member keeps editor completion for
 * the catalogue while accepting custom strings without casts.
 */
export type AuditAction = CatalogueAction | (string & {});

const CATALOGUE_ACTIONS: ReadonlySet<string> = new Set(Object.values(AcaoAuditoria));

/** Whether `action` is one of the catalogue's actions. */
export function isCatalogueAction(action: string): action is CatalogueAction {
  return CATALOGUE_ACTIONS.has(action);
}
