import { InvalidOptionError } from '../foundation/errors';
import { DEFAULT_GROUPING } from './insert-grouping';
import { type GatewayToken, loadTokens } from './tokens';
import { defaultsOf, keysOf, type OptionTable, resolveTable } from '../options/descriptor';
import { integerIn, nonEmptyText } from '../options/validators';
import {
  type MongoExporterOptions,
  type ResolvedOptions,
  resolveOptions,
  SHARED_OPTION_KEYS,
} from '../shared-options/shared-options';

/** Environment variables the gateway reads when an option is not given. */
export const GATEWAY_ENV = Object.freeze({
  tokens: 'MONGODB_GATEWAY_TOKENS',
  tokensFile: 'MONGODB_GATEWAY_TOKENS_FILE',
});

/** Options of `startGateway()` and of the `gateway` command; database options as for the exporters. */
export interface GatewayOptions extends MongoExporterOptions {
  /**
   * Interface to listen on. Without TLS, give it explicitly to listen beyond loopback (a warning says so).
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * TCP port; 0 picks a free one (read it from `gateway.port`).
   * @default 4318 (the OTLP/HTTP port)
   */
  port?: number;
  /** PEM certificate file; with `tlsKey`, the gateway speaks HTTPS. */
  tlsCert?: string;
  /** PEM private key file of `tlsCert`. */
  tlsKey?: string;
  /**
   * Client tokens, one `<name> <app> <token>` per entry (see docs/gateway.md).
   * @default read from `tokensFile`, and from process.env.MONGODB_GATEWAY_TOKENS
   */
  tokens?: readonly GatewayToken[];
  /**
   * File of client tokens, one `<name> <app> <token>` per line.
   * @default process.env.MONGODB_GATEWAY_TOKENS_FILE
   */
  tokensFile?: string;
  /**
   * Largest request body, in bytes, before and after decompression; larger ones get 413.
   * @default 4194304 (4 MiB)
   */
  maxBodyBytes?: number;
  /**
   * Requests per second each token may make on average (bursts of twice as many); beyond, 429.
   * 0 turns the limit off.
   * @default 100
   */
  rateLimitPerSecond?: number;
  /**
   * Records accepted but not yet stored or spooled, across all clients; beyond, 503 with Retry-After.
   * @default 20000
   */
  maxPendingRecords?: number;
  /**
   * Body bytes (after decompression) that requests not yet answered hold, across all clients;
   * beyond, 503 with Retry-After. With `maxPendingRecords`, it bounds what the gateway keeps in
   * memory for its clients however many connect. A request alone may be larger (up to
   * `maxBodyBytes`).
   * @default 33554432 (32 MiB)
   */
  maxPendingBytes?: number;
  /**
   * How long, at most, a request's log documents wait for other clients' requests so that they
   * are inserted together in one batch (up to 1,000 documents); the answer still comes once
   * they are stored or spooled. `0` writes each request on its own.
   * @default 20
   */
  groupWaitMs?: number;
  /**
   * How long `close()` (SIGTERM) waits for accepted records to reach MongoDB or the spool.
   * @default 15000
   */
  shutdownTimeoutMs?: number;
}

export interface ResolvedGatewayOptions {
  host: string;
  /** Whether `host` was given (no loopback-only warning is needed then with TLS). */
  hostGiven: boolean;
  port: number;
  tls: { cert: string; key: string } | undefined;
  tokens: readonly GatewayToken[];
  maxBodyBytes: number;
  rateLimitPerSecond: number;
  maxPendingRecords: number;
  maxPendingBytes: number;
  groupWaitMs: number;
  shutdownTimeoutMs: number;
  storage: ResolvedOptions;
}

/** The gateway's own options, one descriptor each; the database options are the shared ones. */
const GATEWAY_OPTIONS = {
  host: { default: '127.0.0.1', transform: hostName },
  port: { default: 4318, transform: integerIn(0, 65_535) },
  tlsCert: { transform: optionalText },
  tlsKey: { transform: optionalText },
  tokens: { transform: (_name: string, value: unknown) => value as readonly GatewayToken[] | undefined },
  tokensFile: { env: [GATEWAY_ENV.tokensFile], transform: optionalText },
  maxBodyBytes: { default: 4 * 1024 * 1024, transform: integerIn(1024) },
  rateLimitPerSecond: { default: 100, transform: integerIn(0) },
  maxPendingRecords: { default: 20_000, transform: integerIn(1) },
  maxPendingBytes: { default: 32 * 1024 * 1024, transform: integerIn(1024) },
  groupWaitMs: { default: DEFAULT_GROUPING.maxWaitMs, transform: integerIn(0, 1000) },
  shutdownTimeoutMs: { default: 15_000, transform: integerIn(1) },
} satisfies OptionTable<Omit<GatewayOptions, keyof MongoExporterOptions>>;

export const GATEWAY_DEFAULTS = defaultsOf(GATEWAY_OPTIONS);

/** Every key the gateway accepts: its own and the shared database options. */
const GATEWAY_KEYS = keysOf(SHARED_OPTION_KEYS, GATEWAY_OPTIONS);

/** Every gateway option resolved and checked in one place; throws naming the first bad one. */
export function resolveGatewayOptions(
  options: GatewayOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedGatewayOptions {
  const storage = resolveOptions(options, env, 'gateway', GATEWAY_KEYS);
  const own = resolveTable(GATEWAY_OPTIONS, options, env);
  if ((own.tlsCert === undefined) !== (own.tlsKey === undefined)) {
    throw new InvalidOptionError(
      own.tlsCert === undefined ? 'tlsCert' : 'tlsKey',
      undefined,
      'both tlsCert and tlsKey, or neither',
    );
  }
  let tokens: readonly GatewayToken[];
  try {
    tokens = own.tokens ?? loadTokens(own.tokensFile, nonEmptyText(env[GATEWAY_ENV.tokens]));
  } catch (error) {
    throw new InvalidOptionError('tokens', '[not shown]', `valid token entries: ${(error as Error).message}`);
  }
  if (tokens.length === 0) {
    throw new InvalidOptionError(
      'tokens',
      '[none]',
      `at least one client token, from tokensFile (${GATEWAY_ENV.tokensFile}) or ${GATEWAY_ENV.tokens}`,
    );
  }
  return {
    host: own.host,
    hostGiven: options.host !== undefined,
    port: own.port,
    tls: own.tlsCert && own.tlsKey ? { cert: own.tlsCert, key: own.tlsKey } : undefined,
    tokens,
    maxBodyBytes: own.maxBodyBytes,
    rateLimitPerSecond: own.rateLimitPerSecond,
    maxPendingRecords: own.maxPendingRecords,
    maxPendingBytes: own.maxPendingBytes,
    groupWaitMs: own.groupWaitMs,
    shutdownTimeoutMs: own.shutdownTimeoutMs,
    storage,
  };
}

function hostName(name: string, value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new InvalidOptionError(name, value, 'a host name or address');
}

/** A path or a text option: left out, or a non-empty string. */
function optionalText(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new InvalidOptionError(name, value, 'a non-empty string');
}
