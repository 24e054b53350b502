import { type AnyBulkWriteOperation, type Document, MongoClient } from 'mongodb';
import { componentLogger } from '../foundation/diag';
import { InvalidOptionError } from '../foundation/errors';
import { describeError, redactConnectionStringValue } from '../foundation/redact';
import { ensureCollectionIndexes } from './ensure-indexes';
import { IdleRelease } from './idle-release';
import { INDEXES } from './indexes';
import { applyRetention, RetentionUnsupportedError } from './retention';
import { UnreachableSignal } from './unreachable-signal';
import { failedIndexes, isTransient } from './write-errors';
import type { CollectionNames } from '../document/schema';
import type { DestinationSettings } from './options';

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
 * How long a client the writer made stays open with nothing to do. Short, because an open
 * client keeps the process alive (see `IdleRelease`); a busy exporter writes far more often.
 */
export const IDLE_RELEASE_MS = 1000;

/** How the writer holds its connection. */
export interface WriterOptions {
  /**
   * Keep the client open between writes: for a server process (the gateway), which lives on
   * anyway. Otherwise a client the writer made is closed after `IDLE_RELEASE_MS` without work.
   * @default false
   */
  keepConnected?: boolean;
}

/**
 * The one module that talks to MongoDB: every insert, upsert and index creation.
 * Connects lazily on the first write; closes the client only if it created it. A client it
 * made is also closed when idle and reopened by the next write, so that it never keeps the
 * process alive, and an operation fails at once when the driver learns that no server can be
 * reached (refused, unknown host) instead of waiting out server selection.
 */
export class MongoWriter {
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly indexesReady = new Map<CollectionKind, Promise<void>>();
  /** The client is open and was seen to answer: an operation needs no `connect()` first. */
  private connected = false;
  private lastContactSucceeded = false;
  /** Known unreachable: a write failed transiently, or the heartbeat failed; until it answers. */
  private down = false;
  private connecting: Promise<void> | undefined;
  /** The idle client being closed: a write waits for it before connecting again. */
  private releasing: Promise<void> | undefined;
  private closed = false;
  private readonly unreachable: UnreachableSignal;
  private readonly idle: IdleRelease | undefined;
  private readonly reachableListeners = new Set<() => void>();
  private readonly onHeartbeatFailed = () => {
    this.connected = false;
    this.lastContactSucceeded = false;
    this.down = true;
  };
  private readonly onHeartbeatSucceeded = () => this.noteSuccess();

  private readonly options: DestinationSettings;

  constructor(options: DestinationSettings, writerOptions: WriterOptions = {}) {
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
    this.unreachable = new UnreachableSignal(this.client);
    // A client the application gave is the application's to keep open or close.
    this.idle =
      this.ownsClient && writerOptions.keepConnected !== true
        ? new IdleRelease(() => this.releaseClient(), IDLE_RELEASE_MS)
        : undefined;
  }

  /** Whether the last contact with the server succeeded (an idle client may be closed meanwhile). */
  get isConnected(): boolean {
    return this.lastContactSucceeded;
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
    await this.operation(async () => {
      await this.ready();
      await this.client.db(this.options.database).command({ ping: 1 });
    });
    this.noteSuccess();
  }

  /**
   * Unordered insert. Documents whose `_id` is already stored count as written, so a
   * repeated batch is harmless. Throws the driver's error (connection, auth...) when
   * nothing could be decided; its message may hold secrets, so print it with `describe()`.
   */
  async insert(kind: CollectionKind, documents: readonly IdentifiedDocument[]): Promise<WriteOutcome> {
    if (documents.length === 0) return { written: 0, rejected: 0 };
    try {
      await this.operation(async () => {
        await this.ready();
        await Promise.all([
          this.ensureIndexes(kind),
          this.collection(kind).insertMany(documents as IdentifiedDocument[], { ordered: false }),
        ]);
      });
      this.noteSuccess();
      return { written: documents.length, rejected: 0 };
    } catch (error) {
      const failed = failedIndexes(error);
      if (failed === undefined) throw error;
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
    await this.operation(async () => {
      await this.ready();
      await Promise.all([
        this.ensureIndexes(kind),
        this.collection(kind).bulkWrite(operations, { ordered: false }),
      ]);
    });
    this.noteSuccess();
    return { written: documents.length, rejected: 0 };
  }

  /** Whether the server answers a `ping` now (the gateway's readiness). Never throws. */
  async ping(): Promise<boolean> {
    try {
      await this.probe();
      return true;
    } catch {
      return false; // probe() noted the failure
    }
  }

  /**
   * Closes a client this writer made if nothing is running on it, so that the process may end
   * (the next write reconnects). Resolves once it is closed; at once when there is nothing to do.
   */
  releaseIfIdle(): Promise<void> {
    if (this.idle && !this.idle.busy) this.releaseClient();
    return this.releasing ?? Promise.resolve();
  }

  /**
   * Closes the client if this writer created it (a client given by the application is left
   * open); operations still waiting on it fail. Never rejects.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.idle?.cancel();
    this.unreachable.close();
    this.client.removeListener('serverHeartbeatFailed', this.onHeartbeatFailed);
    this.client.removeListener('serverHeartbeatSucceeded', this.onHeartbeatSucceeded);
    this.reachableListeners.clear();
    this.connected = false;
    this.lastContactSucceeded = false;
    if (!this.ownsClient) return;
    await this.releasing;
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
    if (this.connected && !this.releasing) return Promise.resolve();
    if (this.connecting) return this.connecting;
    const connecting = (async () => {
      await this.releasing;
      await this.client.connect();
      this.connected = true;
    })().finally(() => {
      if (this.connecting === connecting) this.connecting = undefined;
    });
    this.connecting = connecting;
    return connecting;
  }

  /**
   * Runs one operation on the client: ended early when no server can be reached, counted so
   * that an idle client is released, and its failure noted. Rethrows the driver's error.
   */
  private async operation(work: () => Promise<void>): Promise<void> {
    this.idle?.begin();
    let failed = false;
    try {
      await this.unreachable.race(work());
    } catch (error) {
      // Some documents refused for good: the server answered.
      if (failedIndexes(error) !== undefined) throw error;
      failed = isTransient(error);
      throw this.noteFailure(error);
    } finally {
      this.idle?.end(failed);
    }
  }

  /** Closes the client this writer made; the next operation connects it again. */
  private releaseClient(): void {
    if (this.closed || this.releasing) return;
    this.connected = false;
    // A connection attempt still waiting on server selection ends with the close; the next
    // operation starts a new one.
    this.connecting = undefined;
    this.releasing = this.client
      .close()
      .catch((error: unknown) => log.debug(`closing the idle MongoDB client failed: ${this.describe(error)}`))
      .finally(() => {
        this.releasing = undefined;
        this.connected = false; // a heartbeat may have landed while it closed
        this.unreachable.reset();
      });
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
    this.lastContactSucceeded = false;
    if (isTransient(error)) this.down = true;
    return error;
  }

  private noteSuccess(): void {
    this.connected = true;
    this.lastContactSucceeded = true;
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

function createClient(options: DestinationSettings): MongoClient {
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
