import { resolve } from 'node:path';
import { componentLogger } from '../foundation/diag';
import { InvalidOptionError } from '../foundation/errors';
import { StatsCounter } from '../foundation/stats';
import { type CollectionKind, MongoWriter, type WriterOptions } from '../storage/mongo-writer';
import { Delivery } from './delivery';
import { destinationOf } from './spool-location';
import type { DeliverySettings } from './options';

const log = componentLogger('destination');

/** One exporter's use of a destination: the shared writer and delivery, and its own counters. */
export interface DestinationLease {
  readonly writer: MongoWriter;
  readonly delivery: Delivery;
  /** Lets go of the destination; the last lease closes it (bounded by `retryDeadlineMs`). Never rejects. */
  release(): Promise<void>;
  /** Gives up at once: what is in flight goes to the spool, the client is closed in the background. */
  abort(): void;
}

interface Shared {
  readonly folder: string | undefined;
  /** Servers, database, collections: all users of one spool folder must agree on it. */
  readonly destination: string;
  /** How it connects (URI with credentials, or the application's client): who may share the writer. */
  readonly fingerprint: string;
  readonly writer: MongoWriter;
  readonly delivery: Delivery;
  readonly leases: Set<{ kinds: readonly CollectionKind[]; stats: StatsCounter }>;
  closing: Promise<void> | undefined;
}

/**
 * Exporters of this process that spool to the same folder and connect the same way share one
 * writer (one client) and one delivery: one owner per spool folder, so that a single replay
 * loop claims, releases and deletes its segments. (Exporters reaching the same destination
 * through different clients get deliveries of their own on the folder; DiskSpool keeps their
 * claims apart, in this process by a process-wide set and between processes by renaming.)
 * On globalThis, so that the ESM and CommonJS builds of the package share it.
 */
const registry = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('opentelemetry-exporter-mongodb.destinations')
] ??= new Set<Shared>()) as Set<Shared>;

/**
 * The destination for `options`, shared with other exporters of this process that spool to
 * the same folder; without a spool, a destination of its own. `kinds` are the collections the
 * exporter writes: replayed and dropped documents of those kinds are counted in `stats`.
 * Throws `InvalidOptionError` when the folder is already the spool of another destination.
 */
export function acquireDestination(
  options: DeliverySettings,
  kinds: readonly CollectionKind[],
  stats: StatsCounter,
  writerOptions: WriterOptions = {},
): DestinationLease {
  const folder = options.spoolDir === undefined ? undefined : resolve(options.spoolDir);
  const destination = destinationOf(
    options.connectionString,
    options.client,
    options.database,
    options.collections,
  );
  const fingerprint = fingerprintOf(options);
  let shared: Shared | undefined;
  for (const candidate of folder === undefined ? [] : registry) {
    if (candidate.folder !== folder) continue;
    if (candidate.destination !== destination) {
      throw new InvalidOptionError(
        'spoolDir',
        options.spoolDir,
        'a folder of its own: another exporter of this process spools to it for a different destination',
      );
    }
    if (candidate.fingerprint === fingerprint) shared = candidate;
  }
  if (!shared) {
    shared = open(options, folder, destination, fingerprint, writerOptions);
    registry.add(shared);
  }
  const lease = { kinds, stats };
  shared.leases.add(lease);
  const owner = shared;
  let released = false;
  return {
    writer: owner.writer,
    delivery: owner.delivery,
    release: async () => {
      if (released) return owner.closing ?? Promise.resolve();
      released = true;
      if (owner.leases.size > 1) {
        owner.leases.delete(lease);
        return;
      }
      // The last lease keeps counting what the closing replay does.
      registry.delete(owner);
      owner.closing ??= owner.delivery
        .close(options.retryDeadlineMs)
        .then(() => owner.writer.close())
        .catch((error: unknown) => log.error('closing the destination failed', error))
        .finally(() => owner.leases.delete(lease));
      return owner.closing;
    },
    abort: () => {
      owner.delivery.abort();
      registry.delete(owner);
      void owner.writer.close();
    },
  };
}

function open(
  options: DeliverySettings,
  folder: string | undefined,
  destination: string,
  fingerprint: string,
  writerOptions: WriterOptions,
): Shared {
  const writer = new MongoWriter(options, writerOptions);
  const leases: Shared['leases'] = new Set();
  const detached = new StatsCounter();
  const delivery = new Delivery({
    writer,
    ...options,
    destination,
    spoolStats: (kind) => {
      let first: StatsCounter | undefined;
      for (const lease of leases) {
        if (lease.kinds.includes(kind)) return lease.stats;
        first ??= lease.stats;
      }
      return first ?? detached;
    },
  });
  return { folder, destination, fingerprint, writer, delivery, leases, closing: undefined };
}

/** What must be equal for two exporters to share one client: the same URI (credentials included) or client. */
function fingerprintOf(options: DeliverySettings): string {
  return options.client ? clientId(options.client) : `uri:${options.connectionString ?? ''}`;
}

const clientIds = new WeakMap<object, string>();
let nextClientId = 0;
function clientId(client: object): string {
  let id = clientIds.get(client);
  if (!id) clientIds.set(client, (id = `client#${nextClientId++}`));
  return id;
}
