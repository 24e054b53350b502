/** A configured value, named by its option path in {@link TelemetryOptions} (`collections.errors`...). */
export type ConfigKey =
  | 'connectionString'
  | 'database'
  | 'collections.errors'
  | 'collections.audit'
  | 'collections.metrics'
  | 'connectionTimeoutMs'
  | 'remoteLevel'
  | 'remoteLoggingEnabled'
  | 'consoleLevel'
  | 'fileLevel'
  | 'logFile'
  | 'audit.questoes'
  | 'audit.listas'
  | 'audit.tags'
  | 'audit.exportacoes'
  | 'audit.sessoes'
  | 'metricsEnabled'
  | 'sendMetricsOnShutdown'
  | 'retentionDays'
  | 'trailSize';

/** How a value written in the file is read. */
export type ValueKind =
  | 'level'
  | 'boolean'
  | 'positive-integer'
  | 'days'
  | 'count'
  | 'connection-string'
  | 'database'
  | 'collection'
  | 'path';

export interface KeySpec {
  option: ConfigKey;
  kind: ValueKind;
}

/** The config.ini sections and keys (the plan's, plus `arquivo_log`), and the option each one sets. */
export const INI_SCHEMA: Readonly<Record<string, Readonly<Record<string, KeySpec>>>> = Object.freeze({
  LOGGING: {
    nivel_console: { option: 'consoleLevel', kind: 'level' },
    nivel_arquivo: { option: 'fileLevel', kind: 'level' },
    nivel_remoto: { option: 'remoteLevel', kind: 'level' },
    remote_logging_enabled: { option: 'remoteLoggingEnabled', kind: 'boolean' },
    arquivo_log: { option: 'logFile', kind: 'path' },
    tamanho_trilha: { option: 'trailSize', kind: 'count' },
  },
  MONGODB: {
    connection_string: { option: 'connectionString', kind: 'connection-string' },
    database: { option: 'database', kind: 'database' },
    collection_errors: { option: 'collections.errors', kind: 'collection' },
    collection_audit: { option: 'collections.audit', kind: 'collection' },
    collection_metrics: { option: 'collections.metrics', kind: 'collection' },
    connection_timeout_ms: { option: 'connectionTimeoutMs', kind: 'positive-integer' },
    retencao_dias: { option: 'retentionDays', kind: 'days' },
  },
  AUDIT: {
    auditar_questoes: { option: 'audit.questoes', kind: 'boolean' },
    auditar_listas: { option: 'audit.listas', kind: 'boolean' },
    auditar_tags: { option: 'audit.tags', kind: 'boolean' },
    auditar_exportacoes: { option: 'audit.exportacoes', kind: 'boolean' },
    auditar_sessoes: { option: 'audit.sessoes', kind: 'boolean' },
  },
  METRICS: {
    enabled: { option: 'metricsEnabled', kind: 'boolean' },
    enviar_ao_encerrar: { option: 'sendMetricsOnShutdown', kind: 'boolean' },
  },
});
