import type { SeverityNumber } from '@opentelemetry/api';
import type { MongoClient } from 'mongodb';
import type { SanitizeLimits } from './document/bson-safe';
import type { SecretKeyPattern } from './document/keys';
import type { BeforeSend } from './document/before-send';
import type { StormGuardSettings } from './pipeline/storm-guard';
import type { CollectionNames, LevelName } from './document/schema';

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
  /**
   * Folder of the disk spool that keeps batches the server could not take, replayed when it
   * answers again (in this process or the next). `false` turns the spool off: a batch that
   * cannot be written within `retryDeadlineMs` is then reported as FAILED and lost.
   * @default a per-user folder: $XDG_STATE_HOME (or ~/.local/state) on Linux, ~/Library/Application Support on
   *   macOS, %LOCALAPPDATA% on Windows; then `opentelemetry-exporter-mongodb/spool/<destination hash>`
   */
  spoolDir?: string | false;
  /**
   * Most bytes the spool may hold. When full, the oldest batches are dropped and counted.
   * @default 104857600 (100 MiB)
   */
  spoolMaxBytes?: number;
  /**
   * How long one export keeps retrying transient failures (network, server selection, a
   * primary stepping down) before spooling the batch. Keep it below the processor's
   * `exportTimeoutMillis` (30000 by default).
   * @default 10000
   */
  retryDeadlineMs?: number;
  /**
   * Attribute and detail keys whose values are stored as `[REDACTED]`. Strings match a key
   * case-insensitively, ignoring `-`, `_` and `.`; regular expressions are tested as they are.
   * @default DEFAULT_SECRET_KEYS (password, secret, token, authorization, api key, cookie...)
   */
  redactKeys?: readonly SecretKeyPattern[];
  /**
   * Longest string stored; longer ones are cut and end with `…[truncated N chars]`.
   * @default 65536
   */
  maxStringLength?: number;
  /**
   * The application's folder: stack-frame paths are taken relative to it for
   * `erro.fingerprint`, so the same bug groups together wherever the app is installed.
   * @default the folder of the nearest named package.json above the entry script, else the working directory
   */
  appRoot?: string;
  /**
   * Receives each `errors` and `audit` document before it is written, to change it (return
   * it) or drop it (return `null`, counted as `filtered`). It gets its own copy; if it throws,
   * diag reports it and the original document is written. Storm-guard summaries are built
   * from documents that already went through it.
   * @default undefined (every document is written as mapped)
   */
  beforeSend?: BeforeSend;
  /**
   * Days to keep documents: a TTL index on `timestamp` (named `timestamp_ttl`) in each collection
   * makes the server delete older ones (the plan's `[MONGODB] retencao_dias`). A later change
   * updates the index (`collMod`). Unset keeps documents forever. FerretDB does not support TTL
   * indexes: there the setting is reported through `diag` and has no effect.
   * @default undefined (documents are kept forever)
   */
  retentionDays?: number;
  /**
   * The storm guard: per machine and `erro.fingerprint`, at most `maxPerWindow` documents are
   * written one by one in a window of `windowMs` (from the first occurrence); later ones are
   * folded into one summary document (`ocorrencias`, `primeira`, `ultima`) written at the
   * window's end or at shutdown, and counted as `suppressed`. `false` turns it off.
   * @default { maxPerWindow: 10, windowMs: 60000 }
   */
  stormGuard?: Partial<StormGuardSettings> | false;
  /**
   * How many of the records emitted before an error, below `remoteLevel` (and audit events),
   * are stored with it as `trilha`, oldest first. `0` turns the trail off. Captured at emit
   * time by `MongoBatchLogRecordProcessor` (which `setupTelemetry()` uses). (`[LOGGING] tamanho_trilha`)
   * @default 20
   */
  trailSize?: number;
  /**
   * Trail records older than this many milliseconds when the error is emitted are left out.
   * @default undefined (no age limit)
   */
  trailMaxAgeMs?: number;
  /**
   * For an error record with neither an exception nor `code.*` attributes, capture the line
   * that emitted it (skipping this package, the OpenTelemetry SDK and bridged logging
   * libraries) as `code.file.path`, `code.line.number` and `code.function.name`.
   * @default true
   */
  captureCallSite?: boolean;
}

/** Options after defaults, environment variables and validation: what the code reads. */
export interface ResolvedOptions {
  connectionString: string | undefined;
  /** How to name the connection string in an error: the option, or the environment variable it came from. */
  connectionStringOption: string;
  client: MongoClient | undefined;
  database: string;
  collections: CollectionNames;
  remoteSeverity: SeverityNumber;
  connectionTimeoutMs: number;
  createIndexes: boolean;
  /** Strings never to print: the connection string's password, raw and decoded. */
  secrets: readonly string[];
  /** Undefined when the spool is off. */
  spoolDir: string | undefined;
  spoolMaxBytes: number;
  retryDeadlineMs: number;
  sanitizeLimits: SanitizeLimits;
  metricsEnabled: boolean;
  sendMetricsOnShutdown: boolean;
  flushTimeoutMs: number;
  audit: AuditSwitches;
  appRoots: readonly string[];
  beforeSend: BeforeSend | undefined;
  /** Undefined when documents are kept forever. */
  retentionDays: number | undefined;
  /** Undefined when the guard is off. */
  stormGuard: StormGuardSettings | undefined;
  /** 0 when the trail is off. */
  trailSize: number;
  trailMaxAgeMs: number | undefined;
  captureCallSite: boolean;
}
