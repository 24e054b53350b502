import { defaultsOf, groupOf, type OptionTable, resolveTable } from '../options/descriptor';
import { booleanOption, positiveInteger } from '../options/validators';

/**
 * The plan's `[AUDIT]` switches: each turns a group of audit actions on or off.
 * `questoes`: questao.*; `listas`: lista.criada/editada/deletada; `exportacoes`:
 * lista.exportada; `tags`: tag.*; `sessoes`: sessao.*.
 */
export interface AuditSwitches {
  questoes: boolean;
  listas: boolean;
  tags: boolean;
  exportacoes: boolean;
  sessoes: boolean;
}

/**
 * The keys of the shared options object that the parts above the exporters read: the audit
 * logger, the metrics collector and the error reporter. They are declared here, below those
 * parts, because every part takes the same object and checks all of it, the exporters too.
 */
export interface SwitchOptions {
  /**
   * Audit groups to record (the plan's `auditar_*`); missing keys stay on.
   * @default { questoes: true, listas: true, tags: true, exportacoes: true, sessoes: true }
   */
  audit?: Partial<AuditSwitches>;
  /**
   * Record session metrics at all (the plan's `[METRICS] enabled`).
   * @default true
   */
  metricsEnabled?: boolean;
  /**
   * Write the session's final metrics document at shutdown (the plan's `enviar_ao_encerrar`).
   * @default true
   */
  sendMetricsOnShutdown?: boolean;
  /**
   * How long the error reporter waits for the crash record to be flushed before the
   * process exits after an uncaught exception.
   * @default 2000
   */
  flushTimeoutMs?: number;
}

const AUDIT_SWITCHES = {
  questoes: { default: true, transform: booleanOption },
  listas: { default: true, transform: booleanOption },
  tags: { default: true, transform: booleanOption },
  exportacoes: { default: true, transform: booleanOption },
  sessoes: { default: true, transform: booleanOption },
} satisfies OptionTable<AuditSwitches>;

/** The names of the audit groups, as the `audit` option spells them. */
export const AUDIT_GROUP_NAMES = Object.freeze(
  Object.keys(AUDIT_SWITCHES),
) as readonly (keyof AuditSwitches)[];

const auditGroup = groupOf(AUDIT_SWITCHES, `an object like { ${Object.keys(AUDIT_SWITCHES).join(', ')} }`);

export const SWITCH_OPTIONS = {
  audit: { default: defaultsOf(AUDIT_SWITCHES), transform: auditGroup },
  metricsEnabled: { default: true, transform: booleanOption },
  sendMetricsOnShutdown: { default: true, transform: booleanOption },
  flushTimeoutMs: { default: 2000, transform: positiveInteger },
} satisfies OptionTable<SwitchOptions>;

export type SwitchSettings = ReturnType<typeof resolveSwitches>;

export function resolveSwitches(options: SwitchOptions) {
  return resolveTable(SWITCH_OPTIONS, options);
}

/** The `audit` option with defaults filled in; throws `InvalidOptionError` on a bad key or value. */
export function resolveAuditSwitches(value: unknown): AuditSwitches {
  return auditGroup('audit', value);
}
