import type { AuditAction } from './catalogue';

/** The id of the entity acted on. Stored as a string whatever its type (`42` → `"42"`). */
export type EntityId = string | number | bigint;

/** The id of the acting user. Stored as a string. */
export type UserId = string | number;

/**
 * What the action changed or carried. Any object: values MongoDB or OpenTelemetry
 * cannot hold as they are (functions, cycles, BigInt, `$`/`.` keys...) are made safe.
 */
export type AuditDetails = Readonly<Record<string, unknown>>;

/** One audit event: who (`usuarioId`) did what (`acao`) to which entity. */
export interface AuditEvent {
  /** The action, e.g. `AcaoAuditoria.QUESTAO_CRIADA` or an application's own `'relatorio.gerado'`. */
  acao: AuditAction;
  /** The kind of entity: `questao`, `lista`, `tag`, `sistema`... */
  entidade: string;
  entidadeId: EntityId;
  /** Stored as `detalhes`; `{}` when absent. */
  detalhes?: AuditDetails;
  /** The acting user; a logger from `forUser()` fills it in when absent. */
  usuarioId?: UserId | null;
  /** When the action happened. @default now */
  timestamp?: Date | number;
}

/** An entity or user id as the text stored in the document. */
export function idText(id: EntityId | UserId): string {
  return typeof id === 'string' ? id : String(id);
}

/**
 * The first `max` code points of `text`: a surrogate pair is never split, so the
 * result is always well-formed where the input was.
 */
export function firstCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  let count = 0;
  let end = 0;
  for (const codePoint of text) {
    if (count === max) break;
    end += codePoint.length;
    count++;
  }
  return text.slice(0, end);
}
