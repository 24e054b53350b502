import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hrTime } from '@opentelemetry/core';
import { componentLogger } from '../foundation/diag';
import { InFlight } from '../foundation/in-flight';
import { readBody } from './body';
import { GatewayCounter, type GatewayCounters } from './counters';
import {
  decodeRequest,
  encodeResponse,
  encodeStatus,
  encodingOf,
  type OtlpEncoding,
  type Signal,
} from './decode';
import { LogSink, type SinkResult } from './log-sink';
import { MetricSessions } from './metric-sessions';
import { type GatewayOptions, resolveGatewayOptions, type ResolvedGatewayOptions } from './options';
import { readLogsRequest } from './otlp-logs';
import { readMetricsRequest } from './otlp-metrics';
import { RateLimiter } from './rate-limit';
import { RefusalLog } from './refusal-log';
import { GatewayRequestError } from './request-error';
import { GatewayStorage, RETRY_AFTER_SECONDS } from './storage';
import { INVALID_TOKEN, mayWriteAs, TokenAuthenticator } from './tokens';

const log = componentLogger('gateway');
const ROUTES: Record<string, Signal> = { '/v1/logs': 'logs', '/v1/metrics': 'metrics' };
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** A running gateway. */
export interface Gateway {
  /** The port it listens on (useful with `port: 0`). */
  readonly port: number;
  /** `http://host:port` or `https://host:port`. */
  readonly url: string;
  /** Requests by status, records by outcome, and the storage counters. */
  counters(): GatewayCounters;
  /**
   * Stops accepting requests (new ones get 503), waits for those in progress to be stored or
   * spooled, then closes the storage; within `shutdownTimeoutMs`. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Starts an OTLP/HTTP receiver that stores what it receives in the `errors`, `audit` and
 * `metrics` collections, with the exporters' mapping, delivery, spool and indexes.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const resolved = resolveGatewayOptions(options);
  const handler = new GatewayHandler(resolved);
  const server = resolved.tls
    ? createHttpsServer(
        { cert: readFileSync(resolved.tls.cert), key: readFileSync(resolved.tls.key) },
        (request, response) => handler.handle(request, response),
      )
    : createHttpServer((request, response) => handler.handle(request, response));
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_error, socket) => socket.destroy());
  if (!resolved.tls && !LOOPBACK.has(resolved.host)) {
    log.warn(
      `listening on ${resolved.host} without TLS: tokens and records cross the network in clear text; ` +
        'give tlsCert and tlsKey, or put a TLS proxy in front',
    );
  }
  await listen(server, resolved.port, resolved.host);
  const port = (server.address() as AddressInfo).port;
  const scheme = resolved.tls ? 'https' : 'http';
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `${scheme}://${host}:${port}`,
    counters: () => handler.counters(),
    close: () => (closing ??= handler.close(server)),
  };
}

class GatewayHandler {
  private readonly counter = new GatewayCounter();
  private readonly storage: GatewayStorage;
  private readonly sessions: MetricSessions;
  private readonly logs: LogSink;
  private readonly auth: TokenAuthenticator;
  private readonly limiter: RateLimiter;
  private readonly refusals = new RefusalLog();
  private readonly active = new InFlight();
  private draining = false;

  private readonly options: ResolvedGatewayOptions;

  constructor(options: ResolvedGatewayOptions) {
    this.options = options;
    this.storage = new GatewayStorage(options.storage, options.maxPendingRecords, options.groupWaitMs);
    this.sessions = new MetricSessions(this.storage);
    this.logs = new LogSink(options.storage, this.storage, this.counter);
    this.auth = new TokenAuthenticator(options.tokens);
    this.limiter = new RateLimiter(options.rateLimitPerSecond, options.rateLimitPerSecond * 2);
  }

  counters(): GatewayCounters {
    return this.counter.snapshot(this.storage.stats.snapshot());
  }

  handle(request: IncomingMessage, response: ServerResponse): void {
    const work = this.route(request, response).catch((error: unknown) => {
      // Every expected failure is a GatewayRequestError; anything else is a bug, never a crash.
      log.error('unexpected failure while handling a request', error);
      this.send(response, 500, undefined, 'internal error');
    });
    this.active.track(work);
  }

  async close(server: Server): Promise<void> {
    this.draining = true;
    server.close();
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.shutdownTimeoutMs).unref();
    });
    try {
      await Promise.race([this.active.settled(), deadline]);
      await Promise.race([this.logs.close().then(() => this.storage.close()), deadline]);
    } finally {
      clearTimeout(timer); // nothing of the gateway outlives close()
    }
    server.closeAllConnections();
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0]!;
    if (request.method === 'GET' && path === '/healthz')
      return this.sendJson(response, 200, { status: 'ok' });
    if (request.method === 'GET' && path === '/readyz') {
      const ready = !this.draining && (await this.storage.writer.ping());
      return this.sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    }
    if (request.method === 'GET' && path === '/stats') return this.sendJson(response, 200, this.counters());
    const signal = ROUTES[path];
    if (!signal) return this.sendJson(response, 404, { message: 'not found' });
    if (request.method !== 'POST') return this.sendJson(response, 405, { message: 'use POST' });
    let encoding: OtlpEncoding | undefined;
    try {
      encoding = safeEncoding(request.headers['content-type']);
      await this.receive(signal, request, response);
    } catch (error) {
      if (!(error instanceof GatewayRequestError)) throw error;
      if (error.status === 413 || error.status === 401) response.setHeader('connection', 'close');
      if (error.status === 401 || error.status === 403) this.noteRefusal(path, error);
      this.send(response, error.status, encoding, error.message, error.retryAfterSeconds);
    }
  }

  private async receive(signal: Signal, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.draining)
      throw new GatewayRequestError(503, 'the gateway is shutting down', RETRY_AFTER_SECONDS);
    const client = this.auth.authenticate(authorizationOf(request));
    const wait = this.limiter.take(client.name);
    if (wait > 0) throw new GatewayRequestError(429, `rate limit of token "${client.name}" reached`, wait);
    const encoding = encodingOf(request.headers['content-type']);
    this.storage.reserve(1)(); // refuse before reading the body when already full
    const body = await readBody(request, this.options.maxBodyBytes);
    const message = decodeRequest(signal, encoding, body);
    const now = hrTime();
    let result: SinkResult;
    if (signal === 'logs') {
      const groups = readLogsRequest(message, now);
      this.authorise(client, groups);
      const count = groups.reduce((sum, group) => sum + group.records.length, 0);
      const free = this.storage.reserve(count);
      try {
        this.counter.records.received += count;
        result = await this.logs.store(groups);
      } finally {
        free();
      }
    } else {
      const groups = readMetricsRequest(message, now);
      this.authorise(client, groups);
      const count = groups.reduce((sum, group) => sum + group.points + group.rejected, 0);
      const rejected = groups.reduce((sum, group) => sum + group.rejected, 0);
      const free = this.storage.reserve(count);
      try {
        this.counter.records.received += count;
        this.counter.records.rejected += rejected;
        await this.sessions.store(groups);
      } finally {
        free();
      }
      result = {
        rejected,
        message: rejected > 0 ? 'summary metrics have no place in the session document' : '',
      };
    }
    response.statusCode = 200;
    response.setHeader('content-type', encoding === 'json' ? 'application/json' : 'application/x-protobuf');
    this.counter.response(200);
    response.end(encodeResponse(signal, encoding, result.rejected, result.message));
  }

  /** A WARN line for a refused request, rate-limited; it names the token's name, never the token. */
  private noteRefusal(path: string, error: GatewayRequestError): void {
    const what =
      error.message === INVALID_TOKEN
        ? 'a bearer token that matches no configured token, so it has no name (the token is not shown)'
        : error.message;
    const key = error.tokenName === undefined ? `401 ${error.message}` : `token ${error.tokenName}`;
    this.refusals.refused(key, `refused a request to ${path} (${error.status}): ${what}`);
  }

  /** One app's token may not write as another: every resource's `service.name` must be the token's app. */
  private authorise(client: { name: string; app: string }, groups: readonly { app: string }[]): void {
    for (const group of groups) {
      if (!mayWriteAs(client.app, group.app)) {
        throw new GatewayRequestError(
          403,
          `token "${client.name}" may not write for service.name ${JSON.stringify(group.app.slice(0, 100))}`,
          undefined,
          client.name,
        );
      }
    }
  }

  private send(
    response: ServerResponse,
    status: number,
    encoding: OtlpEncoding | undefined,
    message: string,
    retryAfterSeconds?: number,
  ): void {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const { body, type } = encodeStatus(encoding, message);
    response.statusCode = status;
    response.setHeader('content-type', type);
    if (retryAfterSeconds !== undefined) response.setHeader('retry-after', String(retryAfterSeconds));
    this.counter.response(status);
    response.end(body);
  }

  private sendJson(response: ServerResponse, status: number, value: unknown): void {
    response.statusCode = status;
    response.setHeader('content-type', 'application/json');
    this.counter.response(status);
    response.end(JSON.stringify(value));
  }
}

/**
 * The one `Authorization` header. Node keeps only the first of several, and a proxy in front may
 * read another, so a request with more than one is refused rather than judged on either.
 */
function authorizationOf(request: IncomingMessage): string | undefined {
  const lines = request.rawHeaders.filter((name, i) => i % 2 === 0 && name.toLowerCase() === 'authorization');
  if (lines.length > 1) throw new GatewayRequestError(401, 'more than one Authorization header');
  return request.headers.authorization;
}

/** The request's encoding for error responses; JSON when it names none we know. */
function safeEncoding(contentType: string | undefined): OtlpEncoding | undefined {
  try {
    return encodingOf(contentType);
  } catch {
    return undefined;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
