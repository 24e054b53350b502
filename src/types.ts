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
