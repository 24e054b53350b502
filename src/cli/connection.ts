import type { Command } from 'commander';
import { MongoClient, type Db } from 'mongodb';
import { loadConfig } from '../config/load-config';
import { MISSING_CONNECTION_STRING_WARNING } from '../config/load-config';
import { passwordOf, redactConnectionString } from '../foundation/redact';
import { CliError, describeCliError } from './cli-error';
import type { CollectionNames } from '../document/schema';

/** The connection options every command that reads the database takes. */
export interface ConnectionFlags {
  connectionString?: string;
  database?: string;
  config?: string;
  envFile?: string;
}

/** Adds `--connection-string`, `--database`, `--config` and `--env-file` to a command. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      '--connection-string <uri>',
      'MongoDB URI (default: MONGODB_CONNECTION_STRING or MONGODB_URI, from the environment or .env, then config.ini)',
    )
    .option('--database <name>', 'database name (default: MONGODB_DATABASE, config.ini, or mathbank_logs)')
    .option('--config <file>', 'config.ini to read (default: ./config.ini when it exists)')
    .option('--env-file <file>', '.env file to read (default: ./.env when it exists)');
}

/** An open connection to the exporter's database, as the library would reach it. */
export interface Connection {
  client: MongoClient;
  db: Db;
  collections: CollectionNames;
  /** `retentionDays` from the options, the environment or config.ini, if set. */
  retentionDays: number | undefined;
  /** The URI with its password redacted, for messages. */
  where: string;
  /** Strings never to print. */
  secrets: readonly string[];
  close(): Promise<void>;
}

/**
 * Reads the settings exactly as the library does (options, then the environment and .env,
 * then config.ini) and makes a client, without contacting the server: the driver connects on
 * the first operation and reconnects by itself. Throws {@link CliError} with one redacted line
 * when the settings are missing or bad.
 */
export function openConnection(flags: ConnectionFlags, cwd = process.cwd()): Connection {
  let config;
  try {
    config = loadConfig({
      cwd,
      options: withoutUndefined({ connectionString: flags.connectionString, database: flags.database }),
      configFile: flags.config,
      envFile: flags.envFile,
    });
  } catch (error) {
    throw new CliError(describeCliError(error, passwordOf(flags.connectionString)));
  }
  const uri = config.exporter.connectionString;
  if (!uri) throw new CliError(MISSING_CONNECTION_STRING_WARNING.split(': Remote export')[0]!);
  const secrets = passwordOf(uri);
  const where = redactConnectionString(uri);
  const timeout = config.exporter.connectionTimeoutMs ?? 5000;
  let client: MongoClient;
  try {
    client = new MongoClient(uri, {
      serverSelectionTimeoutMS: timeout,
      connectTimeoutMS: timeout,
      appName: 'opentelemetry-exporter-mongodb-cli',
    });
  } catch (error) {
    throw new CliError(`bad connection string ${where}: ${describeCliError(error, secrets)}`);
  }
  const database = config.exporter.database ?? 'mathbank_logs';
  return {
    client,
    db: client.db(database),
    collections: { errors: 'errors', audit: 'audit', metrics: 'metrics', ...config.exporter.collections },
    retentionDays: config.exporter.retentionDays,
    where,
    secrets,
    close: () => client.close(),
  };
}

/** {@link openConnection}, then a `ping`: throws {@link CliError} when the server cannot be reached or refuses the credentials. */
export async function connect(flags: ConnectionFlags, cwd = process.cwd()): Promise<Connection> {
  const connection = openConnection(flags, cwd);
  try {
    await connection.client.connect();
    await connection.db.command({ ping: 1 });
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new CliError(
      `cannot reach MongoDB at ${connection.where}: ${describeCliError(error, connection.secrets)}`,
    );
  }
  return connection;
}

/** Runs `action` with a connection and closes it afterwards, whatever happens. */
export async function withConnection<T>(
  flags: ConnectionFlags,
  action: (connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await connect(flags);
  try {
    return await action(connection);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(describeCliError(error, connection.secrets));
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
