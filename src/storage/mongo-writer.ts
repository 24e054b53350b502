import { type AnyBulkWriteOperation, type Document, MongoClient } from 'mongodb';
import { componentLogger } from '../diag';
import { InvalidOptionError } from '../errors';
import { describeError, redactConnectionStringValue } from '../redact';
import type { CollectionNames, ResolvedOptions } from '../types';
import { ensureCollectionIndexes } from './ensure-indexes';
import { INDEXES } from './indexes';
import { applyRetention, RetentionUnsupportedError } from './retention';
import { failedIndexes, isTransient } from './write-errors';

export type CollectionKind = keyof CollectionNames;

/** A document with the `_id` the mapping gave it. */
export type IdentifiedDocument = Document & { _id: string };

/** What one write did. `rejected` documents were refused by the server for good (validation, size). */
export interface WriteOutcome {
  written: number;
  rejected: number;
}

const log = componentLogger('writer');
const APP_NAME = 'opentelemetry-exporter-mongodb';

/**
 * The one module that talks to MongoDB: every insert, upsert and index creation.
 * Connects lazily on the first write; closes the client only if it created it.
 */
export class MongoWriter {
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly indexesReady = new Map<CollectionKind, Promise<void>>();
  private connected = false;
  /** Known unreachable: a write failed transiently, or the heartbeat failed; until it answers. */
  private down = false;
  private connecting: Promise<void> | undefined;
  private readonly reachableListeners = new Set<() => void>();
  private readonly onHeartbeatFailed = () => {
    this.connected = false;
    this.down = true;
  };
  private readonly onHeartbeatSucceeded = () => this.noteSuccess();

  private readonly options: ResolvedOptions;

  constructor(options: ResolvedOptions) {
    this.options = options;
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      this.client = createClient(options);
      this.ownsClient = true;
    }
    this.client.on('serverHeartbeatFailed', this.onHeartbeatFailed);
    this.client.on('serverHeartbeatSucceeded', this.onHeartbeatSucceeded);
  }

  /** Whether the last contact with the server succeeded. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** True once a write or the driver's heartbeat failed, until the server answers again. */
  get isDown(): boolean {
    return this.down;
  }

  /** Calls `listener` each time the server answers after being down. Returns an unsubscribe. */
  onReachable(listener: () => void): () => void {
    this.reachableListeners.add(listener);
    return () => this.reachableListeners.delete(listener);
  }

  /** Resolves once the server answers a ping; rejects with the driver's error otherwise. */
  async probe(): Promise<void> {
    try {
      await this.ready();
      await this.client.db(this.options.database).command({ ping: 1 });
      this.noteSuccess();
    } catch (error) {
      throw this.noteFailure(error);
    }
  }

  /**
   * Unordered insert. Documents whose `_id` is already stored count as written, so a
   * repeated batch is harmless. Throws the driver's error (connection, auth...) when
   * nothing could be decided; its message may hold secrets, so print it with `describe()`.
   */
  async insert(kind: CollectionKind, documents: readonly IdentifiedDocument[]): Promise<WriteOutcome> {
    if (documents.length === 0) return { written: 0, rejected: 0 };
    try {
      await this.ready();
      await Promise.all([
        this.ensureIndexes(kind),
        this.collection(kind).insertMany(documents as IdentifiedDocument[], { ordered: false }),
      ]);
      this.noteSuccess();
      return { written: documents.length, rejected: 0 };
    } catch (error) {
      const failed = failedIndexes(error);
      if (failed === undefined) throw this.noteFailure(error);
      this.noteSuccess();
      if (failed.length > 0) {
        log.warn(
          `${failed.length} of ${documents.length} documents refused by ${this.where(kind)}: ${this.describe(error)}`,
        );
      }
      return { written: documents.length - failed.length, rejected: failed.length };
    }
  }

  /** Replaces each document by `_id`, inserting it if absent: the metrics session documents. */
  async upsert(kind: CollectionKind, documents: readonly IdentifiedDocument[]): Promise<WriteOutcome> {
    if (documents.length === 0) return { written: 0, rejected: 0 };
    const operations: AnyBulkWriteOperation<IdentifiedDocument>[] = documents.map((document) => ({
      replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
    }));
    try {
      await this.ready();
      await Promise.all([
        this.ensureIndexes(kind),
        this.collection(kind).bulkWrite(operations, { ordered: false }),
      ]);
      this.noteSuccess();
      return { written: documents.length, rejected: 0 };
    } catch (error) {
      throw this.noteFailure(error);
    }
  }

  /** Whether the server answers a `ping` now (the gateway's readiness). Never throws. */
  async ping(): Promise<boolean> {
    try {
      await this.ready();
      await this.client.db(this.options.database).command({ ping: 1 });
      this.connected = true;
      return true;
    } catch {
      this.connected = false;
      return false;
    }
  }

  /**
   * Closes the client if this writer created it (a client given by the application is left
   * open); operations still waiting on it fail. Never rejects.
   */
  async close(): Promise<void> {
    this.client.removeListener('serverHeartbeatFailed', this.onHeartbeatFailed);
    this.client.removeListener('serverHeartbeatSucceeded', this.onHeartbeatSucceeded);
    this.reachableListeners.clear();
    this.connected = false;
    if (!this.ownsClient) return;
    try {
      await this.client.close();
    } catch (error) {
      log.warn(`closing the MongoDB client failed: ${this.describe(error)}`);
    }
  }

  /** An error's text with every secret removed: for diag and for errors passed on. */
  describe(error: unknown): string {
    return describeError(error, this.options.secrets);
  }

  /**
   * Connects explicitly when the last contact failed. With driver 7 a client whose first,
   * implicit connection failed stays closed ("Topology is closed") even after the server
   * is back; `connect()` reopens it, and is a no-op on a client that is already connected.
   */
  private ready(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connecting ??= this.client
      .connect()
      .then(() => {
        this.connected = true;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  private collection(kind: CollectionKind) {
    return this.client
      .db(this.options.database)
      .collection<IdentifiedDocument>(this.options.collections[kind]);
  }

  private where(kind: CollectionKind): string {
    return `${this.options.database}.${this.options.collections[kind]}`;
  }

  /** Marks the writer disconnected and hands the driver's error back; callers describe it with `describe()`. */
  private noteFailure(error: unknown): unknown {
    this.connected = false;
    if (isTransient(error)) this.down = true;
    return error;
  }

  private noteSuccess(): void {
    this.connected = true;
    if (!this.down) return;
    this.down = false;
    for (const listener of this.reachableListeners) {
      try {
        listener();
      } catch (error) {
        log.error('a reachability listener threw', error);
      }
    }
  }

  /**
   * Creates the plan's indexes once per collection. A transient failure is reported and tried
   * again on the next write; a permanent one (no privilege) is reported once and not retried.
   */
  private ensureIndexes(kind: CollectionKind): Promise<void> {
    if (!this.options.createIndexes) return Promise.resolve();
    let ready = this.indexesReady.get(kind);
    if (!ready) {
      const db = this.client.db(this.options.database);
      ready = ensureCollectionIndexes(db, this.options.collections[kind], INDEXES[kind])
        .then(() => this.ensureRetention(kind))
        .then(
          () => undefined,
          (error: unknown) => {
            if (isTransient(error)) {
              this.indexesReady.delete(kind);
              log.warn(`cannot create indexes on ${this.where(kind)}; will retry: ${this.describe(error)}`);
            } else {
              log.error(
                `cannot create indexes on ${this.where(kind)}; not retrying (create them yourself, ` +
                  `or set createIndexes: false): ${this.describe(error)}`,
              );
            }
          },
        );
      this.indexesReady.set(kind, ready);
    }
    return ready;
  }

  /** The `retentionDays` TTL index; a server without TTL indexes (FerretDB) is reported once, not retried. */
  private async ensureRetention(kind: CollectionKind): Promise<void> {
    const days = this.options.retentionDays;
    if (days === undefined) return;
    const name = this.options.collections[kind];
    try {
      await applyRetention(this.client.db(this.options.database), name, days);
    } catch (error) {
      if (!(error instanceof RetentionUnsupportedError)) throw error;
      log.warn(`retentionDays: ${error.message}`);
    }
  }
}

function createClient(options: ResolvedOptions): MongoClient {
  if (!options.connectionString) {
    throw new InvalidOptionError(
      'connectionString',
      undefined,
      'a MongoDB URI, given as an option or in MONGODB_CONNECTION_STRING or MONGODB_URI (or pass `client`)',
    );
  }
  try {
    return new MongoClient(options.connectionString, {
      appName: APP_NAME,
      serverSelectionTimeoutMS: options.connectionTimeoutMs,
      connectTimeoutMS: options.connectionTimeoutMs,
    });
  } catch (error) {
    throw new InvalidOptionError(
      options.connectionStringOption,
      redactConnectionStringValue(options.connectionString),
      `a valid MongoDB URI (${describeError(error, options.secrets)})`,
      { cause: error },
    );
  }
}
