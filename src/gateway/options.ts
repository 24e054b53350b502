import { InvalidOptionError } from '../foundation/errors';
import { resolveOptions } from '../options';
import type { MongoExporterOptions, ResolvedOptions } from '../types';
import { type GatewayToken, loadTokens } from './tokens';

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
  shutdownTimeoutMs: number;
  storage: ResolvedOptions;
}

export const GATEWAY_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 4318,
  maxBodyBytes: 4 * 1024 * 1024,
  rateLimitPerSecond: 100,
  maxPendingRecords: 20_000,
  shutdownTimeoutMs: 15_000,
});

const GATEWAY_KEYS = [
  'host',
  'port',
  'tlsCert',
  'tlsKey',
  'tokens',
  'tokensFile',
  'maxBodyBytes',
  'rateLimitPerSecond',
  'maxPendingRecords',
  'shutdownTimeoutMs',
] as const;

/** Every gateway option resolved and checked in one place; throws naming the first bad one. */
export function resolveGatewayOptions(
  options: GatewayOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedGatewayOptions {
  const storageOptions: Record<string, unknown> = { ...options };
  for (const key of GATEWAY_KEYS) delete storageOptions[key];
  const storage = resolveOptions(storageOptions as MongoExporterOptions, env);

  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new InvalidOptionError(
      options.tlsCert === undefined ? 'tlsCert' : 'tlsKey',
      undefined,
      'both tlsCert and tlsKey, or neither',
    );
  }
  const tokensFile = options.tokensFile ?? nonEmpty(env[GATEWAY_ENV.tokensFile]);
  let tokens: readonly GatewayToken[];
  try {
    tokens = options.tokens ?? loadTokens(tokensFile, nonEmpty(env[GATEWAY_ENV.tokens]));
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
  const host = options.host ?? GATEWAY_DEFAULTS.host;
  if (typeof host !== 'string' || host.trim() === '')
    throw new InvalidOptionError('host', host, 'a host name or address');
  return {
    host,
    hostGiven: options.host !== undefined,
    port: integerIn('port', options.port ?? GATEWAY_DEFAULTS.port, 0, 65_535),
    tls: options.tlsCert && options.tlsKey ? { cert: options.tlsCert, key: options.tlsKey } : undefined,
    tokens,
    maxBodyBytes: integerIn('maxBodyBytes', options.maxBodyBytes ?? GATEWAY_DEFAULTS.maxBodyBytes, 1024),
    rateLimitPerSecond: integerIn(
      'rateLimitPerSecond',
      options.rateLimitPerSecond ?? GATEWAY_DEFAULTS.rateLimitPerSecond,
      0,
    ),
    maxPendingRecords: integerIn(
      'maxPendingRecords',
      options.maxPendingRecords ?? GATEWAY_DEFAULTS.maxPendingRecords,
      1,
    ),
    shutdownTimeoutMs: integerIn(
      'shutdownTimeoutMs',
      options.shutdownTimeoutMs ?? GATEWAY_DEFAULTS.shutdownTimeoutMs,
      1,
    ),
    storage,
  };
}

function integerIn(option: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) return value;
  throw new InvalidOptionError(
    option,
    value,
    `an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
