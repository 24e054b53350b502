import type { SeverityNumber } from '@opentelemetry/api';
import type { MongoClient } from 'mongodb';

/** The plan's level names, as stored in `nivel`. */
export type LevelName = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** Collection names of the three document kinds. */
export interface CollectionNames {
  errors: string;
  audit: string;
  metrics: string;
}

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
 * Options shared by every part of the package: the exporters, the error reporter,
 * the audit logger and `setupTelemetry()`. One object can configure all of them;
 * each part reads the keys it needs. Every key is optional.
 */
export interface MongoExporterOptions {
  /**
   * MongoDB connection string. Never logged: its password is redacted everywhere.
   * @default process.env.MONGODB_CONNECTION_STRING ?? process.env.MONGODB_URI
   */
  connectionString?: string;
  /**
   * An existing client to write with instead of `connectionString`.
   * The exporter never closes a client it was given.
   */
  client?: MongoClient;
  /**
   * Database holding the collections.
   * @default process.env.MONGODB_DATABASE ?? 'mathbank_logs'
   */
  database?: string;
  /**
   * Collection names; missing keys keep their default.
   * @default { errors: 'errors', audit: 'audit', metrics: 'metrics' }
   */
  collections?: Partial<CollectionNames>;
  /**
   * Lowest severity written to `errors` (the plan's `nivel_remoto`). A level name or
   * an OpenTelemetry `SeverityNumber`. Audit records are written whatever this is.
   * @default 'ERROR'
   */
  remoteLevel?: LevelName | SeverityNumber;
  /**
   * How long to wait for the server before a write fails (server selection and connect).
   * @default 5000
   */
  connectionTimeoutMs?: number;
  /**
   * Create the plan's indexes once, on first use, idempotently.
   * @default true
   */
  createIndexes?: boolean;
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

/** Options after defaults, environment variables and validation: what the code reads. */
export interface ResolvedOptions {
  connectionString: string | undefined;
  client: MongoClient | undefined;
  database: string;
  collections: CollectionNames;
  remoteSeverity: SeverityNumber;
  connectionTimeoutMs: number;
  createIndexes: boolean;
  /** Strings never to print: the connection string's password, raw and decoded. */
  secrets: readonly string[];
}
