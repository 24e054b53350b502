import type { MongoClient } from 'mongodb';
import type { CollectionNames } from '../document/schema';
import { InvalidOptionError } from '../foundation/errors';
import { passwordOf, redactConnectionStringValue } from '../foundation/redact';
import { defaultsOf, groupOf, type OptionTable, resolveTable, type Sources } from '../options/descriptor';
import { booleanOption, optionalPositiveInteger, positiveInteger } from '../options/validators';
import { connectionStringProblem } from './connection-string';

/** Where the documents go: the server, the database and its collections. Every key is optional. */
export interface DestinationOptions {
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
   * Days to keep documents: a TTL index on `timestamp` (named `timestamp_ttl`) in each collection
   * makes the server delete older ones (the plan's `[MONGODB] retencao_dias`). A later change
   * updates the index (`collMod`). Unset keeps documents forever. FerretDB does not support TTL
   * indexes: there the setting is reported through `diag` and has no effect.
   * @default undefined (documents are kept forever)
   */
  retentionDays?: number;
}

/** The destination as the writer reads it. */
export interface DestinationSettings {
  connectionString: string | undefined;
  /** How to name the connection string in an error: the option, or the environment variable it came from. */
  connectionStringOption: string;
  client: MongoClient | undefined;
  database: string;
  collections: CollectionNames;
  connectionTimeoutMs: number;
  createIndexes: boolean;
  /** Strings never to print: the connection string's password, raw and decoded. */
  secrets: readonly string[];
  /** Undefined when documents are kept forever. */
  retentionDays: number | undefined;
}

const COLLECTION_OPTIONS = {
  errors: { default: 'errors', transform: collectionName },
  audit: { default: 'audit', transform: collectionName },
  metrics: { default: 'metrics', transform: collectionName },
} satisfies OptionTable<CollectionNames>;

/** The destination's options, one descriptor each. */
export const DESTINATION_OPTIONS = {
  connectionString: {
    env: ['MONGODB_CONNECTION_STRING', 'MONGODB_URI'],
    transform: (name: string, value: unknown) => (value === undefined ? undefined : mongoUri(name, value)),
  },
  client: { transform: mongoClient },
  database: { env: ['MONGODB_DATABASE'], default: 'mathbank_logs', transform: databaseName },
  collections: {
    default: defaultsOf(COLLECTION_OPTIONS),
    transform: groupOf(COLLECTION_OPTIONS, 'an object like { errors, audit, metrics }'),
  },
  connectionTimeoutMs: { default: 5000, transform: positiveInteger },
  createIndexes: { default: true, transform: booleanOption },
  retentionDays: { transform: optionalPositiveInteger },
} satisfies OptionTable<DestinationOptions>;

/** Environment variables read when an option is not given. */
export const DESTINATION_ENV = Object.freeze({
  connectionString: DESTINATION_OPTIONS.connectionString.env,
  database: DESTINATION_OPTIONS.database.env[0]!,
});

/** The destination's options resolved; throws `InvalidOptionError` naming the first bad one. */
export function resolveDestination(options: DestinationOptions, env: NodeJS.ProcessEnv): DestinationSettings {
  const client = checkOneDestination(options);
  const sources: Sources<typeof DESTINATION_OPTIONS> = {};
  // With a client, the connection-string variables are not read: the client is the destination.
  const resolved = resolveTable(
    DESTINATION_OPTIONS,
    options,
    client ? { ...env, ...NO_URI_ENV } : env,
    undefined,
    sources,
  );
  return {
    ...resolved,
    connectionStringOption: sources.connectionString ?? 'connectionString',
    secrets: passwordOf(resolved.connectionString),
  };
}

/** A client or a connection string, not both: the client, if one is given. */
export function checkOneDestination(options: DestinationOptions): MongoClient | undefined {
  const client = mongoClient('client', options.client);
  if (client && options.connectionString !== undefined) {
    throw new InvalidOptionError(
      'connectionString',
      '[given with client]',
      'either client or connectionString, not both',
    );
  }
  return client;
}

const NO_URI_ENV = Object.fromEntries(
  DESTINATION_OPTIONS.connectionString.env.map((name) => [name, undefined]),
);

function mongoClient(_name: string, value: unknown): MongoClient | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && typeof (value as MongoClient).db === 'function') {
    return value as MongoClient;
  }
  throw new InvalidOptionError('client', '[not a MongoClient]', 'a MongoClient instance');
}

function mongoUri(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^mongodb(\+srv)?:\/\/\S+$/i.test(value.trim())) {
    const shown = typeof value === 'string' ? redactConnectionStringValue(value) : value;
    throw new InvalidOptionError(name, shown, 'a mongodb:// or mongodb+srv:// URI');
  }
  const problem = connectionStringProblem(value.trim());
  if (problem !== undefined) {
    throw new InvalidOptionError(
      name,
      redactConnectionStringValue(value),
      `a valid MongoDB URI (${problem.message})`,
      { cause: problem.cause },
    );
  }
  return value;
}

function databaseName(name: string, value: unknown): string {
  if (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length < 64 &&
    !/[/\\. "$*<>:|?\0]/.test(value)
  ) {
    return value;
  }
  throw new InvalidOptionError(
    name,
    value,
    'a MongoDB database name (1-63 characters, none of /\\. "$*<>:|?)',
  );
}

function collectionName(name: string, value: unknown): string {
  if (typeof value === 'string' && value.length > 0 && !value.includes('$') && !value.startsWith('system.')) {
    return value;
  }
  throw new InvalidOptionError(name, value, 'a collection name without "$", not starting with "system."');
}
