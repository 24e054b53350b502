import { type Attributes, type Logger, type LoggerProvider, logs, SeverityNumber } from '@opentelemetry/api';
import { componentLogger } from '../foundation/diag';
import {
  ATTR_AUDIT_DETAILS,
  ATTR_AUDIT_ENTITY,
  ATTR_AUDIT_ENTITY_ID,
  ATTR_USER_ID,
} from '../pipeline/attributes';
import { AUDIT_LOGGER_NAME } from '../pipeline/route';
import { type OptionTable, keysOf, resolveTable } from '../options/descriptor';
import { loggerProviderOption } from '../options/validators';
import { resolvePartSwitches, SHARED_OPTION_KEYS } from '../shared-options/shared-options';
import type { AuditSwitches } from '../shared-options/switches';
import { toSafeAttributes } from '../document/attribute-values';
import { type AuditDetails, type AuditEvent, type EntityId, idText, type UserId } from './event';
import { auditEvents } from './shortcuts';
import type { SessionEnd } from '../resource/session';
import { type ActionGroups, type AuditGroup, auditGroupOf, resolveActionGroups } from './switches';
import { SanitizeReport } from '../document/sanitize-report';

const diagLog = componentLogger('audit');

/** Options of {@link AuditLogger}. Every key is optional. */
export interface AuditLoggerOptions {
  /**
   * Where audit records go: a provider whose pipeline holds a `MongoLogRecordExporter`.
   * @default logs.getLoggerProvider() (the global provider, also when registered later)
   */
  loggerProvider?: LoggerProvider;
  /**
   * Audit groups to record (the plan's `auditar_*`); missing keys stay on.
   * @default { questoes: true, listas: true, tags: true, exportacoes: true, sessoes: true }
   */
  audit?: Partial<AuditSwitches>;
  /**
   * Switch groups of the application's own actions (`{ 'questao.clonada': 'questoes' }`),
   * or `null` to record an action whatever the switches. Without an entry, custom
   * actions follow their prefix (`questao.`, `lista.`, `tag.`, `sessao.`) or are always recorded.
   * @default {}
   */
  actionGroups?: ActionGroups;
}

/** The audit logger's own options; `audit` is a shared one. */
const AUDIT_LOGGER_OPTIONS = {
  loggerProvider: { transform: loggerProviderOption },
  actionGroups: { transform: (_name: string, value: unknown) => resolveActionGroups(value) },
} satisfies OptionTable<Omit<AuditLoggerOptions, 'audit'>>;

/** Every key {@link AuditLogger} accepts: its own and the shared ones (one object can configure every part). */
export const AUDIT_LOGGER_KEYS = keysOf(SHARED_OPTION_KEYS, AUDIT_LOGGER_OPTIONS);

/** What an {@link AuditLogger} (and every logger from its `forUser()`) has done. */
export interface AuditStats {
  /** Events handed to the OpenTelemetry logger. */
  emitted: number;
  /** Events not emitted because their group is switched off. */
  switchedOff: number;
  /** Events dropped: no usable action, or emitting threw. Each is reported through diag. */
  failed: number;
  /** Values in `detalhes` changed to be storable (see diag for what changed). */
  sanitized: number;
}

/** What a logger and the loggers bound from it share. */
interface AuditCore {
  readonly logger: Logger;
  readonly switches: AuditSwitches;
  readonly actionGroups: ActionGroups;
  readonly stats: AuditStats;
  /** `auditGroupOf` of the actions seen (`null`: none), kept: each call would cut and look up a prefix. */
  readonly groups: Map<string, AuditGroup | null>;
}

/** Actions whose group is kept; beyond, the cache starts again (actions made of data cannot grow it). */
const MAX_GROUPS_KEPT = 256;

/**
 * Records who did what to which entity, as OpenTelemetry log records on the logger
 * named {@link AUDIT_LOGGER_NAME}: event name = action, severity INFO, attributes
 * `audit.entity`, `audit.entity.id`, `audit.details`, `user.id`. A
 * `MongoLogRecordExporter` stores them in `audit`; other exporters see ordinary events.
 *
 * Every call is synchronous, never waits for the network and never throws: a problem
 * is reported through diag and counted in {@link getStats}. Returns whether the event
 * was emitted.
 */
export class AuditLogger {
  private readonly core: AuditCore;
  // Not readonly: forUser() sets it on a logger that inherits everything else from this one.
  private userId: string | undefined;

  constructor(options: AuditLoggerOptions = {}) {
    const { audit } = resolvePartSwitches('AuditLogger', options, AUDIT_LOGGER_KEYS);
    const own = resolveTable(AUDIT_LOGGER_OPTIONS, options);
    const provider = own.loggerProvider ?? logs.getLoggerProvider();
    this.core = {
      switches: audit,
      actionGroups: own.actionGroups,
      logger: provider.getLogger(AUDIT_LOGGER_NAME, undefined),
      stats: { emitted: 0, switchedOff: 0, failed: 0, sanitized: 0 },
      groups: new Map(),
    };
    this.userId = undefined;
  }

  /** A logger that fills in `usuarioId` on every event that has none; it shares switches and stats with this one. */
  forUser(usuarioId: UserId): AuditLogger {
    const bound = Object.create(this) as AuditLogger;
    bound.userId = idText(usuarioId);
    return bound;
  }

  /** Whether events of `action` are recorded under the current switches. */
  isEnabled(action: string): boolean {
    const { groups } = this.core;
    let group = groups.get(action);
    if (group === undefined) {
      group = auditGroupOf(action, this.core.actionGroups) ?? null;
      if (groups.size >= MAX_GROUPS_KEPT) groups.clear();
      groups.set(action, group);
    }
    return group === null || this.core.switches[group];
  }

  /** Counts since this logger was created (shared with the loggers from `forUser()`). */
  getStats(): AuditStats {
    return { ...this.core.stats };
  }

  /** Emits one audit event. */
  log(event: AuditEvent): boolean {
    const { stats } = this.core;
    try {
      const acao: unknown = event?.acao;
      if (typeof acao !== 'string' || acao === '') {
        stats.failed++;
        diagLog.error(
          `audit event dropped: its action (acao) is ${acao === '' ? 'empty' : acao === null ? 'null' : typeof acao}`,
        );
        return false;
      }
      if (!this.isEnabled(acao)) {
        stats.switchedOff++;
        return false;
      }
      this.emit(acao, event);
      stats.emitted++;
      return true;
    } catch (error) {
      stats.failed++;
      diagLog.error('cannot emit an audit event; dropped', error);
      return false;
    }
  }

  private emit(acao: string, event: AuditEvent): void {
    const report = new SanitizeReport();
    const entidade = textField(event.entidade, 'entidade', report);
    const entidadeId = textField(event.entidadeId, 'entidade_id', report);
    const attributes: Attributes = {
      [ATTR_AUDIT_ENTITY]: entidade,
      [ATTR_AUDIT_ENTITY_ID]: entidadeId,
      [ATTR_AUDIT_DETAILS]: toSafeAttributes(event.detalhes, report, 'detalhes'),
    };
    const user = event.usuarioId === undefined ? this.userId : event.usuarioId;
    if (user !== undefined && user !== null) attributes[ATTR_USER_ID] = textField(user, 'usuario_id', report);
    this.core.logger.emit({
      eventName: acao,
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: `${acao} ${entidade}/${entidadeId}`,
      attributes,
      timestamp: validTimestamp(event.timestamp, report),
    });
    if (report.count > 0) {
      this.core.stats.sanitized += report.count;
      diagLog.warn(
        `audit event ${acao} ${entidade}/${entidadeId}: made ${report.count} value(s) storable: ${report}`,
      );
    }
  }

  /** `questao.criada`: `{ titulo (first 100 characters), tipo, tags }`. */
  questaoCriada(questaoId: EntityId, titulo: string, tipo: string, tags: readonly string[] = []): boolean {
    return this.log(auditEvents.questaoCriada(questaoId, titulo, tipo, tags));
  }

  /** `questao.editada`: `{ campos_alterados }`. */
  questaoEditada(questaoId: EntityId, camposAlterados: readonly string[]): boolean {
    return this.log(auditEvents.questaoEditada(questaoId, camposAlterados));
  }

  /** `questao.inativada`: `{ motivo }` (null when not given). */
  questaoInativada(questaoId: EntityId, motivo?: string): boolean {
    return this.log(auditEvents.questaoInativada(questaoId, motivo));
  }

  /** `questao.reativada`: `{ motivo }` (null when not given). */
  questaoReativada(questaoId: EntityId, motivo?: string): boolean {
    return this.log(auditEvents.questaoReativada(questaoId, motivo));
  }

  /** `lista.criada`: `{ titulo (first 100 characters), qtd_questoes }`. */
  listaCriada(listaId: EntityId, titulo: string, qtdQuestoes: number): boolean {
    return this.log(auditEvents.listaCriada(listaId, titulo, qtdQuestoes));
  }

  /** `lista.editada`: `{ campos_alterados }`. */
  listaEditada(listaId: EntityId, camposAlterados: readonly string[]): boolean {
    return this.log(auditEvents.listaEditada(listaId, camposAlterados));
  }

  /** `lista.deletada`: no details. */
  listaDeletada(listaId: EntityId): boolean {
    return this.log(auditEvents.listaDeletada(listaId));
  }

  /** `lista.exportada`: `{ formato, qtd_questoes }` (switch `exportacoes`). */
  listaExportada(listaId: EntityId, formato: string, qtdQuestoes: number): boolean {
    return this.log(auditEvents.listaExportada(listaId, formato, qtdQuestoes));
  }

  /** `tag.criada`: `{ nome }`. */
  tagCriada(tagId: EntityId, nome: string): boolean {
    return this.log(auditEvents.tagCriada(tagId, nome));
  }

  /** `tag.editada`: `{ campos_alterados }`. */
  tagEditada(tagId: EntityId, camposAlterados: readonly string[]): boolean {
    return this.log(auditEvents.tagEditada(tagId, camposAlterados));
  }

  /** `tag.deletada`: no details. */
  tagDeletada(tagId: EntityId): boolean {
    return this.log(auditEvents.tagDeletada(tagId));
  }

  /** `sessao.iniciada` on entity `sistema` with this machine's id; no details. */
  sessaoIniciada(): boolean {
    return this.log(auditEvents.sessaoIniciada());
  }

  /**
   * `sessao.encerrada` on entity `sistema` with this machine's id: `{ duracao_segundos }`, and
   * `encerramento: 'crash'` when an uncaught error ended the session.
   */
  sessaoEncerrada(duracaoSegundos: number, encerramento?: SessionEnd): boolean {
    return this.log(auditEvents.sessaoEncerrada(duracaoSegundos, encerramento));
  }

  /** `backup.criado` on entity `backup`, with the application's details (file, size...). */
  backupCriado(backupId: EntityId, detalhes?: AuditDetails): boolean {
    return this.log(auditEvents.backupCriado(backupId, detalhes));
  }

  /** `backup.restaurado` on entity `backup`, with the application's details. */
  backupRestaurado(backupId: EntityId, detalhes?: AuditDetails): boolean {
    return this.log(auditEvents.backupRestaurado(backupId, detalhes));
  }
}

/** An entity, id or user as text: ids of any type are stored as strings; anything else is noted. */
function textField(value: unknown, field: string, report: SanitizeReport): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  report.note(field, `${value === null ? 'null' : typeof value} stored as a string`);
  if (value === undefined || value === null) return '';
  try {
    return typeof value === 'object' ? (JSON.stringify(value) ?? String(value)) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function validTimestamp(value: unknown, report: SanitizeReport): Date | number | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date ? !Number.isNaN(value.getTime()) : Number.isFinite(value))
    return value as Date | number;
  report.note('timestamp', 'not a valid date or epoch milliseconds; the time of the call is used');
  return undefined;
}
