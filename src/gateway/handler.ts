import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { hrTime } from '@opentelemetry/core';
import { componentLogger } from '../foundation/diag';
import { InFlight } from '../foundation/in-flight';
import { Allowance, type Hold } from './allowance';
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
import type { ResolvedGatewayOptions } from './options';
import { readLogsRequest } from './otlp-logs';
import { readMetricsRequest } from './otlp-metrics';
import { RateLimiter } from './rate-limit';
import { RefusalLog } from './refusal-log';
import { GatewayRequestError } from './request-error';
import { GatewayStorage, RETRY_AFTER_SECONDS } from './storage';
import { INVALID_TOKEN, mayWriteAs, TokenAuthenticator } from './tokens';

const log = componentLogger('gateway');
const ROUTES: Record<string, Signal> = { '/v1/logs': 'logs', '/v1/metrics': 'metrics' };

/**
 * What the gateway does with each request: route, authenticate, hold its share of the limits,
 * decode, store, answer. Every expected refusal is a {@link GatewayRequestError} with its status.
 */
export class GatewayHandler {
  private readonly counter = new GatewayCounter();
  private readonly storage: GatewayStorage;
  private readonly sessions: MetricSessions;
  private readonly logs: LogSink;
  private readonly auth: TokenAuthenticator;
  private readonly limiter: RateLimiter;
  private readonly refusals = new RefusalLog();
  private readonly active = new InFlight();
  /** Body bytes of the requests not yet answered. */
  private readonly bodies: Allowance;
  private draining = false;

  private readonly options: ResolvedGatewayOptions;

  constructor(options: ResolvedGatewayOptions) {
    this.options = options;
    this.bodies = new Allowance(options.maxPendingBytes);
    this.storage = new GatewayStorage(options.storage, options.maxPendingRecords, options.groupWaitMs);
    this.sessions = new MetricSessions(this.storage);
    this.logs = new LogSink(options.storage, this.storage, this.counter);
    this.auth = new TokenAuthenticator(options.tokens);
    this.limiter = new RateLimiter(options.rateLimitPerSecond, options.rateLimitPerSecond * 2);
  }

  counters(): GatewayCounters {
    return this.counter.snapshot(this.storage.stats.snapshot(), {
      records: this.storage.pending,
      bodyBytes: this.bodies.held,
    });
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
    const bodyHold = this.bodies.hold();
    try {
      // The body, its decoded message and its records are let go here, before the write is
      // awaited: while it waits, a pending request holds only its documents.
      const write = this.prepare(signal, encoding, await this.readHeld(request, response, bodyHold), client);
      const result = await write();
      response.statusCode = 200;
      response.setHeader('content-type', encoding === 'json' ? 'application/json' : 'application/x-protobuf');
      this.counter.response(200);
      response.end(encodeResponse(signal, encoding, result.rejected, result.message));
    } finally {
      bodyHold.release();
    }
  }

  /** The body, its bytes held until the request is answered; 503 when others hold too many. */
  private async readHeld(request: IncomingMessage, response: ServerResponse, hold: Hold): Promise<Buffer> {
    try {
      return await readBody(request, this.options.maxBodyBytes, (bytes) => {
        if (hold.take(bytes)) return;
        throw new GatewayRequestError(
          503,
          `the gateway holds ${this.bodies.held} body bytes of requests not yet answered; retry later`,
          RETRY_AFTER_SECONDS,
        );
      });
    } catch (error) {
      // The rest of the body is not read: the connection cannot carry another request.
      response.setHeader('connection', 'close');
      throw error;
    }
  }

  /**
   * Decodes, reads, authorises and reserves a request, all synchronously, and returns its write.
   * A refusal (400, 403, 503) throws here, before anything is written.
   */
  private prepare(
    signal: Signal,
    encoding: OtlpEncoding,
    body: Buffer,
    client: { name: string; app: string },
  ): () => Promise<SinkResult> {
    const message = decodeRequest(signal, encoding, body);
    const now = hrTime();
    if (signal === 'logs') {
      const groups = readLogsRequest(message, now);
      this.authorise(client, groups);
      const count = groups.reduce((sum, group) => sum + group.records.length, 0);
      const free = this.storage.reserve(count);
      this.counter.records.received += count;
      let mapped;
      try {
        mapped = this.logs.map(groups);
      } catch (error) {
        free();
        throw error;
      }
      return () => this.logs.write(mapped).finally(free);
    }
    const groups = readMetricsRequest(message, now);
    this.authorise(client, groups);
    const count = groups.reduce((sum, group) => sum + group.points + group.rejected, 0);
    const rejected = groups.reduce((sum, group) => sum + group.rejected, 0);
    const free = this.storage.reserve(count);
    this.counter.records.received += count;
    this.counter.records.rejected += rejected;
    const result: SinkResult = {
      rejected,
      message: rejected > 0 ? 'summary metrics have no place in the session document' : '',
    };
    return () =>
      this.sessions
        .store(groups)
        .then(() => result)
        .finally(free);
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
